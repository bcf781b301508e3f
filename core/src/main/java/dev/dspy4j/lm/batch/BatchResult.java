package dev.dspy4j.lm.batch;

import dev.dspy4j.lm.LmResponse;
import java.util.Objects;

/** The outcome of one request of an ended batch, matched by its custom id. */
public sealed interface BatchResult {

    /** {@return the custom id the request was sent with} */
    String customId();

    /** The request was answered. */
    record Succeeded(String customId, LmResponse response) implements BatchResult {
        /**
         * Checks that no component is null.
         *
         * @param customId the custom id the request was sent with
         * @param response the answer, parsed by the provider client as a live answer is
         */
        public Succeeded {
            Objects.requireNonNull(customId, "customId");
            Objects.requireNonNull(response, "response");
        }
    }

    /** The request has no answer. */
    record Failed(String customId, String kind, String message) implements BatchResult {
        /**
         * Checks that no component is null.
         *
         * @param customId the custom id the request was sent with
         * @param kind    {@code errored} (the provider refused or failed it: sending it again gives the same
         *                error, most likely), {@code canceled} or {@code expired} (never run: worth sending again)
         * @param message the provider's error, with any secret redacted
         */
        public Failed {
            Objects.requireNonNull(customId, "customId");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }

        /** {@return true for a request that never ran (canceled, expired), so another batch may answer it} */
        public boolean retryable() {
            return !"errored".equals(kind);
        }
    }
}
