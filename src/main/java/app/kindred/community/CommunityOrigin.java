package app.kindred.community;

import app.kindred.remote.FetchException;
import java.net.URI;

/**
 * A remote community's home server, asked again for the community's title, guidelines and
 * moderators, which are stored before this returns. The federation package implements it. Called
 * outside any transaction: it fetches over the network.
 */
public interface CommunityOrigin {
    void refresh(URI group) throws FetchException;
}
