package app.kindred.activitypub;

/**
 * One of a Kindred community's crisis resources on its Group actor ({@code crisisResources}, an
 * ordered list), all plain text: its name, how to reach it, its hours, region and language.
 */
public record GroupCrisisResource(String name, String contact, String hours, String region, String language) {}
