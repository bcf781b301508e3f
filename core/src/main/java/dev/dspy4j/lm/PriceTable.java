package dev.dspy4j.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Prices per model in USD per million tokens, to turn {@link Usage} into cost. {@link #defaults()} is
 * the table shipped with dspy4j ({@code dev/dspy4j/lm/prices.json}, dated {@link #asOf()}): a sample
 * of list prices for the models the README names and their neighbours, written from memory for that
 * date and not verified against the providers' price pages. Check them there before trusting a cost;
 * supply your own with {@link #load}, or override some models of the shipped one with {@link #with}.
 *
 * <p>File shape: {@code {"as_of":"2025-06-01","models":{"gpt-4o-mini":{"input":0.15,
 * "cached_input":0.075,"cache_write":0.19,"output":0.60}}}}; {@code input} and {@code output} are
 * required, {@code cached_input} and {@code cache_write} default to {@code input}. A model name
 * matches a table entry exactly, or else the longest entry it extends by a version (a {@code -} then
 * a digit, or {@code -latest}): {@code gpt-4o-mini-2024-07-18} costs what {@code gpt-4o-mini} does,
 * while {@code gpt-4o-audio-preview} is not priced as {@code gpt-4o}. A provider prefix such as
 * {@code openai/} is ignored.
 */
public final class PriceTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PriceTable DEFAULTS = loadDefaults();

    private final String asOf;
    private final Map<String, Price> prices;

    /**
     * One model's prices in USD per million tokens.
     *
     * @param input       uncached prompt tokens
     * @param cachedInput prompt tokens read from the provider's prompt cache
     * @param cacheWrite  prompt tokens written to the provider's prompt cache
     * @param output      completion tokens (reasoning included)
     */
    public record Price(double input, double cachedInput, double cacheWrite, double output) {
        /**
         * Checks the prices.
         *
         * @param input       USD per million uncached prompt tokens, at least 0
         * @param cachedInput USD per million prompt tokens read from the cache, at least 0
         * @param cacheWrite  USD per million prompt tokens written to the cache, at least 0
         * @param output      USD per million completion tokens, at least 0
         *
         * @throws IllegalArgumentException if a price is negative or not a number
         */
        public Price {
            if (!(input >= 0 && cachedInput >= 0 && cacheWrite >= 0 && output >= 0)) {
                throw new IllegalArgumentException("prices must be numbers >= 0, not input=" + input + ", cached_input="
                        + cachedInput + ", cache_write=" + cacheWrite + ", output=" + output);
            }
        }

        /**
         * {@return the cost in USD of {@code usage}: uncached prompt tokens (prompt tokens less cache
         * reads and writes) at {@code input}, cache reads at {@code cachedInput}, cache writes at
         * {@code cacheWrite}, completion tokens at {@code output}}
         *
         * @param usage the tokens of one or more calls
         */
        public double cost(Usage usage) {
            long uncached = Math.max(0, usage.promptTokens() - usage.cachedPromptTokens() - usage.cacheWriteTokens());
            return (uncached * input
                            + usage.cachedPromptTokens() * cachedInput
                            + usage.cacheWriteTokens() * cacheWrite
                            + usage.completionTokens() * output)
                    / 1_000_000.0;
        }
    }

    private PriceTable(String asOf, Map<String, Price> prices) {
        this.asOf = asOf;
        this.prices = Map.copyOf(prices);
    }

    /** {@return the table shipped with dspy4j (unverified sample prices: see the class comment)} */
    public static PriceTable defaults() {
        return DEFAULTS;
    }

    /** {@return an empty table (every cost unknown)} */
    public static PriceTable empty() {
        return new PriceTable("", Map.of());
    }

    /**
     * Reads a table from a JSON file (shape in the class comment).
     *
     * @param file the JSON file
     * @return the table it holds
     * @throws IllegalArgumentException naming the file and the entry if it is not such a table
     * @throws UncheckedIOException     if the file cannot be read
     */
    public static PriceTable load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the price table " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@return the date the prices were taken, as written in the table ({@code as_of}), or empty} */
    public String asOf() {
        return asOf;
    }

    /** {@return the models priced, with their prices (unmodifiable)} */
    public Map<String, Price> prices() {
        return prices;
    }

    /**
     * {@return this table with {@code other}'s models added or replacing these; the date is
     * {@code other}'s unless it has none}
     *
     * @param other the table whose prices win
     */
    public PriceTable with(PriceTable other) {
        Map<String, Price> m = new LinkedHashMap<>(prices);
        m.putAll(other.prices);
        return new PriceTable(other.asOf.isEmpty() ? asOf : other.asOf, m);
    }

    /**
     * {@return this table with one model's price added or replaced}
     *
     * @param model the model name, as it appears in responses (no provider prefix)
     * @param price its prices
     */
    public PriceTable with(String model, Price price) {
        Map<String, Price> m = new LinkedHashMap<>(prices);
        m.put(Objects.requireNonNull(model, "model"), Objects.requireNonNull(price, "price"));
        return new PriceTable(asOf, m);
    }

    /**
     * {@return the price of {@code model} (see the class comment for how names match), or null if unknown}
     *
     * @param model a model name, with or without a provider prefix; null gives null
     */
    public Price priceOf(String model) {
        if (model == null) return null;
        String name = model.substring(model.indexOf('/') + 1);
        Price exact = prices.get(name);
        if (exact != null) return exact;
        String best = null;
        for (String k : prices.keySet()) {
            if (isVersionOf(name, k) && (best == null || k.length() > best.length())) best = k;
        }
        return best == null ? null : prices.get(best);
    }

    /** True if {@code name} is {@code base} plus a version: {@code -} then a digit, or {@code -latest}. */
    private static boolean isVersionOf(String name, String base) {
        if (!name.startsWith(base + "-") || name.length() == base.length() + 1) return false;
        String rest = name.substring(base.length() + 1);
        return Character.isDigit(rest.charAt(0)) || rest.equals("latest");
    }

    private static PriceTable loadDefaults() {
        try (InputStream in = PriceTable.class.getResourceAsStream("prices.json")) {
            if (in == null)
                throw new IllegalStateException("the shipped price table dev/dspy4j/lm/prices.json is missing");
            return parse(in, "dev/dspy4j/lm/prices.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PriceTable parse(InputStream in, String where) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("the price table " + where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("models").isObject()) {
            throw new IllegalArgumentException(
                    "the price table " + where
                            + " needs an object \"models\" mapping model names to {\"input\":..., \"output\":...} in USD per million tokens");
        }
        Map<String, Price> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        root.path("models").properties().iterator();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode p = e.getValue();
            String at = "the price table " + where + ", model " + e.getKey();
            double input = number(p, "input", null, at);
            m.put(
                    e.getKey(),
                    new Price(
                            input,
                            number(p, "cached_input", input, at),
                            number(p, "cache_write", input, at),
                            number(p, "output", null, at)));
        }
        return new PriceTable(root.path("as_of").asText(""), m);
    }

    private static double number(JsonNode p, String name, Double dflt, String at) {
        JsonNode n = p.path(name);
        if (n.isMissingNode() || n.isNull()) {
            if (dflt != null) return dflt;
            throw new IllegalArgumentException(
                    at + ": \"" + name + "\" is missing (USD per million tokens, a number >= 0)");
        }
        if (!n.isNumber() || n.asDouble() < 0) {
            throw new IllegalArgumentException(
                    at + ": \"" + name + "\" must be a number >= 0 (USD per million tokens), not " + n);
        }
        return n.asDouble();
    }
}
