package dev.dspy4j.optimize;

/**
 * How much an optimizer may spend: a number of metric calls (one per example scored), a number of
 * trials (candidate programs scored), or an {@link Auto} preset that the optimizer turns into its own
 * numbers, as DSPy's {@code auto="light"|"medium"|"heavy"}. Limits left null are not enforced; when
 * both are set, the first reached stops the run.
 *
 * @param maxMetricCalls the most metric calls, or null for no limit
 * @param maxTrials      the most trials, or null for no limit
 * @param auto           the preset, or null
 */
public record Budget(Integer maxMetricCalls, Integer maxTrials, Auto auto) {

    /**
     * DSPy's presets: the number of candidates an optimizer proposes (6, 12, 18) and the largest
     * validation set it scores on (100, 300, 1000 examples), from MIPROv2's and GEPA's
     * {@code AUTO_RUN_SETTINGS}.
     */
    public enum Auto {
        LIGHT(6, 100),
        MEDIUM(12, 300),
        HEAVY(18, 1000);

        private final int candidates;
        private final int valSize;

        Auto(int candidates, int valSize) {
            this.candidates = candidates;
            this.valSize = valSize;
        }

        /** The number of candidates (instruction sets, demo sets) to propose. */
        public int candidates() {
            return candidates;
        }

        /** The largest validation set to score on. */
        public int valSize() {
            return valSize;
        }

        /** The preset named {@code light}, {@code medium} or {@code heavy} (any case). */
        public static Auto parse(String name) {
            for (Auto a : values()) {
                if (a.name().equalsIgnoreCase(name == null ? "" : name.trim())) return a;
            }
            throw new IllegalArgumentException("auto budget must be light, medium or heavy, not '" + name + "'");
        }
    }

    public Budget {
        if (maxMetricCalls != null && maxMetricCalls < 1) {
            throw new IllegalArgumentException("maxMetricCalls must be at least 1, not " + maxMetricCalls);
        }
        if (maxTrials != null && maxTrials < 1) {
            throw new IllegalArgumentException("maxTrials must be at least 1, not " + maxTrials);
        }
    }

    /** No limit: the optimizer runs its own schedule to the end. */
    public static Budget unlimited() {
        return new Budget(null, null, null);
    }

    /** At most {@code n} metric calls. */
    public static Budget metricCalls(int n) {
        return new Budget(n, null, null);
    }

    /** At most {@code n} trials. */
    public static Budget trials(int n) {
        return new Budget(null, n, null);
    }

    /** A preset. */
    public static Budget auto(Auto preset) {
        return new Budget(null, null, java.util.Objects.requireNonNull(preset, "preset"));
    }

    /** This budget with a metric-call limit. */
    public Budget withMaxMetricCalls(Integer n) {
        return new Budget(n, maxTrials, auto);
    }

    /** This budget with a trial limit. */
    public Budget withMaxTrials(Integer n) {
        return new Budget(maxMetricCalls, n, auto);
    }
}
