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
        /** 6 candidates, at most 100 validation examples (the default of MIPROv2). */
        LIGHT(6, 100),
        /** 12 candidates, at most 300 validation examples. */
        MEDIUM(12, 300),
        /** 18 candidates, at most 1000 validation examples. */
        HEAVY(18, 1000);

        private final int candidates;
        private final int valSize;

        Auto(int candidates, int valSize) {
            this.candidates = candidates;
            this.valSize = valSize;
        }

        /** {@return the number of candidates (instruction sets, demo sets) to propose: 6, 12 or 18} */
        public int candidates() {
            return candidates;
        }

        /** {@return the largest validation set to score on, in examples: 100, 300 or 1000} */
        public int valSize() {
            return valSize;
        }

        /**
         * The preset of a name, as the CLI's {@code --auto} takes it.
         *
         * @param name {@code light}, {@code medium} or {@code heavy}, in any case, surrounding blanks ignored
         * @return the preset
         * @throws IllegalArgumentException naming the value and the accepted ones, for anything else (null included)
         */
        public static Auto parse(String name) {
            for (Auto a : values()) {
                if (a.name().equalsIgnoreCase(name == null ? "" : name.trim())) return a;
            }
            throw new IllegalArgumentException("auto budget must be light, medium or heavy, not '" + name + "'");
        }
    }

    /**
     * Checks the limits.
     *
     * @param maxMetricCalls null, or at least 1
     * @param maxTrials null, or at least 1
     * @param auto the preset, or null
     * @throws IllegalArgumentException naming the limit if it is below 1
     */
    public Budget {
        if (maxMetricCalls != null && maxMetricCalls < 1) {
            throw new IllegalArgumentException("maxMetricCalls must be at least 1, not " + maxMetricCalls);
        }
        if (maxTrials != null && maxTrials < 1) {
            throw new IllegalArgumentException("maxTrials must be at least 1, not " + maxTrials);
        }
    }

    /** {@return no limit: the optimizer runs its own schedule to the end} */
    public static Budget unlimited() {
        return new Budget(null, null, null);
    }

    /**
     * A metric-call limit alone.
     *
     * @param n the most metric calls, at least 1
     * @return the budget
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public static Budget metricCalls(int n) {
        return new Budget(n, null, null);
    }

    /**
     * A trial limit alone.
     *
     * @param n the most trials, at least 1
     * @return the budget
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public static Budget trials(int n) {
        return new Budget(null, n, null);
    }

    /**
     * A preset alone.
     *
     * @param preset the preset; not null
     * @return the budget
     */
    public static Budget auto(Auto preset) {
        return new Budget(null, null, java.util.Objects.requireNonNull(preset, "preset"));
    }

    /**
     * This budget with another metric-call limit.
     *
     * @param n the most metric calls (at least 1), or null for none
     * @return a new budget
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public Budget withMaxMetricCalls(Integer n) {
        return new Budget(n, maxTrials, auto);
    }

    /**
     * This budget with another trial limit.
     *
     * @param n the most trials (at least 1), or null for none
     * @return a new budget
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public Budget withMaxTrials(Integer n) {
        return new Budget(maxMetricCalls, n, auto);
    }
}
