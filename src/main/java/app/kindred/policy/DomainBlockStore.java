package app.kindred.policy;

import app.kindred.actor.DomainPattern;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

public final class DomainBlockStore {
    private DomainBlockStore() {}

    static List<DomainBlock> all(Connection c) throws SQLException {
        return Sql.list(c, """
                select domain, severity, reject_media, reject_reports, public_comment, private_comment, obfuscate, created_at
                from domain_block order by domain""", DomainBlockStore::map);
    }

    static Optional<DomainBlock> find(Connection c, DomainPattern domain) throws SQLException {
        return Sql.one(c, """
                select domain, severity, reject_media, reject_reports, public_comment, private_comment, obfuscate, created_at
                from domain_block where domain = ?""", DomainBlockStore::map, domain.toString());
    }

    static void upsert(Connection c, DomainBlock b) throws SQLException {
        Sql.update(
                c,
                """
                insert into domain_block (domain, severity, reject_media, reject_reports, public_comment, private_comment, obfuscate)
                values (?, ?, ?, ?, ?, ?, ?)
                on conflict (domain) do update set severity = excluded.severity, reject_media = excluded.reject_media,
                    reject_reports = excluded.reject_reports, public_comment = excluded.public_comment,
                    private_comment = excluded.private_comment, obfuscate = excluded.obfuscate, updated_at = now()""",
                b.domain().toString(),
                b.severity().wireName(),
                b.rejectMedia(),
                b.rejectReports(),
                b.publicComment(),
                b.privateComment(),
                b.obfuscate());
    }

    static int delete(Connection c, DomainPattern domain) throws SQLException {
        return Sql.update(c, "delete from domain_block where domain = ?", domain.toString());
    }

    private static DomainBlock map(ResultSet rs) throws SQLException {
        return new DomainBlock(
                DomainPattern.parse(rs.getString(1)),
                DomainBlock.Severity.parse(rs.getString(2)),
                rs.getBoolean(3),
                rs.getBoolean(4),
                rs.getString(5),
                rs.getString(6),
                rs.getBoolean(7),
                Sql.instant(rs, "created_at"));
    }
}
