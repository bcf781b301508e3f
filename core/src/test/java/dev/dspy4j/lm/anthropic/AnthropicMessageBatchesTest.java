package dev.dspy4j.lm.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.UnsupportedInputException;
import dev.dspy4j.lm.batch.BatchClient;
import dev.dspy4j.lm.batch.BatchRequest;
import dev.dspy4j.lm.batch.BatchResult;
import dev.dspy4j.lm.batch.BatchStatus;
import dev.dspy4j.media.Audio;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.testing.LoopbackChatServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Message Batches client on its own: n > 1, request rules, unknown ids, foreign results URLs. */
class AnthropicMessageBatchesTest {

    private static BatchClient client(LoopbackChatServer server) {
        return AnthropicChat.builder()
                .baseUrl(server.root().toString())
                .model("claude-haiku-4-5")
                .apiKey("sk-ant-k-0123456789")
                .cache(null)
                .build()
                .batchClient();
    }

    @Test
    void aRequestForTwoCompletionsGoesAsTwoRequestsWhoseAnswersAreJoined() {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(0).start()) {
            BatchClient c = client(server);
            LmRequest two = LmRequest.of(Prompt.builder().user("hi").build()).withN(2);
            BatchStatus created = c.create(List.of(new BatchRequest("abc", two)));
            assertThat(created.total()).isEqualTo(2);
            assertThat(server.batchRequests()).hasSize(2);

            BatchStatus ended = c.retrieve(created.id());
            assertThat(ended.phase()).isEqualTo(BatchStatus.Phase.ENDED);
            List<BatchResult> results = new ArrayList<>();
            c.results(ended, id -> id.equals("abc") ? two : null, results::add);
            assertThat(results).hasSize(1);
            BatchResult.Succeeded s = (BatchResult.Succeeded) results.get(0);
            assertThat(s.customId()).isEqualTo("abc");
            assertThat(s.response().completions()).hasSize(2);
            assertThat(s.response().usage().promptTokens()).isEqualTo(200);
        }
    }

    @Test
    void aRequestTheMessagesApiRefusesIsRefusedBeforeAnythingIsSent() {
        try (LoopbackChatServer server = LoopbackChatServer.start("x")) {
            LmRequest audio = LmRequest.of(Prompt.builder()
                    .user()
                    .text("listen")
                    .media(Audio.of("RIFF\0\0\0\0WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                    .end()
                    .build());
            assertThatThrownBy(() -> client(server).create(List.of(new BatchRequest("a", audio))))
                    .isInstanceOf(UnsupportedInputException.class);
            assertThat(server.batchesCreated()).isZero();
        }
    }

    @Test
    void anUnknownBatchIdIsA404NamingIt() {
        try (LoopbackChatServer server = LoopbackChatServer.start("x")) {
            assertThatThrownBy(() -> client(server).retrieve("msgbatch_gone"))
                    .isInstanceOf(LmException.class)
                    .hasMessage("Anthropic message batches at " + server.root() + "/v1/messages/batches/msgbatch_gone"
                            + " answered HTTP 404 while retrieving batch msgbatch_gone (attempt 1 of 3): no message batch msgbatch_gone"
                            + " [not_found_error]")
                    .satisfies(e -> assertThat(((LmException) e).status()).isEqualTo(404));
        }
    }

    @Test
    void resultsOnAnotherHostAreNotFetchedWithTheKey() {
        try (LoopbackChatServer server = LoopbackChatServer.start("x")) {
            BatchStatus ended = new BatchStatus(
                    "msgbatch_1",
                    BatchStatus.Phase.ENDED,
                    "ended",
                    1,
                    1,
                    0,
                    null,
                    "https://elsewhere.example/results",
                    null);
            assertThatThrownBy(() -> client(server).results(ended, id -> null, r -> {}))
                    .hasMessageContaining("results_url https://elsewhere.example is not on " + server.root());
        }
        assertThat(AnthropicMessageBatches.sameOrigin(
                        URI.create("http://127.0.0.1:80/x"), URI.create("http://127.0.0.1")))
                .isTrue();
        assertThat(AnthropicMessageBatches.sameOrigin(
                        URI.create("https://a.example/x"), URI.create("http://a.example")))
                .isFalse();
    }

    @Test
    void customIdsAreChecked() {
        assertThatThrownBy(() -> new BatchRequest(
                        "has space", LmRequest.of(Prompt.builder().user("x").build())))
                .hasMessage("customId must be 1 to 48 letters, digits, '-' or '_', not 'has space'");
    }
}
