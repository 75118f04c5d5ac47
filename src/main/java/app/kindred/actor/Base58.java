package app.kindred.actor;

import java.math.BigInteger;

/** Bitcoin-alphabet base58, as multibase 'z' uses for FEP-521a Multikeys. */
final class Base58 {
    private static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final BigInteger BASE = BigInteger.valueOf(58);

    private Base58() {}

    static String encode(byte[] bytes) {
        var sb = new StringBuilder();
        var n = new BigInteger(1, bytes);
        while (n.signum() > 0) {
            var qr = n.divideAndRemainder(BASE);
            sb.append(ALPHABET.charAt(qr[1].intValue()));
            n = qr[0];
        }
        for (int i = 0; i < bytes.length && bytes[i] == 0; i++) sb.append('1');
        return sb.reverse().toString();
    }
}
