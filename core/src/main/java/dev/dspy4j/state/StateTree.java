package dev.dspy4j.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.dspy4j.media.Base64Text;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.media.PayloadSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;

/**
 * Reads a state file into a JSON tree like {@code ObjectMapper.readTree}, except that the inline
 * media of a dspy4j file (the {@code data} of an object whose first key is {@code $media}, as
 * {@link StateWriter} writes it) is decoded from base64 straight out of the parser's buffer into
 * bytes, held by a {@link POJONode} of {@link Inline}: the data URI never becomes a Java string.
 * That string, and Jackson's copies while making it, cost about four times the payload, so a file
 * near {@link StateLimits#MAX_FILE_BYTES} would not load in a 256 MB heap; decoded, it costs the
 * parser's buffer and the bytes. Other values, and files of other programs, read as usual.
 */
final class StateTree {
    /** Strings shorter than this are read as strings even in a media object's {@code data}. */
    static final int DECODE_FROM_CHARS = 64 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StateTree() {}

    /** Decoded inline media: its declared type (null if the URI names none) and its first {@code length} bytes. */
    @SuppressWarnings(
            "ArrayRecordComponent") // hands the decoded bytes to a payload without copying them; never compared
    record Inline(MediaType declared, byte[] bytes, int length) {
        /** A payload over the bytes, without copying them; the declared type is checked against them. */
        Payload payload() {
            return Payload.of(
                    new PayloadSource() {
                        @Override
                        public long size() {
                            return length;
                        }

                        @Override
                        public InputStream open() {
                            return new ByteArrayInputStream(bytes, 0, length);
                        }

                        @Override
                        public String describe() {
                            return "inline data URI";
                        }
                    },
                    declared);
        }
    }

    /** A data URI that could not be decoded; reported where the tree is checked, with its JSON path. */
    record Undecodable(String problem) {}

    static JsonNode read(InputStream in) throws IOException {
        try (JsonParser p = StateWriter.MAPPER.getFactory().createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) return null;
            JsonNode root = value(p, t, false);
            if (p.nextToken() != null) {
                throw new com.fasterxml.jackson.core.JsonParseException(p, "trailing content after the JSON value");
            }
            return root;
        }
    }

    private static JsonNode value(JsonParser p, JsonToken t, boolean inlineData) throws IOException {
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                boolean media = false;
                boolean first = true;
                for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                    String name = p.currentName();
                    if (first) media = name.equals("$media");
                    first = false;
                    o.set(name, value(p, p.nextToken(), media && name.equals("data")));
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken())
                    a.add(value(p, e, false));
                return a;
            }
            case VALUE_STRING:
                if (inlineData && p.getTextLength() >= DECODE_FROM_CHARS) return decode(p);
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
                        ? NODES.numberNode(p.getDecimalValue())
                        : NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new com.fasterxml.jackson.core.JsonParseException(p, "unexpected token " + t);
        }
    }

    private static JsonNode decode(JsonParser p) throws IOException {
        DataUriDecoder d = new DataUriDecoder(p.getTextLength());
        p.getText(d);
        if (d.text != null) return NODES.textNode(d.text.toString()); // not a base64 data URI: an ordinary string
        try {
            return new POJONode(d.finish());
        } catch (IllegalArgumentException e) {
            return new POJONode(new Undecodable(e.getMessage()));
        }
    }

    /**
     * Receives a data URI's characters in chunks: the {@code data:<type>;base64,} prefix, then base64
     * checked character by character by {@link Base64Text.Checker} (the rules, and errors, of
     * {@code Payload.ofDataUri}) and decoded a whole number of 4-character groups at a time by the
     * JDK's decoder into one array sized from the length. A string that does not start like a base64 data URI is kept as text.
     */
    private static final class DataUriDecoder extends Writer {
        private static final int PREFIX_MAX = 256;
        private final StringBuilder prefix = new StringBuilder();
        private StringBuilder text;
        private MediaType declared;
        private boolean inData;
        private final byte[] out;
        private int outPos;
        private final byte[] group = new byte[16 * 1024];
        private int groupLen;
        private final byte[] decoded = new byte[group.length / 4 * 3];
        private String problem;
        /** The rules of every base64 path ({@link Base64Text}); indexes count from the start of the data URI. */
        private final Base64Text.Checker checker = new Base64Text.Checker("data URI");

        private long index;

        DataUriDecoder(int chars) {
            this.out = new byte[Math.max(0, chars / 4 * 3)];
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            for (int i = off; i < off + len; i++, index++) {
                char c = cbuf[i];
                if (text != null) {
                    text.append(c);
                } else if (!inData) {
                    prefix.append(c);
                    if (c == ',') startData();
                    else if (prefix.length() > PREFIX_MAX
                            || !"data:".startsWith(prefix.substring(0, Math.min(5, prefix.length())))) {
                        text = new StringBuilder(prefix);
                    }
                } else if (problem == null) {
                    try {
                        if (!checker.accept(c, index)) continue;
                    } catch (PayloadException e) {
                        problem = e.getMessage();
                        continue;
                    }
                    group[groupLen++] = (byte) c;
                    if (groupLen == group.length) flush(false);
                }
            }
        }

        private void startData() {
            String meta = prefix.substring(5, prefix.length() - 1);
            if (!meta.regionMatches(true, meta.length() - 7, ";base64", 0, 7)) {
                text = new StringBuilder(prefix);
                return;
            }
            String type = meta.substring(0, meta.length() - 7);
            try {
                declared = type.isEmpty() ? null : MediaType.of(type);
            } catch (IllegalArgumentException e) {
                problem = "the data URI has an invalid media type: " + e.getMessage();
            }
            inData = true;
        }

        private void flush(boolean last) {
            int n = last ? groupLen : groupLen / 4 * 4;
            if (n == 0) return;
            int m = checker.decoder().decode(n == group.length ? group : java.util.Arrays.copyOf(group, n), decoded);
            System.arraycopy(decoded, 0, out, outPos, m);
            outPos += m;
            System.arraycopy(group, n, group, 0, groupLen - n);
            groupLen -= n;
        }

        Object finish() {
            if (problem != null) throw new IllegalArgumentException(problem);
            if (!inData) throw new IllegalArgumentException("not a data URI (expected data:<type>;base64,<data>)");
            try {
                checker.finish();
            } catch (PayloadException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            flush(true);
            return new Inline(declared, out, outPos); // no copy: the array may be a little longer than the data
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
