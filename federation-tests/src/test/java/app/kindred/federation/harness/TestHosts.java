package app.kindred.federation.harness;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Host names for the TLS federation test: every name under {@value #SUFFIX} resolves to 127.0.0.1,
 * as a hosts file would; every other name goes to the JDK's own resolver unchanged. Registered for the
 * test JVM through META-INF/services (the JDK's resolver SPI), so unlike {@code -Djdk.net.hosts.file}
 * it takes nothing away from the other tests' look-ups.
 */
public final class TestHosts extends InetAddressResolverProvider {
    public static final String SUFFIX = ".kindred-tls.test";

    /** A host name under the test suffix, e.g. {@code alpha.kindred-tls.test}. */
    public static String name(String instance) {
        return instance.toLowerCase(Locale.ROOT) + SUFFIX;
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        var builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.toLowerCase(Locale.ROOT).endsWith(SUFFIX)) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "kindred-test-hosts";
    }
}
