package app.kindred.federation.signature;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RFC 8941 Structured Field Values: the subset RFC 9421 and RFC 9530 need (dictionaries, inner lists, items,
 * parameters, and every bare item type) with a parser that rejects anything the RFC's algorithm rejects.
 */
public final class StructuredFields {

    private StructuredFields() {}

    /** Thrown by the parser for text that is not a valid structured field. */
    public static final class MalformedFieldException extends RuntimeException {
        public MalformedFieldException(String message) {
            super(message);
        }
    }

    public sealed interface BareItem {}

    public record SfInteger(long value) implements BareItem {}

    public record SfDecimal(BigDecimal value) implements BareItem {}

    public record SfString(String value) implements BareItem {}

    public record SfToken(String value) implements BareItem {}

    public record SfBytes(byte[] value) implements BareItem {
        public SfBytes {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SfBytes that && Arrays.equals(value, that.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }
    }

    public record SfBoolean(boolean value) implements BareItem {}

    /** A dictionary or list member: a single item or an inner list, each with parameters. */
    public sealed interface Member {
        Map<String, BareItem> parameters();
    }

    public record Item(BareItem value, Map<String, BareItem> parameters) implements Member {
        public Item {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }

        public static Item of(BareItem value) {
            return new Item(value, Map.of());
        }
    }

    public record InnerList(List<Item> items, Map<String, BareItem> parameters) implements Member {
        public InnerList {
            items = List.copyOf(items);
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }

    // ---- parsing ----

    public static Map<String, Member> parseDictionary(String text) {
        Parser parser = new Parser(text);
        parser.skipSpaces();
        Map<String, Member> dictionary = parser.dictionary();
        parser.skipSpaces();
        parser.expectEnd();
        return Collections.unmodifiableMap(dictionary);
    }

    public static Member parseItemOrInnerList(String text) {
        Parser parser = new Parser(text);
        parser.skipSpaces();
        Member member = parser.member();
        parser.skipSpaces();
        parser.expectEnd();
        return member;
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text == null ? "" : text;
        }

        private MalformedFieldException error(String what) {
            return new MalformedFieldException(what + " at position " + pos);
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        char peek() {
            return text.charAt(pos);
        }

        void skipSpaces() {
            while (!atEnd() && peek() == ' ') {
                pos++;
            }
        }

        void skipOws() {
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
                pos++;
            }
        }

        void expectEnd() {
            if (!atEnd()) {
                throw error("unexpected trailing characters");
            }
        }

        Map<String, Member> dictionary() {
            Map<String, Member> dictionary = new LinkedHashMap<>();
            while (!atEnd()) {
                String key = key();
                Member member;
                if (!atEnd() && peek() == '=') {
                    pos++;
                    member = member();
                } else {
                    member = new Item(new SfBoolean(true), parameters());
                }
                dictionary.put(key, member);
                skipOws();
                if (atEnd()) {
                    return dictionary;
                }
                if (peek() != ',') {
                    throw error("expected ','");
                }
                pos++;
                skipOws();
                if (atEnd()) {
                    throw error("trailing comma");
                }
            }
            return dictionary;
        }

        Member member() {
            if (!atEnd() && peek() == '(') {
                return innerList();
            }
            return item();
        }

        InnerList innerList() {
            pos++; // '('
            List<Item> items = new ArrayList<>();
            while (!atEnd()) {
                skipSpaces();
                if (!atEnd() && peek() == ')') {
                    pos++;
                    return new InnerList(items, parameters());
                }
                items.add(item());
                if (atEnd() || (peek() != ' ' && peek() != ')')) {
                    throw error("expected ' ' or ')' in inner list");
                }
            }
            throw error("unterminated inner list");
        }

        Item item() {
            BareItem value = bareItem();
            return new Item(value, parameters());
        }

        Map<String, BareItem> parameters() {
            Map<String, BareItem> parameters = new LinkedHashMap<>();
            while (!atEnd() && peek() == ';') {
                pos++;
                skipSpaces();
                String key = key();
                BareItem value = new SfBoolean(true);
                if (!atEnd() && peek() == '=') {
                    pos++;
                    value = bareItem();
                }
                parameters.put(key, value);
            }
            return parameters;
        }

        String key() {
            if (atEnd() || !(isLcAlpha(peek()) || peek() == '*')) {
                throw error("expected a key");
            }
            int start = pos;
            while (!atEnd()) {
                char c = peek();
                if (isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*') {
                    pos++;
                } else {
                    break;
                }
            }
            return text.substring(start, pos);
        }

        BareItem bareItem() {
            if (atEnd()) {
                throw error("expected an item");
            }
            char c = peek();
            if (c == '-' || isDigit(c)) {
                return number();
            }
            if (c == '"') {
                return string();
            }
            if (c == ':') {
                return bytes();
            }
            if (c == '?') {
                return bool();
            }
            if (isAlpha(c) || c == '*') {
                return token();
            }
            throw error("unexpected character '" + c + "'");
        }

