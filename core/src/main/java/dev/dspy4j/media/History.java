package dev.dspy4j.media;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Earlier turns of a conversation, as an input of type {@code History}. Each turn is a map of
 * field values (inputs and outputs of the same signature), in insertion order; values may be media,
 * which are held by reference, never copied. Immutable.
 *
 * <pre>{@code
 * History h = History.empty()
 *     .with(Map.of("image", Image.of(cat), "label", "cat"))
 *     .with(Map.of("image", Image.of(dog), "label", "dog"));
 * }</pre>
 *
 * @param turns the turns, oldest first
 */
public record History(List<Map<String, Object>> turns) {

    /**
     * Copies the turns, keeping each turn's order.
     *
     * @param turns the turns, oldest first; each a non-empty map without null keys
     * @throws IllegalArgumentException naming the turn's index if a turn is null, empty or has a null
     *     field name
     */
    public History {
        Objects.requireNonNull(turns, "turns");
        List<Map<String, Object>> copy = new ArrayList<>(turns.size());
        for (int i = 0; i < turns.size(); i++) {
            copy.add(copyTurn(turns.get(i), i));
        }
        turns = List.copyOf(copy);
    }

    /**
     * A history of the given turns.
     *
     * @param turns field values per turn, oldest first
     * @return the history
     * @throws IllegalArgumentException as the canonical constructor says
     */
    @SafeVarargs
    public static History of(Map<String, ?>... turns) {
        List<Map<String, Object>> list = new ArrayList<>(turns.length);
        for (Map<String, ?> t : turns) {
            list.add(Collections.unmodifiableMap(t));
        }
        return new History(list);
    }

    /** {@return a history without turns} */
    public static History empty() {
        return new History(List.of());
    }

    /**
     * Returns this history with one more turn at the end.
     *
     * @param turn the turn's field values
     * @return a new history; this one is unchanged
     * @throws IllegalArgumentException if the turn is null, empty or has a null field name
     */
    public History with(Map<String, ?> turn) {
        List<Map<String, Object>> all = new ArrayList<>(turns);
        all.add(Collections.unmodifiableMap(turn));
        return new History(all);
    }

    /** {@return the number of turns} */
    public int size() {
        return turns.size();
    }

    /** {@return true if there are no turns} */
    public boolean isEmpty() {
        return turns.isEmpty();
    }

    private static Map<String, Object> copyTurn(Map<String, Object> turn, int index) {
        if (turn == null) {
            throw new IllegalArgumentException("history turn " + index + " is null");
        }
        if (turn.isEmpty()) {
            throw new IllegalArgumentException("history turn " + index + " has no field values");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : turn.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException("history turn " + index + " has a null field name");
            }
            m.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(m);
    }
}
