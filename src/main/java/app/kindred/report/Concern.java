package app.kindred.report;

import java.util.Locale;

/**
 * What kind of attention a report asks for. A wellbeing concern (someone may be at risk) asks the
 * moderators to reach out, not to act against the person, so it is never grouped with complaints,
 * never leads to any automatic action, and is listed first.
 */
public enum Concern {
    COMPLAINT,
    WELLBEING;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
