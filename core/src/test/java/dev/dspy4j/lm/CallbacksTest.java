package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.adapter.AdapterParseException;
import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.module.Parallel;
import dev.dspy4j.module.Predict;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Callbacks around module calls, adapter format/parse and LM calls, with their nesting and errors. */
class CallbacksTest {

    /** Records "start KIND id parent" / "end KIND id ok|error" lines. */
    static final class Recorder implements Callback {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

        private void start(Call c) {
            calls.add(c);
            events.add("start " + c.kind());
        }

        private void end(Call c, Throwable e) {
            events.add("end " + c.kind() + (e == null ? "" : " " + e.getClass().getSimpleName()));
        }

        @Override
        public void onModuleStart(Call call, Map<String, ?> inputs) {
            start(call);
        }

        @Override
        public void onModuleEnd(Call call, Object prediction, Throwable error) {
            end(call, error);
        }

        @Override
        public void onFormatStart(Call call, Map<String, ?> inputs) {
            start(call);
        }

        @Override
        public void onFormatEnd(Call call, Prompt prompt, Throwable error) {
            end(call, error);
        }

        @Override
        public void onParseStart(Call call, String completion) {
            start(call);
        }

        @Override
        public void onParseEnd(Call call, Map<String, Object> outputs, Throwable error) {
            end(call, error);
        }

        @Override
        public void onLmStart(Call call, LmRequest request) {
            start(call);
        }

        @Override
        public void onLmEnd(Call call, LmResponse response, Throwable error) {
            end(call, error);
        }
    }

    private static final String ANSWER = "[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]";

    @Test
    void aPredictCallReportsModuleFormatLmAndParseNestedUnderTheModule() {
        Predict qa = Predict.of("question -> answer: int").withLm(ScriptedLm.of(ANSWER));
        Recorder r = new Recorder();
        try (CallContext.Scope s = CallContext.with(r)) {
            assertThat(qa.call(Map.of("question", "2+2?")).get("answer", Integer.class))
                    .isEqualTo(4);
        }
        assertThat(r.events)
                .containsExactly(
                        "start MODULE",
                        "start FORMAT",
                        "end FORMAT",
                        "start LM",
                        "end LM",
                        "start PARSE",
                        "end PARSE",
                        "end MODULE");
        Call module = r.calls.get(0);
        assertThat(module.parentId()).isNull();
        assertThat(module.instance()).isSameAs(qa);
        assertThat(r.calls.subList(1, 4))
                .allSatisfy(c -> assertThat(c.parentId()).isEqualTo(module.id()));
        assertThat(r.calls.get(1).instance()).isInstanceOf(ChatAdapter.class);
        assertThat(r.calls.get(2).instance()).isInstanceOf(ScriptedLm.class);
    }

    @Test
    void aClosedScopeSeesNothingMore() {
        Predict qa = Predict.of("question -> answer").withLm(ScriptedLm.of(ANSWER, ANSWER));
        Recorder r = new Recorder();
        try (CallContext.Scope s = CallContext.with(r)) {
            qa.call(Map.of("question", "a"));
        }
        int seen = r.events.size();
        qa.call(Map.of("question", "b"));
        assertThat(r.events).hasSize(seen);
    }

    @Test
    void errorsReachTheEndCallbacksAndAreStillThrown() {
        Predict qa = Predict.of("question -> answer: int")
                .withLm(ScriptedLm.of("no markers at all", "{}"))
                .withAdapter(ChatAdapter.builder().jsonFallback(false).build());
        Recorder r = new Recorder();
        try (CallContext.Scope s = CallContext.with(r)) {
            assertThatThrownBy(() -> qa.call(Map.of("question", "x"))).isInstanceOf(AdapterParseException.class);
        }
        assertThat(r.events)
                .containsExactly(
                        "start MODULE",
                        "start FORMAT",
                        "end FORMAT",
                        "start LM",
                        "end LM",
                        "start PARSE",
                        "end PARSE AdapterParseException",
                        "end MODULE AdapterParseException");
    }

    @Test
    void aFailingCallbackDoesNotFailTheCall() {
        Predict qa = Predict.of("question -> answer: int").withLm(ScriptedLm.of(ANSWER));
        Callback broken = new Callback() {
            @Override
            public void onLmStart(Call call, LmRequest request) {
                throw new IllegalStateException("broken callback");
            }
        };
        try (CallContext.Scope s = CallContext.with(broken)) {
            assertThat(qa.call(Map.of("question", "2+2?")).get("answer", Integer.class))
                    .isEqualTo(4);
        }
    }

    @Test
    void parallelWorkersReportToTheCallersScopeWithTheCallersParent() {
        Predict qa = Predict.of("question -> answer: int")
                .withLm(ScriptedLm.builder().respond(req -> List.of(ANSWER)).build());
        Recorder r = new Recorder();
        List<Example> items = new ArrayList<>();
        for (int i = 0; i < 8; i++)
            items.add(Example.of(Map.of("question", "q" + i)).withInputs("question"));
        try (CallContext.Scope s = CallContext.with(r)) {
            Parallel.builder().threads(4).build().run(qa, items);
        }
        assertThat(r.calls.stream().filter(c -> c.kind() == Call.Kind.MODULE)).hasSize(8);
        assertThat(r.calls.stream().filter(c -> c.kind() == Call.Kind.LM)).hasSize(8);
        assertThat(r.calls.stream().map(Call::id).distinct()).hasSize(r.calls.size());
    }

    @Test
    void globalCallbacksSeeCallsOnEveryThreadUntilRemoved() throws Exception {
        Recorder r = new Recorder();
        LanguageModel lm =
                ScriptedLm.builder().respond(req -> List.of("x")).cache(null).build();
        CallContext.addGlobal(r);
        try {
            Thread t = new Thread(
                    () -> lm.complete(LmRequest.of(Prompt.builder().user("hi").build())));
            t.start();
            t.join();
        } finally {
            assertThat(CallContext.removeGlobal(r)).isTrue();
        }
        lm.complete(LmRequest.of(Prompt.builder().user("hi again").build()));
        assertThat(r.events).containsExactly("start LM", "end LM");
    }
}
