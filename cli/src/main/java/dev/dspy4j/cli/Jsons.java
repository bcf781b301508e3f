package dev.dspy4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;

/** The command's JSON mapper. */
final class Jsons {
    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new Jdk8Module());

    private Jsons() {}

    static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
