package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiEmbeddings;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiEmbeddingsWireTest {

    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    /** Two embeddings, listed in reverse index order as a server may. */
    private static final String TWO = "{\"object\":\"list\",\"model\":\"emb-1\",\"data\":["
            + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.5,-1.25,3]},"
            + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[1,0,0.125]}],"
            + "\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}";

    private OpenAiEmbeddings.Builder client() {
        return OpenAiEmbeddings.builder()
                .model("text-embedding-3-small")
                .baseUrl(server.url())
                .apiKey("sk-test")
                .cache(MemoryCache.create());
    }

    @Test
    void sendsTheTextsAndReadsTheVectorsInIndexOrder() throws Exception {
        server.enqueue(LoopbackServer.json(200, TWO));
        OpenAiEmbeddings e = client().dimensions(3).build();
        List<float[]> v = e.embed(List.of("a cat", "a dog"));
        assertThat(v.get(0)).containsExactly(1f, 0f, 0.125f);
        assertThat(v.get(1)).containsExactly(0.5f, -1.25f, 3f);
        LoopbackServer.Received got = server.last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).endsWith("/embeddings");
        assertThat(got.header("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(got.json())
                .isEqualTo(
                        new ObjectMapper()
                                .readTree(
                                        "{\"model\":\"text-embedding-3-small\",\"input\":[\"a cat\",\"a dog\"],\"encoding_format\":\"float\",\"dimensions\":3}"));
    }

    @Test
    void aRepeatIsServedFromTheResponseCacheAndOtherTextsAreNot() {
        server.enqueue(LoopbackServer.json(200, TWO), LoopbackServer.json(200, TWO));
        MemoryCache cache = MemoryCache.create();
        OpenAiEmbeddings e = client().cache(cache).build();
        List<float[]> first = e.embed(List.of("a cat", "a dog"));
        List<float[]> again = e.embed(List.of("a cat", "a dog"));
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(again.get(1)).containsExactly(first.get(1));
        // a client with another key, base URL or timeout shares the entry: the key is the request's digest
        OpenAiEmbeddings other = OpenAiEmbeddings.builder()
                .model("text-embedding-3-small")
                .baseUrl(server.url())
                .apiKey("sk-other")
                .cache(cache)
                .build();
        assertThat(other.embed(List.of("a cat", "a dog")).get(0)).containsExactly(first.get(0));
        assertThat(server.requestCount()).isEqualTo(1);
        e.embed(List.of("a cow", "a dog"));
        assertThat(server.requestCount()).isEqualTo(2);
        // a chat request with the same text has another key: it is not answered with vectors
        server.enqueue(LoopbackServer.json(200, LoopbackServer.chatCompletion("hello")));
        OpenAiChat chat = OpenAiChat.builder()
                .model("text-embedding-3-small")
                .baseUrl(server.url())
                .cache(cache)
                .build();
        LmResponse r = chat.complete(LmRequest.of(new Prompt(List.of(Message.user("a cat"), Message.user("a dog")))));
        assertThat(r.first().text()).isEqualTo("hello");
    }

    @Test
    void textsGoInBatches() {
        String one = "{\"data\":[{\"index\":0,\"embedding\":[1,2]},{\"index\":1,\"embedding\":[3,4]}]}";
        String last = "{\"data\":[{\"index\":0,\"embedding\":[5,6]}]}";
        server.enqueue(LoopbackServer.json(200, one), LoopbackServer.json(200, last));
        List<float[]> v = client().batchSize(2).build().embed(List.of("a", "b", "c"));
        assertThat(v).hasSize(3);
        assertThat(v.get(2)).containsExactly(5f, 6f);
        assertThat(server.requests())
                .extracting(r -> r.json().get("input").size())
                .containsExactly(2, 1);
    }

    @Test
    void badInputsAndAnswersAreNamed() {
        OpenAiEmbeddings e = client().build();
        assertThatThrownBy(() -> e.embed(List.of("ok", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text 1 to embed is empty");
        server.enqueue(LoopbackServer.json(200, "{\"object\":\"list\"}"));
        assertThatThrownBy(() -> e.embed(List.of("x")))
                .isInstanceOf(LmException.class)
                .hasMessageContaining("no \"data\" array");
        server.enqueue(LoopbackServer.json(200, "{\"data\":[{\"index\":0,\"embedding\":[1,2]}]}"));
        assertThatThrownBy(() -> e.embed(List.of("y", "z")))
                .hasMessageContaining("2 texts were sent but 1 embeddings came back");
        assertThat(e.toString()).doesNotContain("sk-test");
    }
}
