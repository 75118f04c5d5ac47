package app.kindred.activitypub;

/**
 * One of a community's guidelines on its Group actor ({@code rules}, an ordered list: the first is
 * rule 1). A Note with the rule's title as {@code name} and its description as HTML {@code content}.
 */
public record GroupRule(ObjectType type, String name, String content) {
    public static GroupRule of(String title, String html) {
        return new GroupRule(ObjectType.Note, title, html);
    }
}
