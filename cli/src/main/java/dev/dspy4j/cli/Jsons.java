package dev.dspy4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/** The command's JSON mapper. */
final class Jsons {
    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new Jdk8Module());

    private Jsons() {}

    /**
     * Why a JSONL line is not JSON, for a person: {@code not valid JSON: <Jackson's reason without its
     * source/location text> at column C}. Jackson's own message names an internal "Source: REDACTED"
     * and a start-marker location that mean nothing to the user.
     */
    static String notValidJson(JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
        reason = reason.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
                .replaceAll("\\s*\\[Source:[^\\]]*\\]", "");
        int nl = reason.indexOf('\n');
        if (nl >= 0) reason = reason.substring(0, nl);
        var at = e.getLocation();
        return "not valid JSON: " + reason.strip()
                + (at == null || at.getColumnNr() < 1 ? "" : " at column " + at.getColumnNr());
    }

    static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
