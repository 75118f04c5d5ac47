package app.kindred.member;

import app.kindred.actor.Actor;
import java.time.Instant;

/** A local account and the Person actor it speaks through. */
public record Member(long id, String username, Role role, Actor actor, Instant createdAt) {}
