package app.kindred.federation.inbound;

import app.kindred.activitypub.ContentObject;
import app.kindred.federation.PostDocuments;
import app.kindred.thread.PostLimits;
import java.time.Instant;

/** A remote post read within our own limits and our own clock, for Create and Update alike. */
final class IncomingPost {
    private IncomingPost() {}

    /** The post cleaned and clipped; content longer than we would store from a member is refused, not cut mid-sentence. */
    static PostDocuments.Incoming read(ContentObject object, boolean isThread) throws Rejected {
        var read = PostDocuments.read(object, isThread);
        if (read.contentHtml().length() > PostLimits.HTML) {
            throw new Rejected("the content of " + object.id() + " is "
                    + read.contentHtml().length() + " characters of HTML; at most " + PostLimits.HTML + " are stored");
        }
        return read;
    }

    /** A claimed date, or the time we take the post in when it claims a later one: no post pins itself to the top of "new". */
    static Instant notAfterReceipt(Instant claimed, Instant receivedAt) {
        return claimed == null || claimed.isAfter(receivedAt) ? receivedAt : claimed;
    }
}
