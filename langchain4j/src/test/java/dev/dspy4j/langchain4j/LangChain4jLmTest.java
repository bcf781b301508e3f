package dev.dspy4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.AuthenticationException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.RateLimitException;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.prompt.Prompt;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A LangChain4j OpenAI model pointed at a loopback server, driven through the bridge. */
class LangChain4jLmTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final Deque<Object[]> replies = new ArrayDeque<>();

    static String completion(String text) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gpt-test-001\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":"
                + JSON.getNodeFactory().textNode(text)
                + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}";
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", ex -> {
            bodies.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            Object[] reply;
            synchronized (replies) {
                reply = replies.isEmpty() ? new Object[] {200, completion("ok")} : replies.poll();
            }
            byte[] b = ((String) reply[1]).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders((Integer) reply[0], b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private LangChain4jLm.Builder bridge() {
        OpenAiChatModel model = OpenAiChatModel.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .apiKey("lc4j-key")
                .modelName("gpt-test")
                .maxRetries(0)
                .timeout(Duration.ofSeconds(10))
                .build();
        return LangChain4jLm.builder(model).model("gpt-test").cache(null);
    }

    private static byte[] png(int size) {
        byte[] b = new byte[size];
        new Random(3).nextBytes(b);
        byte[] head = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    @Test
    void messagesMediaAndParametersReachTheServerThroughLangChain4j() {
        byte[] png = png(3000);
        LmRequest request = LmRequest.of(Prompt.builder()
                        .system("Be brief.")
                        .user()
                        .text("What is it?")
                        .media(Image.of(png))
                        .end()
                        .assistant("A square.")
                        .user("Sure?")
                        .build())
                .withParam("temperature", 0.3)
                .withParam("max_tokens", 50)
                .withParam("stop", "END");

        LmResponse r = bridge().build().complete(request);

        JsonNode body = bodies.get(0);
        assertThat(body.path("model").asText()).isEqualTo("gpt-test");
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.3);
        assertThat(body.path("stop").toString()).isEqualTo("[\"END\"]");
        JsonNode messages = body.path("messages");
        assertThat(messages.get(0).toString()).isEqualTo("{\"role\":\"system\",\"content\":\"Be brief.\"}");
        assertThat(messages.get(1).path("content").get(0).path("text").asText()).isEqualTo("What is it?");
        assertThat(messages.get(1)
                        .path("content")
                        .get(1)
                        .path("image_url")
                        .path("url")
                        .asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        assertThat(messages.get(2).path("content").asText()).isEqualTo("A square.");
        assertThat(messages.get(3).path("content").toString()).contains("Sure?");
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(r.first().finishReason()).isEqualTo("stop");
        assertThat(r.usage()).isEqualTo(new Usage(11, 3));
        assertThat(r.model()).isEqualTo("gpt-test-001");
    }

    @Test
    void aProgramRunsOnTheBridgeAndItsCacheAnswersTheSecondCall() {
        synchronized (replies) {
            replies.add(new Object[] {200, completion("[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]")});
        }
        Predict qa = Predict.of("question -> answer: int")
                .withLm(bridge().cache(MemoryCache.create()).build());
        assertThat(qa.call(Map.of("question", "2+2?")).get("answer", Long.class))
                .isEqualTo(4L);
        assertThat(qa.call(Map.of("question", "2+2?")).get("answer", Long.class))
                .isEqualTo(4L);
        assertThat(bodies).hasSize(1);
    }

    @Test
    void langChain4jErrorsBecomeDspy4jErrors() {
        synchronized (replies) {
            replies.add(new Object[] {429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit\"}}"});
            replies.add(new Object[] {
                401, "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\"}}"
            });
        }
        LangChain4jLm lm = bridge().build();
        LmRequest hi = LmRequest.of(Prompt.builder().user("hi").build());
        RateLimitException rate = catchThrowableOfType(RateLimitException.class, () -> lm.complete(hi));
        assertThat(rate.getMessage()).contains("Rate limit reached");
        assertThat(catchThrowableOfType(AuthenticationException.class, () -> lm.complete(hi)))
                .isNotNull();
    }

    @Test
    void refusesWhatTheBridgeCannotPassBeforeCalling() {
        LangChain4jLm lm = bridge().build();
        assertThatThrownBy(() -> lm.complete(LmRequest.of(
                        Prompt.builder().user().media(File.ofId("file-1")).end().build())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("file-1");
        assertThatThrownBy(() -> lm.complete(
                        LmRequest.of(Prompt.builder().user("x").build()).withParam("logit_bias", Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'logit_bias'")
                .hasMessageContaining("accepted");
        assertThatThrownBy(() -> LangChain4jLm.builder(lm.chatModel()).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("model");
        assertThat(bodies).isEmpty();
    }
}
