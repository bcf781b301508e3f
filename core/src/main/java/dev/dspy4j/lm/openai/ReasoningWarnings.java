package dev.dspy4j.lm.openai;

import dev.dspy4j.lm.LmRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * One OpenAI client's warnings about parameters its reasoning model does not take: a
 * {@code temperature} or {@code top_p} other than 1 is left out of the body by the codec
 * ({@link OpenAiCodec#droppedForReasoning}), and the client says so once per parameter, in its own
 * log. Shared by {@link OpenAiChat} and {@link OpenAiResponses}. Thread-safe.
 */
final class ReasoningWarnings {
    private final Logger log;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    ReasoningWarnings(Logger log) {
        this.log = log;
    }

    /** Warns about each parameter of {@code request} that is dropped for a reasoning model and not warned of yet. */
    void check(LmRequest request, String provider, String model) {
        for (String name : List.of("temperature", "top_p")) {
            Object v = request.params().get(name);
            if (v != null && OpenAiCodec.droppedForReasoning(name, v) && warned.add(name)) {
                log.warn(
                        "{}: {} is a reasoning model, which takes only the default {}; {}={} is not sent",
                        provider,
                        model,
                        name,
                        name,
                        v);
            }
        }
    }
}
