package app.kindred.remote;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** Signs an outgoing request: given what will be sent, the headers to add. */
@FunctionalInterface
public interface RequestSigning {
    Map<String, String> sign(String method, URI uri, Map<String, List<String>> headers, byte[] body);
}
