package dev.dspy4j.lm.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.AuthenticationException;
import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.ContextWindowExceededException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.LmTimeoutException;
import dev.dspy4j.lm.RateLimitException;
import dev.dspy4j.lm.ServerException;
import dev.dspy4j.lm.http.HttpLanguageModel.MalformedResponseException;
import dev.dspy4j.lm.http.HttpLanguageModel.ProviderError;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;

/**
 * Reads what an HTTP attempt got back: a 2xx body into an {@link LmResponse} through the provider's
 * {@link HttpLanguageModel#parseResponse}, any other status into the typed {@link LmException} its
 * status and error body call for ({@link HttpLanguageModel#parseError},
 * {@link HttpLanguageModel#errorFromBody}, {@link HttpLanguageModel#isContextWindow}). Server text in a
 * message is redacted and cut to {@value #MAX_ERROR_MESSAGE} characters.
 */
final class ResponseReader {
    static final int MAX_ERROR_MESSAGE = 1000;

    private final HttpLanguageModel lm;

    ResponseReader(HttpLanguageModel lm) {
        this.lm = lm;
    }

    /** A 2xx body: JSON, an object, and what the provider's parser accepts. */
    LmResponse parse(byte[] bytes, LmRequest request, int status) {
        JsonNode root;
        try {
            root = HttpLanguageModel.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new LmException(
                    lm.where() + ": the response (HTTP " + status + ", " + bytes.length
                            + " bytes) is not valid JSON: " + lm.redact(firstLine(e.getMessage()))
                            + "; it starts with: "
                            + lm.redact(abbreviate(
                                    new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8))),
                    status,
                    null,
                    null);
        }
        if (root == null || !root.isObject()) {
            throw new LmException(
                    lm.where() + ": the response (HTTP " + status + ") is not a JSON object", status, null, null);
        }
        try {
            return lm.parseResponse(root, request);
        } catch (MalformedResponseException e) {
            throw new LmException(
                    lm.where() + ": unexpected response (HTTP " + status + "): " + lm.redact(e.getMessage()),
                    status,
                    null,
                    null);
        }
    }

    /** A streamed answer, assembled into the body the non-streaming call would have returned. */
    LmResponse parseStreamed(JsonNode assembled, LmRequest request, int status) {
        try {
            return lm.parseResponse(assembled, request);
        } catch (MalformedResponseException e) {
            throw new LmException(
                    lm.where() + ": unexpected streamed response: " + lm.redact(e.getMessage()), status, null, null);
        }
    }

    /**
     * The exception for a non-2xx response.
     *
     * @param attempts      " (attempt i of n)"
     * @param givingUp      why no retry follows although the status is retryable, or ""
     * @param missingKeyHint why no key was sent, for a 401 or 403, or ""
     */
    LmException errorFor(
            int status, HttpResponse<?> response, String attempts, String givingUp, String missingKeyHint) {
        byte[] bytes = (byte[]) response.body();
        ProviderError pe;
        JsonNode errorBody = null;
        try {
            JsonNode root = HttpLanguageModel.JSON.readTree(bytes);
            if (root != null && root.isObject()) errorBody = root;
            pe = errorBody != null ? lm.parseError(errorBody) : new ProviderError(null, null);
        } catch (IOException notJson) {
            pe = new ProviderError(null, null);
        }
        String providerMessage = pe.message();
        if (providerMessage == null && bytes.length > 0) {
            providerMessage =
                    new String(bytes, 0, Math.min(bytes.length, MAX_ERROR_MESSAGE), StandardCharsets.UTF_8).strip();
        }
        providerMessage = providerMessage == null ? null : abbreviate(lm.redact(providerMessage));
        String code = pe.code() == null ? null : lm.redact(pe.code());
        String msg = lm.where() + " answered HTTP " + status + attempts
                + (providerMessage == null || providerMessage.isEmpty() ? "" : ": " + providerMessage)
                + (code == null ? "" : " [" + code + "]") + givingUp;
        LmException special = errorBody == null ? null : lm.errorFromBody(status, errorBody, msg, providerMessage);
        if (special != null) return special;
        if (status == 401 || status == 403) {
            return new AuthenticationException(msg + missingKeyHint, status, providerMessage, null);
        }
        if (status == 429) {
            return new RateLimitException(
                    msg, status, providerMessage, RetryAfter.from(response.headers(), Clock.systemUTC()), null);
        }
        if (status == 408) {
            return new LmTimeoutException(msg, status, providerMessage, null);
        }
        if (status == 409 || status >= 500) {
            return new ServerException(msg, status, providerMessage, null);
        }
        if (status >= 400 && lm.isContextWindow(code, providerMessage)) {
            return new ContextWindowExceededException(msg, status, providerMessage, null);
        }
        if (status >= 400) {
            return new BadRequestException(msg, status, providerMessage, null);
        }
        return new LmException(msg, status, providerMessage, null);
    }

    /** {@link HttpLanguageModel#parseError}'s default: OpenAI-style error bodies and their common variants. */
    static ProviderError openAiStyleError(JsonNode body) {
        JsonNode e = body.path("error");
        if (e.isTextual()) return new ProviderError(e.asText(), null);
        String message = HttpLanguageModel.text(e.path("message"));
        if (message == null) message = HttpLanguageModel.text(body.path("message"));
        if (message == null) message = HttpLanguageModel.text(body.path("detail"));
        String code = HttpLanguageModel.text(e.path("code"));
        if (code == null) code = HttpLanguageModel.text(e.path("type"));
        return new ProviderError(message, code);
    }

    /** {@link HttpLanguageModel#isContextWindow}'s default: OpenAI's code or a phrase providers use. */
    static boolean saysContextWindow(String code, String message) {
        if ("context_length_exceeded".equals(code)) return true;
        if (message == null) return false;
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("context length")
                || m.contains("context_length")
                || m.contains("context window")
                || m.contains("maximum context")
                || m.contains("prompt is too long")
                || m.contains("input is too long")
                || m.contains("too many tokens")
                || m.contains("exceeds the context");
    }

    static String abbreviate(String s) {
        return s.length() <= MAX_ERROR_MESSAGE ? s : s.substring(0, MAX_ERROR_MESSAGE) + "...";
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
