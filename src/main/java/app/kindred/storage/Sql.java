package app.kindred.storage;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The few JDBC shapes every store uses, so stores read as SQL and mapping, not plumbing. */
public final class Sql {
    private Sql() {}

    public static <T> List<T> list(Connection c, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        try (var ps = prepare(c, sql, params);
                var rs = ps.executeQuery()) {
            var out = new ArrayList<T>();
            while (rs.next()) out.add(mapper.map(rs));
            return out;
        }
    }

    public static <T> Optional<T> one(Connection c, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        try (var ps = prepare(c, sql, params);
                var rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty();
        }
    }

    public static long count(Connection c, String sql, Object... params) throws SQLException {
        return one(c, sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (var ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    /** Runs an INSERT ... RETURNING id and gives back the id. */
    public static long insert(Connection c, String sql, Object... params) throws SQLException {
        return one(c, sql, rs -> rs.getLong(1), params)
                .orElseThrow(() -> new SQLException("insert returned no id: " + sql));
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        var ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        var ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            var p = params[i];
            switch (p) {
                case Instant instant -> ps.setTimestamp(i + 1, Timestamp.from(instant));
                case Enum<?> e -> ps.setString(i + 1, e.name().toLowerCase(Locale.ROOT));
                case URI uri -> ps.setString(i + 1, uri.toString());
                case null -> ps.setObject(i + 1, null);
                default -> ps.setObject(i + 1, p);
            }
        }
        return ps;
    }
}
