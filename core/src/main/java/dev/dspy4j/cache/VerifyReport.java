package dev.dspy4j.cache;

import java.util.List;

/**
 * The result of {@link DiskCache#verify()}.
 *
 * @param checked  how many entries were decoded
 * @param problems what is wrong (integrity check messages, entries that do not decode, a size total
 *                 that does not match the entries); empty when the cache is sound
 */
public record VerifyReport(long checked, List<String> problems) {
    /**
     * Copies the problems.
     *
     * @param checked  how many entries were decoded
     * @param problems what is wrong, empty when the cache is sound
     */
    public VerifyReport {
        problems = List.copyOf(problems);
    }

    /** {@return true if no problem was found} */
    public boolean ok() {
        return problems.isEmpty();
    }
}
