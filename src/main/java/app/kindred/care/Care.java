package app.kindred.care;

import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import java.util.List;

/**
 * What care the instance and its communities offer, for readers: the instance's crisis resources
 * (set here by its admins) and each community's care settings (its content-warning policy,
 * pre-moderation and crisis resources, set through the moderation feature, or as a remote
 * community's Group publishes them). Resources are always one click away, never pushed at anyone.
 */
public final class Care {
    private final Database db;

    public Care(Database db) {
        this.db = db;
    }

    public List<CrisisResource> instanceResources() {
        return db.read(CommunityCare::instanceResources);
    }

    public void setInstanceResources(Member admin, List<CrisisResource> resources) {
        if (admin.role() != Role.ADMIN)
            throw new Refusal(Refusal.Kind.FORBIDDEN, null, "only instance admins set the instance's crisis resources");
        db.transaction(c -> {
            CommunityCare.setInstanceResources(c, resources);
            return null;
        });
    }

    /** A community's care settings, local or as its remote Group published them. */
    public CommunityCare community(long communityId) {
        return db.read(c -> CommunityCare.load(c, communityId));
    }
}
