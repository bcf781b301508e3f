package dev.dspy4j.lm.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.TextStream;
import java.io.IOException;

/**
 * Reads one provider's streamed answer (server-sent events) and puts it back together as the JSON the
 * provider returns for the same request without streaming, so the provider's ordinary response
 * parser reads it (finish reasons, refusals, tool calls, usage: one parser for both). One decoder per
 * attempt; not thread-safe.
 */
public interface StreamDecoder {

    /**
     * Takes one event.
     *
     * @param event the SSE {@code event:} name, or {@code message} if the event had none
     * @param data  the event's data lines, joined with {@code \n}
     * @param text  receives the first completion's text as it arrives
     * @throws StreamError for an error event from the provider
     * @throws Malformed for data that is not what the provider sends
     */
    void onEvent(String event, String data, TextStream text);

    /** {@return true once the provider said the answer is complete; later events are not read} */
    boolean done();

    /** {@return the answer so far, shaped as the provider's non-streamed response body} */
    ObjectNode assembled();

    /**
     * {@return one event's data parsed as JSON}
     *
     * @param mapper the mapper to parse with
     * @param data the event's data
     * @param what names the data in a message, e.g. {@code "a streamed event"}
     * @throws Malformed naming {@code what} and the first 200 characters of {@code data} when it is not JSON
     */
    static JsonNode readJson(ObjectMapper mapper, String data, String what) {
        try {
            return mapper.readTree(data);
        } catch (IOException e) {
            throw new Malformed(
                    what + " is not JSON: " + (data.length() > 200 ? data.substring(0, 200) + "..." : data));
        }
    }

    /** Streamed data that is not what the provider sends. */
    final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message what came and what was expected, naming the provider */
        public Malformed(String message) {
            super(message);
        }
    }

    /** An error the provider sent inside the stream (after a 200 status). */
    final class StreamError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** The provider's error type or code, or null (serialized with the exception). */
        private final String code;

        /**
         * @param message the provider's message
         * @param code the provider's error type or code, or null
         */
        public StreamError(String message, String code) {
            super(message);
            this.code = code;
        }

        /** {@return the provider's error type or code, or null} */
        public String code() {
            return code;
        }
    }
}
