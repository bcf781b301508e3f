package dev.dspy4j.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Digest;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The identity of an LM request in the cache: SHA-256 over a canonical, versioned binary encoding of
 * the model, the parameters sorted by name, {@code n}, the rollout id, and every message's role and
 * parts. A payload part contributes its kind, media type, digest and options, never its bytes, so a
 * key costs the same for a 10 KB image as for a 4 MB one. Secrets and transport settings (API key,
 * base URL, timeouts, retries) are not part of a request and so never part of a key.
 */
public final class CacheKey {
    /** The version of the encoding; changing the encoding changes this, so old entries are not misread. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] MAGIC = {'d', 's', 'p', 'y', '4', 'j', 'k'};

    private final byte[] bytes;
    private final int hash;

    private CacheKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * The key of {@code request} sent to {@code model}. Reads no payload bytes once the payloads'
     * digests are known (a digest not yet taken is taken here, once).
     *
     * <p>Encoding, version {@value #VERSION}: the magic {@code "dspy4jk"}, the version, then, each
     * string as a 4-byte big-endian UTF-8 length and its bytes (length -1 for an absent value; a string
     * with an unpaired surrogate, which UTF-8 cannot carry, as -2, its length in chars and each char as
     * 2 big-endian bytes) and each
     * number as 4 bytes: the model; {@code n}; the rollout id; the number of parameters and each
     * parameter's name and canonical JSON value (object keys sorted at every level), by name; the
     * number of messages, and for each its role, its number of parts and each part: a kind tag
     * (0 text, 1 image, 2 audio, 3 file, 4 document) followed by the text, or by the payload's media
     * type and 32-byte digest and the part's options (image URL and detail; file name or provider file
     * id; document title, context and citations flag).
     *
     * @param model   the model name the request is sent to
     * @param request the request, with the LM's defaults already applied
     * @return the SHA-256 of the encoding
     * @throws NullPointerException     if {@code model} or {@code request} is null
     * @throws IllegalArgumentException if a parameter value cannot be written as JSON
     */
    public static CacheKey of(String model, LmRequest request) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(request, "request");
        Encoder e = new Encoder();
        e.raw(MAGIC);
        e.i32(VERSION);
        e.str(model);
        e.i32(request.n());
        e.str(request.rolloutId());
        e.i32(request.params().size());
        for (Map.Entry<String, Object> p : request.params().entrySet()) {
            e.str(p.getKey());
            Object v = p.getValue();
            String json = scalarJson(v);
            e.str(json != null ? json : canonicalJson(v));
        }
        e.i32(request.prompt().messages().size());
        for (Message m : request.prompt().messages()) {
            e.i32(roleCode(m.role()));
            e.i32(m.parts().size());
            for (Part part : m.parts()) {
                encode(e, part);
            }
        }
        return new CacheKey(e.finish());
    }

    /** A role's fixed number in the key encoding, so that reordering {@link Role}'s constants cannot change keys. */
    private static int roleCode(Role role) {
        return switch (role) {
            case SYSTEM -> 0;
            case USER -> 1;
            case ASSISTANT -> 2;
        };
    }

    private static void encode(Encoder e, Part part) {
        if (part instanceof Part.Text t) {
            e.i32(0);
            e.str(t.text());
        } else if (part instanceof Part.ImagePart p) {
            Image img = p.image();
            e.i32(1);
            if (img.isRemote()) {
                e.i32(0);
                e.str(img.url().toString());
            } else {
                e.i32(1);
                e.payload(img.payload());
            }
            e.str(img.detail());
        } else if (part instanceof Part.AudioPart p) {
            Audio a = p.audio();
            e.i32(2);
            e.payload(a.payload());
        } else if (part instanceof Part.FilePart p) {
            File f = p.file();
            e.i32(3);
            if (f.payload() == null && f.idType() == null) {
                e.i32(0);
                e.str(f.fileId());
            } else if (f.payload() == null) {
                e.i32(2);
                e.str(f.fileId());
                e.str(f.idType().value());
            } else {
                e.i32(1);
                e.payload(f.payload());
                e.str(f.filename());
            }
        } else if (part instanceof Part.VideoPart p) {
            e.i32(5);
            e.payload(p.video().payload());
        } else if (part instanceof Part.DocumentPart p) {
            Document d = p.document();
            e.i32(4);
            e.payload(d.payload());
            e.str(d.title());
            e.str(d.context());
            e.i32(d.citations() ? 1 : 0);
        } else {
            throw new IllegalArgumentException("unknown part " + part.getClass());
        }
    }

    /**
     * {@return a key from its 32 bytes (as stored on disk); the array is copied}
     *
     * @param bytes the key's bytes, as {@link #bytes()} gave them
     * @throws IllegalArgumentException if there are not exactly 32 bytes
     */
    public static CacheKey ofBytes(byte[] bytes) {
        if (bytes.length != Digest.LENGTH) {
            throw new IllegalArgumentException("a cache key has 32 bytes, not " + bytes.length);
        }
        return new CacheKey(bytes.clone());
    }

    /** {@return a copy of the key's 32 bytes} */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** {@return the key as 64 lower-case hex characters} */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "CacheKey[" + hex() + "]";
    }

    /**
     * The JSON of a common scalar (string, boolean, integer, finite double), exactly as
     * {@link #canonicalJson} writes it but without building a tree; null for anything else.
     */
    static String scalarJson(Object v) {
        if (v instanceof String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) return null;
            }
            return '"' + s + '"';
        }
        if (v instanceof Boolean || v instanceof Integer || v instanceof Long) return v.toString();
        if (v instanceof Double d && Double.isFinite(d)) return Double.toString(d);
        return null;
    }

    /** JSON with object keys sorted at every level, so equal values give equal text. */
    static String canonicalJson(Object value) {
        if (value == null) return "null";
        JsonNode node = value instanceof JsonNode n ? n : JSON.valueToTree(value);
        StringBuilder sb = new StringBuilder();
        writeCanonical(node, sb);
        return sb.toString();
    }

    private static void writeCanonical(JsonNode node, StringBuilder sb) {
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                sorted.put(f.getKey(), f.getValue());
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> f : sorted.entrySet()) {
                if (!first) sb.append(',');
                first = false;
                sb.append(JSON.getNodeFactory().textNode(f.getKey()).toString()).append(':');
                writeCanonical(f.getValue(), sb);
            }
            sb.append('}');
        } else if (node.isArray()) {
            sb.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) sb.append(',');
                writeCanonical(node.get(i), sb);
            }
            sb.append(']');
        } else {
            sb.append(node.toString());
        }
    }

    /** Length-prefixed fields, buffered and fed into SHA-256. */
    private static final class Encoder {
        private final MessageDigest md = Digest.sha256();
        private final byte[] buf = new byte[1024];
        private int len;

        void i32(int v) {
            if (len + 4 > buf.length) flush();
            buf[len] = (byte) (v >>> 24);
            buf[len + 1] = (byte) (v >>> 16);
            buf[len + 2] = (byte) (v >>> 8);
            buf[len + 3] = (byte) v;
            len += 4;
        }

        void raw(byte[] b) {
            if (len + b.length > buf.length) flush();
            if (b.length > buf.length) {
                md.update(b);
            } else {
                System.arraycopy(b, 0, buf, len, b.length);
                len += b.length;
            }
        }

        /** A string as its UTF-8 length and bytes; null as length -1. ASCII is written without allocating. */
        void str(String s) {
            if (s == null) {
                i32(-1);
                return;
            }
            int n = s.length();
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) >= 0x80) {
                    if (hasLoneSurrogate(s, i)) {
                        // UTF-8 would turn every lone surrogate into '?', so distinct strings would collide
                        utf16(s);
                        return;
                    }
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    i32(b.length);
                    raw(b);
                    return;
                }
            }
            i32(n);
            int i = 0;
            while (i < n) {
                if (len == buf.length) flush();
                int chunk = Math.min(n - i, buf.length - len);
                for (int j = 0; j < chunk; j++) {
                    buf[len + j] = (byte) s.charAt(i + j);
                }
                len += chunk;
                i += chunk;
            }
        }

        /** A string that is not valid UTF-16: the marker -2, its length in chars, and each char as 2 bytes. */
        private void utf16(String s) {
            i32(-2);
            i32(s.length());
            for (int i = 0; i < s.length(); i++) {
                if (len + 2 > buf.length) flush();
                char c = s.charAt(i);
                buf[len] = (byte) (c >>> 8);
                buf[len + 1] = (byte) c;
                len += 2;
            }
        }

        private static boolean hasLoneSurrogate(String s, int from) {
            for (int i = from; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        i++;
                    } else {
                        return true;
                    }
                } else if (Character.isLowSurrogate(c)) {
                    return true;
                }
            }
            return false;
        }

        void payload(Payload p) {
            str(p.mediaType().value());
            if (len + Digest.LENGTH > buf.length) flush();
            len += p.digest().copyInto(buf, len);
        }

        private void flush() {
            md.update(buf, 0, len);
            len = 0;
        }

        byte[] finish() {
            flush();
            return md.digest();
        }
    }
}
