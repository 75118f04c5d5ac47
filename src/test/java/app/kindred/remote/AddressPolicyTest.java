package app.kindred.remote;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {
    private static final AddressPolicy PRODUCTION = new AddressPolicy(false);
    private static final AddressPolicy TESTING = new AddressPolicy(true);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "127.255.255.254",
                "::1", // loopback
                "10.0.0.1",
                "10.255.255.255", // 10/8
                "172.16.0.1",
                "172.31.255.255", // 172.16/12
                "192.168.0.1",
                "192.168.255.255", // 192.168/16
                "169.254.169.254",
                "169.254.0.1", // link-local, cloud metadata
                "100.64.0.1",
                "100.127.255.255", // carrier-grade NAT 100.64/10
                "0.0.0.0",
                "0.1.2.3",
                "::", // unspecified, "this network"
                "fc00::1",
                "fd00::1",
                "fd00:ec2::254", // unique local fc00::/7, AWS metadata over IPv6
                "fe80::1",
                "febf::1", // link-local fe80::/10
                "224.0.0.1",
                "239.255.255.255",
                "ff02::1",
                "ff0e::1", // multicast 224/4 and ff00::/8
                "255.255.255.255",
                "240.0.0.1", // broadcast, reserved
                "::ffff:127.0.0.1",
                "::ffff:169.254.169.254",
                "::ffff:10.0.0.1", // IPv4-mapped
                "::127.0.0.1",
                "::169.254.169.254", // IPv4-compatible
                "64:ff9b::7f00:1",
                "64:ff9b::a9fe:a9fe", // NAT64 to 127.0.0.1 and 169.254.169.254
                "2002:7f00:1::",
                "2002:a9fe:a9fe::1",
                "2002:c0a8:101::" // 6to4 from 127.0.0.1, metadata, 192.168.1.1
            })
    void privateAndLocalAddressesAreRefused(String address) throws UnknownHostException {
        var ip = InetAddress.getByName(address);
        assertFalse(AddressPolicy.isPublic(ip), address + " counted as public");
        assertFalse(PRODUCTION.allows(ip), address + " allowed in production");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "93.184.216.34",
                "1.1.1.1",
                "8.8.8.8",
                "172.15.255.255",
                "172.32.0.1",
                "100.63.255.255",
                "100.128.0.1",
                "169.253.255.255",
                "11.0.0.1",
                "223.255.255.254",
                "2606:4700::1111",
                "2001:4860:4860::8888",
                "::ffff:93.184.216.34",
                "64:ff9b::5db8:d822",
                "2002:5db8:d822::"
            })
    void publicAddressesAreAllowed(String address) throws UnknownHostException {
        var ip = InetAddress.getByName(address);
        assertTrue(AddressPolicy.isPublic(ip), address + " counted as private");
        assertTrue(PRODUCTION.allows(ip), address + " refused in production");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"127.0.0.1", "::1", "10.0.0.1", "169.254.169.254", "fd00:ec2::254", "224.0.0.1", "93.184.216.34"
            })
    void allowPrivateAllowsEveryAddress(String address) throws UnknownHostException {
        assertTrue(TESTING.allows(InetAddress.getByName(address)), address + " refused with allowPrivate");
    }

    @Test
    void listedHostNamesMayBePrivateAndNothingElse() throws UnknownHostException {
        var policy = new AddressPolicy(false, List.of("peer.lab.example", ".kindred-tls.test.", " "));
        var loopback = InetAddress.getByName("127.0.0.1");
        assertTrue(policy.allows("peer.lab.example", loopback));
        assertTrue(policy.allows("PEER.lab.example.", loopback), "names compare as DNS does");
        assertTrue(policy.allows("alpha.kindred-tls.test", loopback), "a leading dot names every host under it");
        assertFalse(policy.allows("kindred-tls.test", loopback), "but not the suffix itself");
        assertFalse(policy.allows("other.lab.example", loopback), "a plain name is that host only");
        assertFalse(policy.allows("evilkindred-tls.test", loopback));
        assertFalse(policy.allows("peer.lab.example.evil", loopback));
        assertFalse(policy.allows("127.0.0.1", loopback), "an address literal is not a listed name");
        assertFalse(policy.allows(null, loopback));
        assertTrue(policy.allows("anything.example", InetAddress.getByName("93.184.216.34")));
    }
}
