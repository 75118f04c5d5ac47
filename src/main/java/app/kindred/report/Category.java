package app.kindred.report;

import app.kindred.refusal.Refusal;
import java.util.Locale;

/** Why a member reports something. A wellbeing concern is the one that is not a complaint. */
public enum Category {
    RULE,
    SPAM,
    HARASSMENT,
    WELLBEING,
    OTHER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Concern concern() {
        return this == WELLBEING ? Concern.WELLBEING : Concern.COMPLAINT;
    }

    public static Category parse(String field, String value) {
        if (value != null) {
            for (var c : values()) if (c.wire().equals(value)) return c;
        }
        throw Refusal.invalid(field, field + " must be one of rule, spam, harassment, wellbeing, other");
    }
}
