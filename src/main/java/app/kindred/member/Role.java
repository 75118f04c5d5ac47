package app.kindred.member;

public enum Role {
    MEMBER,
    ADMIN
}
