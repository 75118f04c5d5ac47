package app.kindred.actor;

import app.kindred.remote.FetchException;

/**
 * Finds the actor a handle or URL names, on its own server when we do not know it yet, and stores
 * it. Features that take a person or community typed by a member ask this; the federation package
 * implements it. Called outside any transaction: it may fetch over the network.
 */
public interface ActorResolver {
    /** `!name@host`, `@name@host`, `name@host`, `acct:name@host`, or an actor's URL. */
    Actor resolve(String handleOrUrl) throws FetchException;
}
