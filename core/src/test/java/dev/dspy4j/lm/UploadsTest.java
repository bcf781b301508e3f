package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.cache.TieredCache;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiResponses;
import dev.dspy4j.lm.upload.MemoryUploadRegistry;
import dev.dspy4j.lm.upload.RemoteFile;
import dev.dspy4j.lm.upload.SqliteUploadRegistry;
import dev.dspy4j.lm.upload.Upload;
import dev.dspy4j.lm.upload.UploadRegistry;
import dev.dspy4j.lm.upload.Uploads;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.Image;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.LoopbackFiles;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads on ({@code uploads(...)}): each payload the endpoint takes by reference is uploaded once and
 * sent by file id; an id the provider forgot is uploaded again and the call retried once; the response
 * cache key is the same with and without uploads.
 */
class UploadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackChatServer server =
            LoopbackChatServer.builder().keepBodies(true).start();
    private final byte[] cat = TestMedia.png(5000, 1);
    private final byte[] dog = TestMedia.png(6000, 2);
    private final byte[] pdf = TestMedia.pdf(4000, 3);

    @AfterEach
    void stop() {
        server.close();
    }

    private Prompt prompt(String question) {
        return Prompt.builder()
                .system("Answer.")
                .user()
                .text(question)
                .media(Image.of(cat))
                .media(Image.of(dog))
                .media(Document.ofPdf(pdf).withTitle("report"))
                .end()
                .build();
    }

    private JsonNode lastBody() throws Exception {
        List<LoopbackChatServer.Received> all = server.received();
        return JSON.readTree(all.get(all.size() - 1).body());
    }

    private List<String> storedIds() {
        return server.files().list().stream().map(LoopbackFiles.StoredFile::id).toList();
    }

    @Test
    void theResponsesClientUploadsImagesAndPdfsOnceAndSendsTheirIds() throws Exception {
        MemoryUploadRegistry registry = new MemoryUploadRegistry();
        OpenAiResponses lm = OpenAiResponses.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-test")
                .cache(null)
                .uploads(registry)
                .build();

        lm.complete(LmRequest.of(prompt("what is this?")));

        assertThat(server.files().uploadCount()).isEqualTo(3);
        List<String> ids = storedIds();
        assertThat(lastBody().path("input").get(0).path("content").toString())
                .isEqualTo("[{\"type\":\"input_text\","
                        + "\"text\":\"what is this?\"},{\"type\":\"input_image\",\"file_id\":\"" + ids.get(0) + "\"},"
                        + "{\"type\":\"input_image\",\"file_id\":\"" + ids.get(1) + "\"},"
                        + "{\"type\":\"input_file\",\"file_id\":\"" + ids.get(2) + "\"}]");
        assertThat(server.files().list())
                .extracting(LoopbackFiles.StoredFile::purpose)
                .containsOnly("user_data");
        assertThat(server.files().list())
                .extracting(LoopbackFiles.StoredFile::bytes)
                .containsExactly(5000L, 6000L, 4000L);
        assertThat(registry.list()).extracting(Upload::fileId).containsExactlyInAnyOrderElementsOf(ids);

        // another question about the same payloads: no upload, the same ids, a small body
        long before = server.totalBodyBytes();
        lm.complete(LmRequest.of(prompt("and now?")));
        assertThat(server.files().uploadCount()).isEqualTo(3);
        assertThat(lastBody().toString())
                .contains(ids.get(0))
                .contains(ids.get(1))
                .contains(ids.get(2));
        assertThat(server.totalBodyBytes() - before).isLessThan(1000);
    }

    @Test
    void anIdTheProviderForgotIsUploadedAgainAndTheCallRetriedOnce() throws Exception {
        OpenAiResponses lm = OpenAiResponses.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-test")
                .cache(null)
                .uploads(new MemoryUploadRegistry())
                .build();
        lm.complete(LmRequest.of(prompt("first")));
        String dogId = storedIds().get(1);
        server.files().forget(dogId); // expired at the provider

        assertThat(lm.complete(LmRequest.of(prompt("second"))).first().text())
                .isEqualTo(LoopbackChatServer.chatAnswer("answer", "ok"));

        assertThat(server.files().uploadCount()).isEqualTo(4); // only the forgotten one again
        assertThat(server.requestCount()).isEqualTo(3); // first, the 404, the retry
        String newDog = storedIds().get(2);
        assertThat(newDog).isNotEqualTo(dogId);
        assertThat(lastBody().toString()).contains(newDog).doesNotContain(dogId);

        // forgotten again on every retry: the retry is made once, then the provider's 404 is the caller's error
        server.files().forgetAll();
        assertThatThrownBy(() -> {
                    OpenAiResponses stubborn = OpenAiResponses.builder()
                            .baseUrl(server.baseUrl())
                            .model("gpt-test")
                            .cache(null)
                            .uploads(new ForgetfulRegistry(server))
                            .build();
                    stubborn.complete(LmRequest.of(prompt("third")));
                })
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("No such File object");
        assertThat(server.requestCount()).isEqualTo(5); // the 404 and its one retry
    }

    /** A registry whose every upload the server forgets at once (a provider that keeps losing files). */
    static final class ForgetfulRegistry implements UploadRegistry {
        private final MemoryUploadRegistry inner = new MemoryUploadRegistry();
        private final LoopbackChatServer server;

        ForgetfulRegistry(LoopbackChatServer server) {
            this.server = server;
        }

        @Override
        public Upload find(Upload.Key key) {
            return inner.find(key);
        }

        @Override
        public Upload ensure(Upload.Key key, long bytes, java.util.function.Supplier<RemoteFile> upload) {
            Upload u = inner.ensure(key, bytes, upload);
            server.files().forget(u.fileId());
            return u;
        }

        @Override
        public void forget(Upload.Key key, String fileId) {
            inner.forget(key, fileId);
        }

        @Override
        public List<Upload> list() {
            return inner.list();
        }

        @Override
        public boolean remove(Upload.Key key) {
            return inner.remove(key);
        }

        @Override
        public java.time.Duration expiryMargin() {
            return inner.expiryMargin();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void aStreamedCallUploadsToo() throws Exception {
        OpenAiResponses lm = OpenAiResponses.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-test")
                .cache(null)
                .uploads(new MemoryUploadRegistry())
                .build();
        StringBuilder seen = new StringBuilder();
        try (CallContext.Scope s = CallContext.streamingTo(seen::append)) {
            lm.complete(LmRequest.of(prompt("streamed?")));
        }
        assertThat(seen.toString()).isEqualTo(LoopbackChatServer.chatAnswer("answer", "ok"));
        assertThat(server.files().uploadCount()).isEqualTo(3);
        JsonNode body = lastBody();
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.toString()).contains("\"file_id\":\"" + storedIds().get(0) + "\"");
    }

    @Test
    void chatCompletionsSendAPdfByIdButImagesInline() throws Exception {
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-test")
                .cache(null)
                .uploads(new MemoryUploadRegistry())
                .build();

        lm.complete(LmRequest.of(prompt("what is this?")));

        assertThat(server.files().uploadCount()).isEqualTo(1);
        String pdfId = storedIds().get(0);
        JsonNode content = lastBody().path("messages").get(1).path("content");
        assertThat(content.get(1).path("image_url").path("url").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(cat));
        assertThat(content.get(3).toString()).isEqualTo("{\"type\":\"file\",\"file\":{\"file_id\":\"" + pdfId + "\"}}");
    }

    @Test
    void anthropicSendsImagesAndDocumentsByFileIdWithTheFilesBeta() throws Exception {
        AnthropicChat lm = AnthropicChat.builder()
                .baseUrl(server.root().toString())
                .model("claude-test")
                .cache(null)
                .uploads(new MemoryUploadRegistry())
                .build();
        Prompt p = Prompt.builder()
                .user()
                .text("what?")
                .media(Image.of(cat))
                .media(Document.ofPdf(pdf).withTitle("report").withCitations(true))
                .end()
                .build();

        lm.complete(LmRequest.of(p));

        List<String> ids = storedIds();
        assertThat(ids).hasSize(2).allMatch(id -> id.startsWith("file_"));
        assertThat(lastBody().path("messages").get(0).path("content").toString())
                .isEqualTo("[{\"type\":\"text\","
                        + "\"text\":\"what?\"},{\"type\":\"image\",\"source\":{\"type\":\"file\",\"file_id\":\""
                        + ids.get(0) + "\"}},"
                        + "{\"type\":\"document\",\"source\":{\"type\":\"file\",\"file_id\":\"" + ids.get(1) + "\"},"
                        + "\"title\":\"report\",\"citations\":{\"enabled\":true}}]");

        server.files().forget(ids.get(0));
        lm.complete(LmRequest.of(Prompt.builder()
                .user()
                .text("again?")
                .media(Image.of(cat))
                .end()
                .build()));
        assertThat(server.files().uploadCount()).isEqualTo(3);
    }

    @Test
    void withADiskCacheUploadsAreRecordedInItsFileAndANewProcessFindsThem(@TempDir Path dir) {
        try (TieredCache cache = TieredCache.open(dir)) {
            OpenAiResponses lm = OpenAiResponses.builder()
                    .baseUrl(server.baseUrl())
                    .model("gpt-test")
                    .cache(cache)
                    .uploads(true)
                    .build();
            lm.complete(LmRequest.of(prompt("what is this?")));
            assertThat(lm.uploadRegistry()).isSameAs(cache.uploadRegistry());
        }
        try (SqliteUploadRegistry r = SqliteUploadRegistry.open(dir)) {
            assertThat(r.list()).extracting(Upload::fileId).containsExactlyInAnyOrderElementsOf(storedIds());
        }
        try (TieredCache cache = TieredCache.open(dir)) {
            OpenAiResponses.builder()
                    .baseUrl(server.baseUrl())
                    .model("gpt-test")
                    .cache(cache)
                    .uploads(true)
                    .build()
                    .complete(LmRequest.of(prompt("a question not cached yet")));
        }
        assertThat(server.files().uploadCount()).isEqualTo(3);
        assertThat(server.requestCount()).isEqualTo(2);

        // without a disk cache: the process's registry in memory
        OpenAiResponses noDisk = OpenAiResponses.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-test")
                .cache(null)
                .uploads(true)
                .build();
        assertThat(noDisk.uploadRegistry()).isSameAs(Uploads.processRegistry());
        assertThat(OpenAiResponses.builder()
                        .baseUrl(server.baseUrl())
                        .model("gpt-test")
                        .cache(null)
                        .build()
                        .uploadsOn())
                .isFalse();
    }

    @Test
    void theCacheKeyIsTheSameWithAndWithoutUploads() {
        OpenAiChatWireTest.MapCache plain = new OpenAiChatWireTest.MapCache();
        OpenAiChatWireTest.MapCache uploaded = new OpenAiChatWireTest.MapCache();
        LmRequest request = LmRequest.of(prompt("what is this?")).withParam("temperature", 0.0);
        OpenAiResponses.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-test")
                .cache(plain)
                .build()
                .complete(request);
        OpenAiResponses.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-test")
                .cache(uploaded)
                .uploads(new MemoryUploadRegistry())
                .build()
                .complete(request);

        assertThat(server.files().uploadCount()).isEqualTo(3);
        assertThat(uploaded.map.keySet()).hasSize(1).isEqualTo(plain.map.keySet());

        // and an LM with uploads is served from what one without stored
        int requests = server.requestCount();
        LmResponse hit = OpenAiResponses.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-test")
                .cache(plain)
                .uploads(new MemoryUploadRegistry())
                .build()
                .complete(request);
        assertThat(hit.cacheHit()).isTrue();
        assertThat(server.requestCount()).isEqualTo(requests);
        assertThat(server.files().uploadCount()).isEqualTo(3);
    }
}
