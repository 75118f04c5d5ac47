package app.kindred.care;

import app.kindred.Refusal;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.storage.Database;
import java.util.List;

/**
 * Where to turn now: the instance's crisis resources (set by its admins) and a community's own
 * (set by its moderators through the moderation feature, or published by a remote community's
 * Group). Always one click away, never pushed at anyone.
 */
public final class CrisisResources {
    private final Database db;

    public CrisisResources(Database db) {
        this.db = db;
    }

    public List<CrisisResource> instance() {
        return db.read(CommunityCare::instanceResources);
    }

    public void setInstance(Member admin, List<CrisisResource> resources) {
        if (admin.role() != Role.ADMIN)
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only instance admins set the instance's crisis resources");
        db.transaction(c -> {
            CommunityCare.setInstanceResources(c, resources);
            return null;
        });
    }

    /** A community's own resources, local or as its remote Group published them. */
    public List<CrisisResource> community(long communityId) {
        return db.read(c -> CommunityCare.load(c, communityId).resources());
    }
}
