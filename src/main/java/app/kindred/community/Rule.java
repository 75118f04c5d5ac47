package app.kindred.community;

/** One of a community's guidelines; reports cite it by number (1 is the first). */
public record Rule(int number, String title, String description) {}
