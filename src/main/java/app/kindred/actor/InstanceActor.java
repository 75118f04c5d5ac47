package app.kindred.actor;

import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.security.SecureRandom;

/**
 * The server-level Application actor (FEP-d556): it signs fetches and speaks for the instance.
 * Created with its keys on first start; its name is the domain, which no member name can equal
 * when a port or dot is in it, and which the shared namespace index guards otherwise.
 */
public final class InstanceActor {
    private InstanceActor() {}

    public static Actor ensure(Database db, ActorStore actors, LocalIds ids, SecureRandom random) {
        return db.transaction(c -> {
            // Serialises two processes starting on one empty database at once.
            Sql.update(c, "lock table instance in exclusive mode");
            var existing = Sql.one(c, "select actor_id from instance", rs -> rs.getLong(1));
            if (existing.isPresent()) return actors.findById(c, existing.get()).orElseThrow();
            var uri = ids.instanceActor();
            var actor = actors.insertLocal(
                    c,
                    ActorType.APPLICATION,
                    uri,
                    ids.base().getAuthority(),
                    ids.base().getAuthority(),
                    LocalKeys.generate(random));
            Sql.update(c, "insert into instance (actor_id) values (?)", actor.id());
            return actor;
        });
    }
}
