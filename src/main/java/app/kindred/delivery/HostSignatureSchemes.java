package app.kindred.delivery;

import app.kindred.federation.signature.SignatureScheme;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.util.Optional;

/** What the double knock learnt: the signature form each host accepts, kept across restarts. */
public final class HostSignatureSchemes implements InboxPoster.SchemeMemory {
    private final Database db;

    public HostSignatureSchemes(Database db) {
        this.db = db;
    }

    @Override
    public Optional<SignatureScheme> preferred(String host) {
        return db.read(c -> Sql.one(
                c,
                "select scheme from host_signature_scheme where host = ?",
                rs -> rs.getString(1).equals("rfc9421") ? SignatureScheme.RFC9421 : SignatureScheme.CAVAGE,
                host));
    }

    @Override
    public void remember(String host, SignatureScheme scheme) {
        db.transaction(c -> Sql.update(c, """
                insert into host_signature_scheme (host, scheme) values (?, ?)
                on conflict (host) do update set scheme = excluded.scheme, updated_at = now()""", host, scheme == SignatureScheme.RFC9421 ? "rfc9421" : "cavage"));
    }
}
