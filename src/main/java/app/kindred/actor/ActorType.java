package app.kindred.actor;

import java.util.Arrays;
import java.util.Optional;

/** The ActivityStreams actor types we store, by their wire names. */
public enum ActorType {
    APPLICATION("Application"),
    GROUP("Group"),
    PERSON("Person"),
    SERVICE("Service"),
    ORGANIZATION("Organization");

    private final String wireName;

    ActorType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ActorType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
