package dev.dspy4j.lm.batch;

import dev.dspy4j.lm.LmRequest;
import java.util.Objects;
import java.util.regex.Pattern;

/** One request of a batch. */
public record BatchRequest(String customId, LmRequest request) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,48}");

    /**
     * Checks the components.
     *
     * @param customId the id the provider returns with its result: 1 to 48 letters, digits, {@code -} or
     *                 {@code _} (Anthropic allows 64; a client may add a suffix of its own)
     * @param request  the request exactly as a live call sends it (the LM's defaults already applied)
     * @throws IllegalArgumentException if {@code customId} is not 1 to 48 letters, digits, {@code -} or {@code _}
     */
    public BatchRequest {
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(request, "request");
        if (!ID.matcher(customId).matches()) {
            throw new IllegalArgumentException(
                    "customId must be 1 to 48 letters, digits, '-' or '_', not '" + customId + "'");
        }
    }
}
