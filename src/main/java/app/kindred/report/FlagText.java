package app.kindred.report;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The reason in a Flag's text. Ours start with the category ("Spam: …", "Breaks rule 2: …"), so
 * another Kindred reads the category back; Mastodon's comments and Lemmy's reasons are free text,
 * filed as {@code other} with the text as written.
 */
final class FlagText {
    private static final Pattern RULE = Pattern.compile("^Breaks rule (\\d{1,4})(?::|$)");

    private FlagText() {}

    /** What a Flag cites: a category, and a rule number for {@link Category#RULE}. */
    record Reason(Category category, Integer rule) {}

    /** The reason as other servers' moderators read it. */
    static String write(Category category, Integer rule, String text) {
        var label = category == Category.RULE ? "Breaks rule " + rule : label(category);
        return text == null || text.isBlank() ? label : label + ": " + text;
    }

    static Reason read(String text) {
        var t = text == null ? "" : text.strip();
        var rule = RULE.matcher(t);
        if (rule.find()) return new Reason(Category.RULE, Integer.parseInt(rule.group(1)));
        for (var category : List.of(Category.SPAM, Category.HARASSMENT, Category.WELLBEING)) {
            var label = label(category);
            if (t.equals(label) || t.startsWith(label + ":")) return new Reason(category, null);
        }
        return new Reason(Category.OTHER, null);
    }

    private static String label(Category category) {
        return switch (category) {
            case RULE -> "Breaks a rule";
            case SPAM -> "Spam";
            case HARASSMENT -> "Harassment";
            case WELLBEING -> "Wellbeing concern (someone may be at risk; not a complaint)";
            case OTHER -> "Other";
        };
    }
}
