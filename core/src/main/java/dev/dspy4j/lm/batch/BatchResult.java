package dev.dspy4j.lm.batch;

import dev.dspy4j.lm.LmResponse;
import java.util.Objects;

/** The outcome of one request of an ended batch, matched by its custom id. */
public sealed interface BatchResult {

    /** The custom id the request was sent with. */
    String customId();

    /** The request was answered; {@code response} is parsed by the provider client as a live answer is. */
    record Succeeded(String customId, LmResponse response) implements BatchResult {
        public Succeeded {
            Objects.requireNonNull(customId, "customId");
            Objects.requireNonNull(response, "response");
        }
    }

    /**
     * The request has no answer.
     *
     * @param kind    {@code errored} (the provider refused or failed it: sending it again gives the same
     *                error, most likely), {@code canceled} or {@code expired} (never run: worth sending again)
     * @param message the provider's error, with any secret redacted
     */
    record Failed(String customId, String kind, String message) implements BatchResult {
        public Failed {
            Objects.requireNonNull(customId, "customId");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }

        /** True for a request that never ran (canceled, expired), so another batch may answer it. */
        public boolean retryable() {
            return !"errored".equals(kind);
        }
    }
}
