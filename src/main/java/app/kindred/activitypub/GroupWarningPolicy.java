package app.kindred.activitypub;

import java.util.List;

/**
 * A Kindred community's content-warning policy on its Group actor ({@code contentWarningPolicy}):
 * {@code mode} is "none", "all" (every thread needs a warning) or "topics" (a post touching on a
 * topic, by its name or one of its words, needs a warning naming it). See docs/federation.md.
 */
public record GroupWarningPolicy(String mode, List<Topic> topics) {
    public GroupWarningPolicy {
        topics = topics == null ? List.of() : List.copyOf(topics);
    }

    /** A topic that needs a warning naming it, and words that suggest it. */
    public record Topic(String name, List<String> words) {
        public Topic {
            words = words == null ? List.of() : List.copyOf(words);
        }
    }
}
