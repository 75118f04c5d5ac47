package app.kindred.report;

import app.kindred.notification.Notifications;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reports and their filings. */
public final class ReportStore {
    private static final String COLUMNS = """
            r.id, r.concern, r.community_id, r.post_id, r.subject_id, r.for_admins, r.status, r.note, r.decided_by,
            r.decided_at, r.forwarded_at, r.created_at""";

    /** Where a new filing belongs: the open report about the same thing, or a new one. */
    public record Subject(Concern concern, Long communityId, Long postId, Long subjectId, boolean forAdmins) {}

    public record NewFiling(
            Long reporterId,
            boolean local,
            Category category,
            Integer rule,
            String text,
            boolean showIdentity,
            String flagId,
            String flagBody,
            Long viaGroupId) {}

    /** What a queue is narrowed to; null means any. */
    public record Filter(Long communityId, ReportStatus status, Category category) {}

    /** The open report about this subject, created if there is none: repeated reports are grouped. */
    public long openReportFor(Connection c, Subject s) throws SQLException {
        return Sql.insert(c, """
                insert into report (concern, community_id, post_id, subject_id, for_admins) values (?, ?, ?, ?, ?)
                on conflict (concern, coalesce(post_id, 0), coalesce(subject_id, 0)) where status = 'open'
                do update set updated_at = now(), for_admins = report.for_admins or excluded.for_admins,
                              community_id = coalesce(report.community_id, excluded.community_id)
                returning id""", s.concern(), s.communityId(), s.postId(), s.subjectId(), s.forAdmins());
    }

    /** Adds a filing; empty when this Flag was already filed under the report (a redelivery). */
    public Optional<Long> addFiling(Connection c, long reportId, NewFiling f) throws SQLException {
        return Sql.one(
                c,
                """
                insert into report_filing (report_id, reporter_id, local, category, rule, text, show_identity, flag_id, flag_body,
                                           via_group_id)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?) on conflict (report_id, flag_id) do nothing returning id""",
                rs -> rs.getLong(1),
                reportId,
                f.reporterId(),
                f.local(),
                f.category(),
                f.rule(),
                f.text(),
                f.showIdentity(),
                f.flagId(),
                f.flagBody(),
                f.viaGroupId());
    }

    /** A local member's filing, and whether it is new (false: their earlier filing was updated). */
    public record Filed(long id, boolean created) {}

    /**
     * Files a local member's account of a report: once per member per report, later filings replace
     * its words. The unique index makes concurrent filings one row, whichever commits first.
     */
    public Filed fileLocal(Connection c, long reportId, NewFiling f) throws SQLException {
        return Sql.one(
                        c,
                        """
                insert into report_filing (report_id, reporter_id, local, category, rule, text, show_identity)
                values (?, ?, true, ?, ?, ?, ?)
                on conflict (report_id, reporter_id) where local
                do update set category = excluded.category, rule = excluded.rule, text = excluded.text,
                              show_identity = excluded.show_identity
                returning id, xmax = 0""",
                        rs -> new Filed(rs.getLong(1), rs.getBoolean(2)),
                        reportId,
                        f.reporterId(),
                        f.category(),
                        f.rule(),
                        f.text(),
                        f.showIdentity())
                .orElseThrow();
    }

    public void setFlag(Connection c, long filingId, String flagId, String flagBody) throws SQLException {
        Sql.update(
                c,
                "update report_filing set flag_id = ?, flag_body = ?::jsonb where id = ?",
                flagId,
                flagBody,
                filingId);
    }

    public Optional<Report> find(Connection c, long id) throws SQLException {
        var report = Sql.one(c, "select " + COLUMNS + " from report r where r.id = ?", rs -> map(rs, List.of()), id);
        if (report.isEmpty()) return report;
        return Optional.of(withFilings(report.get(), filings(c, id)));
    }

    public List<Filing> filings(Connection c, long reportId) throws SQLException {
        return Sql.list(c, """
                select id, report_id, reporter_id, local, category, rule, text, show_identity, flag_id, flag_body::text, via_group_id,
                       created_at
                from report_filing where report_id = ? order by created_at, id""", ReportStore::filing, reportId);
    }

    /** Reports about a member or one of their posts, newest first, at most 200. */
    public List<Report> aboutMember(Connection c, long actorId) throws SQLException {
        var reports = Sql.list(
                c,
                "select " + COLUMNS + " from report r where r.subject_id = ?"
                        + " or r.post_id in (select id from post where author_id = ?)"
                        + " order by r.created_at desc, r.id desc limit 200",
                rs -> map(rs, List.of()),
                actorId,
                actorId);
        var out = new ArrayList<Report>(reports.size());
        for (var r : reports) out.add(withFilings(r, filings(c, r.id())));
        return out;
    }

    /**
     * The queue: wellbeing concerns first, then open before decided, then oldest first.
     *
     * @param moderatorActorId only reports of communities this actor moderates, none about this
     *                         actor themselves (when {@code admin}: everything); null with admin for all
     */
    public List<Report> queue(Connection c, Long moderatorActorId, boolean admin, Filter filter) throws SQLException {
        var sql = new StringBuilder("select " + COLUMNS + " from report r where true");
        var params = new ArrayList<Object>();
        if (!admin) {
            sql.append(" and r.community_id in (select community_id from community_moderator where actor_id = ?)");
            params.add(moderatorActorId);
            // A moderator reported in their own community never sees that report; the others and admins do.
            sql.append(" and r.subject_id is distinct from ?");
            params.add(moderatorActorId);
        }
        if (filter.communityId() != null) {
            sql.append(" and r.community_id = ?");
            params.add(filter.communityId());
        }
        if (filter.status() != null) {
            sql.append(" and r.status = ?");
            params.add(filter.status());
        }
        if (filter.category() != null) {
            sql.append(" and exists (select 1 from report_filing f where f.report_id = r.id and f.category = ?)");
            params.add(filter.category());
        }
        sql.append(" order by (r.concern = 'wellbeing') desc, (r.status = 'open') desc, r.created_at, r.id limit 500");
        var reports = Sql.list(c, sql.toString(), rs -> map(rs, List.of()), params.toArray());
        var out = new ArrayList<Report>(reports.size());
        for (var r : reports) out.add(withFilings(r, filings(c, r.id())));
        return out;
    }

