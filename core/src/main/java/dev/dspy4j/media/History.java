package dev.dspy4j.media;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Earlier turns of a conversation, as an input of type {@code History}. Each turn is a map of
 * field values (inputs and outputs of the same signature); values may be media.
 *
 * @param turns the turns, oldest first
 */
public record History(List<Map<String, Object>> turns) {

    public History {
        List<Map<String, Object>> copy = new ArrayList<>(turns.size());
        for (Map<String, Object> t : turns) {
            copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(t)));
        }
        turns = List.copyOf(copy);
    }

    /** A history of the given turns. */
    @SafeVarargs
    public static History of(Map<String, Object>... turns) {
        return new History(List.of(turns));
    }

    /** An empty history. */
    public static History empty() {
        return new History(List.of());
    }

    /** This history with one more turn at the end. */
    public History with(Map<String, Object> turn) {
        List<Map<String, Object>> all = new ArrayList<>(turns);
        all.add(turn);
        return new History(all);
    }
}
