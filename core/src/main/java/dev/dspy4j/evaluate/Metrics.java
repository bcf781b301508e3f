package dev.dspy4j.evaluate;

import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Common answer metrics, for question answering in the style of SQuAD: answers are compared after
 * {@link #normalize normalization}. A gold value may be a string or a list of acceptable strings; the
 * best match counts.
 */
public final class Metrics {
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private Metrics() {}

    /**
     * Lower-cases, removes punctuation and the articles {@code a}, {@code an}, {@code the}, and
     * collapses whitespace: {@code "The  Eiffel-Tower!"} becomes {@code "eiffeltower"}. Accents are
     * folded ({@code é} → {@code e}). After DSPy's {@code normalize_text} (the SQuAD normalization), with two
     * differences: DSPy keeps accents (its NFD leaves the combining marks in), and it removes only ASCII
     * punctuation, where this removes every Unicode punctuation mark and math, currency and modifier symbol.
     *
     * @param s the text, or null (normalized to {@code ""})
     * @return the normalized text; never null
     */
    public static String normalize(String s) {
        if (s == null) return "";
        String t = Normalizer.normalize(s, Normalizer.Form.NFD);
        t = MARKS.matcher(t).replaceAll("");
        t = t.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            int type = Character.getType(c);
            boolean punct = type == Character.CONNECTOR_PUNCTUATION
                    || type == Character.DASH_PUNCTUATION
                    || type == Character.START_PUNCTUATION
                    || type == Character.END_PUNCTUATION
                    || type == Character.INITIAL_QUOTE_PUNCTUATION
                    || type == Character.FINAL_QUOTE_PUNCTUATION
                    || type == Character.OTHER_PUNCTUATION
                    || type == Character.MATH_SYMBOL
                    || type == Character.CURRENCY_SYMBOL
                    || type == Character.MODIFIER_SYMBOL;
            if (!punct) sb.append(c);
        }
        t = ARTICLES.matcher(sb).replaceAll(" ");
        return WHITESPACE.matcher(t).replaceAll(" ").trim();
    }

    /**
     * Compares two answers after {@link #normalize normalization}, as DSPy's {@code EM}.
     *
     * @param prediction the predicted answer, or null (as {@code ""})
     * @param gold the gold answer, or null (as {@code ""})
     * @return true if the normalized strings are equal
     */
    public static boolean exactMatch(String prediction, String gold) {
        return normalize(prediction).equals(normalize(gold));
    }

    /**
     * The F1 score of the normalized tokens of {@code prediction} against {@code gold} (bag of words:
     * precision and recall over shared token counts), as DSPy's {@code F1}, except that two empty strings
     * score 1 here (DSPy scores them 0); one empty, 0.
     *
     * @param prediction the predicted answer, or null (as {@code ""})
     * @param gold the gold answer, or null (as {@code ""})
     * @return the F1 score, in [0, 1]
     */
    public static double tokenF1(String prediction, String gold) {
        List<String> p = tokens(prediction);
        List<String> g = tokens(gold);
        if (p.isEmpty() || g.isEmpty()) return p.isEmpty() && g.isEmpty() ? 1.0 : 0.0;
        Map<String, Integer> counts = new HashMap<>();
        for (String t : g) counts.merge(t, 1, Integer::sum);
        int common = 0;
        for (String t : p) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                common++;
                counts.put(t, c - 1);
            }
        }
        if (common == 0) return 0.0;
        double precision = (double) common / p.size();
        double recall = (double) common / g.size();
        return 2 * precision * recall / (precision + recall);
    }

    /**
     * Whether an answer occurs in a passage, both {@link #normalize normalized}, as whole words.
     *
     * @param answer the answer, or null
     * @param passage the passage, or null
     * @return true if the answer appears; false for an answer that normalizes to {@code ""}
     */
    public static boolean answerInPassage(String answer, String passage) {
        String a = normalize(answer);
        if (a.isEmpty()) return false;
        String p = " " + normalize(passage) + " ";
        return p.contains(" " + a + " ");
    }

    /**
     * {@link #exactMatch(String)} on the field {@code answer}, as DSPy's {@code answer_exact_match}.
     *
     * @return the metric
     */
    public static Metric exactMatch() {
        return exactMatch("answer");
    }

    /**
     * Exact match (normalized) of the prediction's {@code field} against the example's {@code field};
     * the gold value may be a list of acceptable answers (1 if any matches).
     *
     * @param field the field name, in both the example and the prediction
     * @return a metric scoring 1 or 0; it throws {@link IllegalArgumentException} naming the field when
     *     the prediction or the example lacks it
     */
    public static Metric exactMatch(String field) {
        Objects.requireNonNull(field, "field");
        return (example, prediction) -> {
            String p = predicted(prediction, field);
            for (String g : golds(example, field)) {
                if (exactMatch(p, g)) return 1.0;
            }
            return 0.0;
        };
    }

    /**
     * {@link #f1(String)} on the field {@code answer}.
     *
     * @return the metric
     */
    public static Metric f1() {
        return f1("answer");
    }

    /**
     * Token F1 ({@link #tokenF1}) of the prediction's {@code field} against the example's; the best
     * over a list of golds.
     *
     * @param field the field name, in both the example and the prediction
     * @return a metric scoring in [0, 1]; it throws {@link IllegalArgumentException} naming the field
     *     when the prediction or the example lacks it
     */
    public static Metric f1(String field) {
        Objects.requireNonNull(field, "field");
        return (example, prediction) -> {
            String p = predicted(prediction, field);
            double best = 0;
            for (String g : golds(example, field)) best = Math.max(best, tokenF1(p, g));
            return best;
        };
    }

    /**
     * 1 if the example's gold {@code answerField} appears (normalized) in any passage of
     * {@code passageField}; passages are read from the prediction if it has that field (e.g. a
     * retriever's output), else from the example. A passage field may hold a string or a list of strings.
     * After DSPy's {@code answer_passage_match}.
     *
     * @param answerField the example's gold answer field (a string or a list of them)
     * @param passageField the field holding the passages
     * @return a metric scoring 1 or 0; it throws {@link IllegalArgumentException} when neither the
     *     prediction nor the example has {@code passageField}, or the example lacks {@code answerField}
     */
    public static Metric passageMatch(String answerField, String passageField) {
        Objects.requireNonNull(answerField, "answerField");
        Objects.requireNonNull(passageField, "passageField");
        return (example, prediction) -> {
            Object passages = prediction.has(passageField) ? prediction.get(passageField) : example.get(passageField);
            if (passages == null) {
                throw new IllegalArgumentException(
                        "passageMatch: neither the prediction nor the example has field '" + passageField + "'");
            }
            for (String passage : strings(passages)) {
                for (String g : golds(example, answerField)) {
                    if (answerInPassage(g, passage)) return 1.0;
                }
            }
            return 0.0;
        };
    }

    /**
     * {@link #passageMatch(String, String)} for fields {@code answer} and {@code context}.
     *
     * @return the metric
     */
    public static Metric passageMatch() {
        return passageMatch("answer", "context");
    }

    private static List<String> tokens(String s) {
        String n = normalize(s);
        return n.isEmpty() ? List.of() : List.of(n.split(" "));
    }

    private static String predicted(Prediction prediction, String field) {
        if (!prediction.has(field)) {
            throw new IllegalArgumentException(
                    "the prediction has no field '" + field + "'; it has " + prediction.keys());
        }
        return prediction.getString(field);
    }

    private static List<String> golds(Example example, String field) {
        if (!example.has(field)) {
            throw new IllegalArgumentException(
                    "the example has no gold field '" + field + "'; it has " + example.keys());
        }
        return strings(example.get(field));
    }

    private static List<String> strings(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof Collection<?> c) {
            for (Object o : c) out.add(o == null ? "" : o.toString());
        } else {
            out.add(v == null ? "" : v.toString());
        }
        return out;
    }
}
