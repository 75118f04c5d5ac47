package app.kindred.member;

import app.kindred.actor.Actor;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Told, inside the change's own transaction, that a member's public profile (their avatar) changed,
 * so whoever listens (federation: an Update{Person}) sends it with the change or not at all.
 */
@FunctionalInterface
public interface ProfileChanges {
    ProfileChanges NONE = (c, person) -> {};

    void changed(Connection c, Actor person) throws SQLException;
}
