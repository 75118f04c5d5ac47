package app.kindred.activitypub;

/** Actor types we read; the constant names are the wire names. */
public enum ActorType {
    Person,
    Group,
    Application,
    Service,
    Organization
}
