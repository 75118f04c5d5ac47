package app.kindred.report;

import app.kindred.refusal.Refusal;
import java.util.Locale;

public enum ReportStatus {
    OPEN,
    RESOLVED,
    DISMISSED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReportStatus parse(String field, String value) {
        for (var s : values()) if (s.wire().equals(value)) return s;
        throw Refusal.invalid(field, field + " must be open, resolved or dismissed");
    }
}