    /**
     * How many open reports wait in this actor's queue (the header's count): the same reports as
     * {@link #queue} with status open, counted without reading them.
     */
    public long countOpen(Connection c, long moderatorActorId, boolean admin) throws SQLException {
        if (admin) return Sql.count(c, "select count(*) from report where status = 'open'");
        return Sql.count(c, """
                select count(*) from report r where r.status = 'open'
                and r.community_id in (select community_id from community_moderator where actor_id = ?)
                and r.subject_id is distinct from ?""", moderatorActorId, moderatorActorId);
    }

    /** A member's own filings, newest first, with the report each belongs to. */
    public List<Long> reportIdsFiledBy(Connection c, long reporterActorId) throws SQLException {
        return Sql.list(c, """
                select report_id from report_filing where reporter_id = ? and local
                group by report_id order by max(created_at) desc, report_id desc""", rs -> rs.getLong(1), reporterActorId);
    }

    /** Resolves or dismisses an open report; false when it was no longer open. */
    public boolean decide(Connection c, long id, ReportStatus status, String note, Long decidedBy) throws SQLException {
        boolean decided = Sql.update(c, """
                update report set status = ?, note = ?, decided_by = ?, decided_at = now(), updated_at = now()
                where id = ? and status = 'open'""", status, note, decidedBy, id) > 0;
        // Here, where our moderators' decisions and remote servers' Resolve both land: the reporters are told either
        // way.
        if (decided) Notifications.reportDecided(c, id);
        return decided;
    }

    public void markForwarded(Connection c, long id) throws SQLException {
        Sql.update(c, "update report set forwarded_at = now(), updated_at = now() where id = ?", id);
    }

    /** Every filing carrying this Flag id: the Flag we received or the one we sent. */
    public List<Filing> filingsWithFlag(Connection c, String flagId) throws SQLException {
        return Sql.list(c, """
                select id, report_id, reporter_id, local, category, rule, text, show_identity, flag_id, flag_body::text, via_group_id,
                       created_at
                from report_filing where flag_id = ? order by id""", ReportStore::filing, flagId);
    }

    /** A Flag we sent about a report that is no member's own filing (a moderator's forward). */
    public void addSentFlag(Connection c, long reportId, String flagId, String flagBody) throws SQLException {
        Sql.update(
                c,
                "insert into report_sent_flag (flag_id, report_id, flag_body) values (?, ?, ?::jsonb) on conflict do nothing",
                flagId,
                reportId,
                flagBody);
    }

    /** The report a forwarded Flag of ours was about, with the Flag as sent. */
    public record SentFlag(long reportId, String flagBody) {}

    public Optional<SentFlag> sentFlag(Connection c, String flagId) throws SQLException {
        return Sql.one(
                c,
                "select report_id, flag_body::text from report_sent_flag where flag_id = ?",
                rs -> new SentFlag(rs.getLong(1), rs.getString(2)),
                flagId);
    }

    public List<String> sentFlagBodies(Connection c, long reportId) throws SQLException {
        return Sql.list(
                c,
                "select flag_body::text from report_sent_flag where report_id = ? order by created_at",
                rs -> rs.getString(1),
                reportId);
    }

    private static Report withFilings(Report r, List<Filing> filings) {
        return new Report(
                r.id(),
                r.concern(),
                r.communityId(),
                r.postId(),
                r.subjectId(),
                r.forAdmins(),
                r.status(),
                r.note(),
                r.decidedBy(),
                r.decidedAt(),
                r.forwardedAt(),
                r.createdAt(),
                filings);
    }

    private static Report map(ResultSet rs, List<Filing> filings) throws SQLException {
        return new Report(
                rs.getLong("id"),
                Concern.valueOf(rs.getString("concern").toUpperCase(Locale.ROOT)),
                nullableLong(rs, "community_id"),
                nullableLong(rs, "post_id"),
                nullableLong(rs, "subject_id"),
                rs.getBoolean("for_admins"),
                ReportStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                rs.getString("note"),
                nullableLong(rs, "decided_by"),
                Sql.instant(rs, "decided_at"),
                Sql.instant(rs, "forwarded_at"),
                Sql.instant(rs, "created_at"),
                filings);
    }

    private static Filing filing(ResultSet rs) throws SQLException {
        var rule = nullableLong(rs, "rule");
        return new Filing(
                rs.getLong("id"),
                rs.getLong("report_id"),
                nullableLong(rs, "reporter_id"),
                rs.getBoolean("local"),
                Category.valueOf(rs.getString("category").toUpperCase(Locale.ROOT)),
                rule == null ? null : rule.intValue(),
                rs.getString("text"),
                rs.getBoolean("show_identity"),
                rs.getString("flag_id"),
                rs.getString("flag_body"),
                nullableLong(rs, "via_group_id"),
                Sql.instant(rs, "created_at"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** A moderator or admin opened the report; the first time is kept. */
    public void markSeen(Connection c, long id) throws SQLException {
        Sql.update(c, "update report set seen_at = now() where id = ? and seen_at is null", id);
    }
}
