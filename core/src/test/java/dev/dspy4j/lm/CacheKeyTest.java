package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.prompt.Role;
import dev.dspy4j.testing.NoiseImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
    private static final byte[] PNG = NoiseImage.png(16, 16, 1);
    private static final String MODEL = "gpt-4o-mini";

    private static Prompt prompt(String system, String userText, Image image) {
        return Prompt.builder()
                .system(system)
                .user()
                .text(userText)
                .media(image)
                .text("\nAnswer with one word.")
                .end()
                .build();
    }

    private static LmRequest golden() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("temperature", 0.0);
        params.put("max_tokens", 16);
        params.put("response_format", Map.of("type", "json_object"));
        return LmRequest.of(prompt("You label images.", "Label this image: ", Image.of(PNG)), params);
    }

    @Test
    void goldenKeyIsPinned() {
        // If this fails the encoding changed: bump CacheKey.VERSION and update the pinned value.
        assertThat(CacheKey.of(MODEL, golden()).hex())
                .isEqualTo("53dbef0de6608c13dedceb82ca02b0765fcfd0a361e7e028db7e0a20ee370645");
    }

    @Test
    void goldenKeyFollowsTheDocumentedEncoding() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("dspy4jk".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(CacheKey.VERSION);
        str(out, MODEL);
        out.writeInt(1); // n
        out.writeInt(-1); // no rollout id
        out.writeInt(3); // parameters, by name
        str(out, "max_tokens");
        str(out, "16");
        str(out, "response_format");
        str(out, "{\"type\":\"json_object\"}");
        str(out, "temperature");
        str(out, "0.0");
        out.writeInt(2); // messages
        out.writeInt(0); // SYSTEM
        out.writeInt(1);
        out.writeInt(0);
        str(out, "You label images.");
        out.writeInt(1); // USER
        out.writeInt(3);
        out.writeInt(0);
        str(out, "Label this image: ");
        out.writeInt(1); // image
        out.writeInt(1); // with bytes
        str(out, "image/png");
        out.write(MessageDigest.getInstance("SHA-256").digest(PNG));
        out.writeInt(-1); // no detail
        out.writeInt(0);
        str(out, "\nAnswer with one word.");
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());

        assertThat(CacheKey.of(MODEL, golden()).bytes()).isEqualTo(expected);
    }

    private static void str(DataOutputStream out, String s) throws Exception {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    @Test
    void changingAnyTextCharacterChangesTheKey() {
        String system = "You label images.";
        String user = "Label this image: \u00e9\u4e2d";
        Image img = Image.of(PNG);
        CacheKey base = CacheKey.of(MODEL, LmRequest.of(prompt(system, user, img)));
        Set<CacheKey> seen = new HashSet<>(Set.of(base));
        for (int i = 0; i < system.length(); i++) {
            String changed = system.substring(0, i) + (char) (system.charAt(i) + 1) + system.substring(i + 1);
            assertThat(seen.add(CacheKey.of(MODEL, LmRequest.of(prompt(changed, user, img)))))
                    .as("system char %d", i)
                    .isTrue();
        }
        for (int i = 0; i < user.length(); i++) {
            String changed = user.substring(0, i) + (char) (user.charAt(i) + 1) + user.substring(i + 1);
            assertThat(seen.add(CacheKey.of(MODEL, LmRequest.of(prompt(system, changed, img)))))
                    .as("user char %d", i)
                    .isTrue();
        }
        assertThat(seen.add(CacheKey.of(MODEL, LmRequest.of(prompt(system + " ", user, img)))))
                .isTrue();
        assertThat(seen.add(CacheKey.of("gpt-4o", LmRequest.of(prompt(system, user, img)))))
                .isTrue();
    }

    /** UTF-8 turns every unpaired surrogate into '?': texts differing only there must still differ in key. */
    @Test
    void textsWithDifferentUnpairedSurrogatesHaveDifferentKeys() {
        List<String> texts = List.of(
                "cut off \uD83D",
                "cut off \uD83C",
                "cut off ?",
                "cut off \uDE00",
                "cut off \uD83D\uDE00",
                "\uDE00\uD83D",
                "\uD83D\uDE00");
        Set<CacheKey> keys = new HashSet<>();
        for (String t : texts) {
            assertThat(keys.add(CacheKey.of(MODEL, LmRequest.of(Prompt.of(Message.user(t))))))
                    .as("text %s", t)
                    .isTrue();
            assertThat(keys.add(CacheKey.of(MODEL, LmRequest.of(Prompt.of(Message.user("q")), Map.of("stop", t)))))
                    .as("parameter %s", t)
                    .isTrue();
        }
        // well-formed text keeps its key (UTF-8, as documented)
        assertThat(CacheKey.of(MODEL, LmRequest.of(Prompt.of(Message.user("\uD83D\uDE00")))))
                .isEqualTo(CacheKey.of(
                        MODEL,
                        LmRequest.of(Prompt.of(Message.user(new String(
                                "\uD83D\uDE00".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))))));
    }

    @Test
    void changingOneByteOfOnePayloadChangesTheKey() {
        Image a = Image.of(PNG);
        Image b = Image.of(NoiseImage.png(16, 16, 2));
        byte[] tweaked = PNG.clone();
        tweaked[tweaked.length / 2] ^= 1;
        Prompt two = Prompt.builder().user().media(a).media(b).end().build();
        Prompt twoTweaked =
                Prompt.builder().user().media(Image.of(tweaked)).media(b).end().build();
        Prompt sameBytesOtherObject = Prompt.builder()
                .user()
                .media(Image.of(PNG.clone()))
                .media(b)
                .end()
                .build();

        CacheKey base = CacheKey.of(MODEL, LmRequest.of(two));
        assertThat(CacheKey.of(MODEL, LmRequest.of(twoTweaked))).isNotEqualTo(base);
        assertThat(CacheKey.of(MODEL, LmRequest.of(sameBytesOtherObject))).isEqualTo(base);
        Prompt swapped = Prompt.builder().user().media(b).media(a).end().build();
        assertThat(CacheKey.of(MODEL, LmRequest.of(swapped))).isNotEqualTo(base);
    }

    @Test
    void changingAnyParameterChangesTheKey() {
        LmRequest base = golden();
        CacheKey key = CacheKey.of(MODEL, base);
        Set<CacheKey> seen = new HashSet<>(Set.of(key));
        assertThat(seen.add(CacheKey.of(MODEL, base.withParam("temperature", 0.1))))
                .isTrue();
        assertThat(seen.add(CacheKey.of(MODEL, base.withParam("max_tokens", 17))))
                .isTrue();
        assertThat(seen.add(CacheKey.of(MODEL, base.withParam("max_tokens", "16"))))
                .isTrue();
        assertThat(seen.add(CacheKey.of(MODEL, base.withParam("response_format", Map.of("type", "text")))))
                .isTrue();
        assertThat(seen.add(CacheKey.of(MODEL, base.withParam("top_p", 1.0)))).isTrue();
        assertThat(seen.add(CacheKey.of(MODEL, base.withParam("stop", null)))).isTrue();
        TreeMap<String, Object> fewer = new TreeMap<>(base.params());
        fewer.remove("temperature");
        assertThat(seen.add(CacheKey.of(MODEL, new LmRequest(base.prompt(), fewer, 1, null, true))))
                .isTrue();
    }

    @Test
    void parameterInsertionOrderDoesNotMatterAtAnyLevel() {
        Map<String, Object> nestedA = new LinkedHashMap<>();
        nestedA.put("type", "json_schema");
        nestedA.put("schema", new LinkedHashMap<>(Map.of("b", 1)));
        nestedA.put("name", "x");
        Map<String, Object> nestedB = new LinkedHashMap<>();
        nestedB.put("name", "x");
        nestedB.put("schema", new LinkedHashMap<>(Map.of("b", 1)));
        nestedB.put("type", "json_schema");
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("temperature", 0.5);
        first.put("response_format", nestedA);
        first.put("max_tokens", 10);
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("max_tokens", 10);
        second.put("response_format", nestedB);
        second.put("temperature", 0.5);
        Prompt p = Prompt.of(Message.user("hi"));
        assertThat(CacheKey.of(MODEL, LmRequest.of(p, first))).isEqualTo(CacheKey.of(MODEL, LmRequest.of(p, second)));
    }

    @Test
    void rolloutIdAndNChangeTheKey() {
        LmRequest base = golden();
        CacheKey key = CacheKey.of(MODEL, base);
        assertThat(CacheKey.of(MODEL, base.withRolloutId("r1"))).isNotEqualTo(key);
        assertThat(CacheKey.of(MODEL, base.withRolloutId("r1")))
                .isNotEqualTo(CacheKey.of(MODEL, base.withRolloutId("r2")));
        assertThat(CacheKey.of(MODEL, base.withRolloutId(""))).isNotEqualTo(key);
        assertThat(CacheKey.of(MODEL, base.withN(2))).isNotEqualTo(key);
        assertThat(CacheKey.of(MODEL, base.withCache(false))).isEqualTo(key);
    }

    @Test
    void structureIsPartOfTheKey() {
        CacheKey oneMessage = CacheKey.of(MODEL, LmRequest.of(Prompt.of(Message.user("ab"))));
        CacheKey split = CacheKey.of(MODEL, LmRequest.of(Prompt.of(Message.user("a"), Message.user("b"))));
        CacheKey asAssistant = CacheKey.of(MODEL, LmRequest.of(Prompt.of(Message.assistant("ab"))));
        assertThat(Set.of(oneMessage, split, asAssistant)).hasSize(3);
    }

    @Test
    void mediaOptionsArePartOfTheKey() {
        Payload pdf = Payload.of("%PDF-1.7\n...".getBytes(StandardCharsets.US_ASCII));
        Document doc = Document.of(pdf);
        Image img = Image.of(PNG);
        Audio wav = Audio.of(Payload.wrap("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)));
        List<Part> variants = List.of(
                Part.of(img),
                Part.of(img.withDetail("low")),
                Part.of(img.withDetail("high")),
                Part.of(Image.fromUrl("https://example.com/a.png")),
                Part.of(Image.fromUrl("https://example.com/b.png")),
                Part.of(wav),
                Part.of(File.of(pdf, "a.pdf")),
                Part.of(File.of(pdf, "b.pdf")),
                Part.of(File.ofId("file-1")),
                Part.of(doc),
                Part.of(doc.withTitle("T")),
                Part.of(doc.withContext("C")),
                Part.of(doc.withCitations(true)),
                Part.of(Document.ofText("hello")),
                Part.of(File.of(
                        Payload.wrap("%PDF-1.7\n...".getBytes(StandardCharsets.US_ASCII), MediaType.OCTET_STREAM),
                        "a.pdf")));
        Set<CacheKey> keys = new HashSet<>();
        for (Part part : variants) {
            keys.add(CacheKey.of(MODEL, LmRequest.of(Prompt.of(new Message(Role.USER, List.of(part))))));
        }
        assertThat(keys).hasSize(variants.size());
    }

    @Test
    void keyRoundTripsThroughItsBytes() {
        CacheKey key = CacheKey.of(MODEL, golden());
        assertThat(CacheKey.ofBytes(key.bytes())).isEqualTo(key).hasSameHashCodeAs(key);
        assertThat(key.toString()).isEqualTo("CacheKey[" + key.hex() + "]");
        assertThatThrownBy(() -> CacheKey.ofBytes(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scalarFastPathWritesWhatJacksonWrites() {
        for (Object v : List.of("plain", "", 0, -7, 123456789012L, true, false, 0.0, -0.0, 0.7, 1e-7, 1.5e300)) {
            assertThat(CacheKey.scalarJson(v)).as(String.valueOf(v)).isEqualTo(CacheKey.canonicalJson(v));
        }
        for (Object v : List.of("quote \" here", "tab\t", "\u00e9", Double.NaN, 1.5f, List.of(1))) {
            assertThat(CacheKey.scalarJson(v)).as(String.valueOf(v)).isNull();
        }
        assertThat(CacheKey.canonicalJson(null)).isEqualTo("null");
    }
}
