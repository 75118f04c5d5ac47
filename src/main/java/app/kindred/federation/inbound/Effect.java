package app.kindred.federation.inbound;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What applying an activity changes, run in one transaction with marking it processed and with
 * every activity it must send (transactional outbox). Fetching happens before, outside it.
 */
@FunctionalInterface
public interface Effect {
    Effect NONE = c -> { };

    void apply(Connection c) throws SQLException, Rejected;
}