        BareItem number() {
            int sign = 1;
            if (peek() == '-') {
                sign = -1;
                pos++;
            }
            if (atEnd() || !isDigit(peek())) {
                throw error("expected a digit");
            }
            int start = pos;
            boolean decimal = false;
            while (!atEnd()) {
                char c = peek();
                if (isDigit(c)) {
                    pos++;
                } else if (c == '.' && !decimal) {
                    if (pos - start > 12) {
                        throw error("decimal integer part too long");
                    }
                    decimal = true;
                    pos++;
                } else {
                    break;
                }
                if (!decimal && pos - start > 15) {
                    throw error("integer too long");
                }
                if (decimal && pos - start > 16) {
                    throw error("decimal too long");
                }
            }
            String digits = text.substring(start, pos);
            if (!decimal) {
                return new SfInteger(sign * Long.parseLong(digits));
            }
            if (digits.endsWith(".") || digits.length() - digits.indexOf('.') - 1 > 3) {
                throw error("bad decimal fraction");
            }
            BigDecimal value = new BigDecimal(digits);
            return new SfDecimal(sign < 0 ? value.negate() : value);
        }

        SfString string() {
            pos++; // opening quote
            StringBuilder out = new StringBuilder();
            while (!atEnd()) {
                char c = text.charAt(pos++);
                if (c == '\\') {
                    if (atEnd()) {
                        throw error("dangling escape");
                    }
                    char next = text.charAt(pos++);
                    if (next != '"' && next != '\\') {
                        throw error("bad escape");
                    }
                    out.append(next);
                } else if (c == '"') {
                    return new SfString(out.toString());
                } else if (c < 0x20 || c > 0x7e) {
                    throw error("character not allowed in a string");
                } else {
                    out.append(c);
                }
            }
            throw error("unterminated string");
        }

        SfToken token() {
            int start = pos;
            pos++;
            while (!atEnd() && (isTchar(peek()) || peek() == ':' || peek() == '/')) {
                pos++;
            }
            return new SfToken(text.substring(start, pos));
        }

        SfBytes bytes() {
            pos++; // opening colon
            int start = pos;
            while (!atEnd() && peek() != ':') {
                char c = peek();
                if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) {
                    throw error("character not allowed in a byte sequence");
                }
                pos++;
            }
            if (atEnd()) {
                throw error("unterminated byte sequence");
            }
            String base64 = text.substring(start, pos);
            pos++; // closing colon
            try {
                return new SfBytes(Base64.getDecoder().decode(base64));
            } catch (IllegalArgumentException e) {
                throw error("bad base64 in byte sequence");
            }
        }

        SfBoolean bool() {
            pos++;
            if (atEnd()) {
                throw error("expected a boolean");
            }
            char c = text.charAt(pos++);
            if (c == '1') {
                return new SfBoolean(true);
            }
            if (c == '0') {
                return new SfBoolean(false);
            }
            throw error("expected ?0 or ?1");
        }

        private static boolean isLcAlpha(char c) {
            return c >= 'a' && c <= 'z';
        }

        private static boolean isAlpha(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isTchar(char c) {
            return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    // ---- serialising ----

    public static String serialize(Member member) {
        return switch (member) {
            case Item item -> serializeBare(item.value()) + serializeParameters(item.parameters());
            case InnerList list -> {
                StringBuilder out = new StringBuilder("(");
                for (int i = 0; i < list.items().size(); i++) {
                    if (i > 0) {
                        out.append(' ');
                    }
                    out.append(serialize(list.items().get(i)));
                }
                yield out.append(')')
                        .append(serializeParameters(list.parameters()))
                        .toString();
            }
        };
    }

    public static String serializeDictionary(Map<String, ? extends Member> dictionary) {
        StringBuilder out = new StringBuilder();
        dictionary.forEach((key, member) -> {
            if (!out.isEmpty()) {
                out.append(", ");
            }
            out.append(key);
            if (member instanceof Item item && item.value() instanceof SfBoolean b && b.value()) {
                out.append(serializeParameters(item.parameters()));
            } else {
                out.append('=').append(serialize(member));
            }
        });
        return out.toString();
    }

    public static String serializeParameters(Map<String, BareItem> parameters) {
        StringBuilder out = new StringBuilder();
        parameters.forEach((key, value) -> {
            out.append(';').append(key);
            if (!(value instanceof SfBoolean b && b.value())) {
                out.append('=').append(serializeBare(value));
            }
        });
        return out.toString();
    }

    public static String serializeBare(BareItem item) {
        return switch (item) {
            case SfInteger i -> Long.toString(i.value());
            case SfDecimal d -> {
                String plain = d.value()
                        .setScale(3, RoundingMode.HALF_EVEN)
                        .stripTrailingZeros()
                        .toPlainString();
                yield plain.contains(".") ? plain : plain + ".0";
            }
            case SfString s -> {
                StringBuilder out = new StringBuilder("\"");
                for (char c : s.value().toCharArray()) {
                    if (c < 0x20 || c > 0x7e) {
                        throw new IllegalArgumentException("string holds a character RFC 8941 cannot carry");
                    }
                    if (c == '"' || c == '\\') {
                        out.append('\\');
                    }
                    out.append(c);
                }
                yield out.append('"').toString();
            }
            case SfToken t -> t.value();
            case SfBytes b -> ":" + Base64.getEncoder().encodeToString(b.value()) + ":";
            case SfBoolean b -> b.value() ? "?1" : "?0";
        };
    }

    /** Convenience for reading a parameter of an expected type. */
    static <T extends BareItem> Optional<T> parameter(Map<String, BareItem> parameters, String name, Class<T> type) {
        BareItem value = parameters.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!type.isInstance(value)) {
            throw new MalformedFieldException("parameter " + name + " has the wrong type");
        }
        return Optional.of(type.cast(value));
    }
}
