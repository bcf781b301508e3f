package dev.dspy4j.adapter;

import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;

/**
 * A completion that does not hold the signature's outputs. Keeps the raw completion, the signature,
 * and which fields were missing or could not be parsed (with why).
 */
public final class AdapterParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Signature signature;
    private final String completion;
    private final List<String> missing;
    private final Map<String, String> unparsable;

    private final String problem;

    public AdapterParseException(
            String adapter,
            Signature signature,
            String completion,
            List<String> missing,
            Map<String, String> unparsable) {
        this(adapter, signature, completion, null, missing, unparsable);
    }

    /**
     * @param problem what is wrong with the completion as a whole (e.g. not a JSON object), or null
     */
    public AdapterParseException(
            String adapter,
            Signature signature,
            String completion,
            String problem,
            List<String> missing,
            Map<String, String> unparsable) {
        super(message(adapter, signature, completion, problem, missing, unparsable));
        this.signature = signature;
        this.completion = completion;
        this.problem = problem;
        this.missing = List.copyOf(missing);
        this.unparsable = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(unparsable));
    }

    private static String message(
            String adapter,
            Signature signature,
            String completion,
            String problem,
            List<String> missing,
            Map<String, String> unparsable) {
        StringBuilder sb = new StringBuilder(adapter)
                .append(" could not parse the completion for ")
                .append(signature.name())
                .append(" (")
                .append(signature.toSignatureString())
                .append(")");
        if (problem != null) sb.append(": ").append(problem);
        if (!missing.isEmpty()) sb.append("; missing fields: ").append(String.join(", ", missing));
        unparsable.forEach(
                (k, v) -> sb.append("; field '").append(k).append("': ").append(v));
        String shown = completion.length() > 500 ? completion.substring(0, 500) + "..." : completion;
        return sb.append("\ncompletion was:\n").append(shown).toString();
    }

    public Signature signature() {
        return signature;
    }

    /** The raw completion text. */
    public String completion() {
        return completion;
    }

    /** What is wrong with the completion as a whole, or null if only some fields are. */
    public String problem() {
        return problem;
    }

    /** Output fields that were not found. */
    public List<String> missing() {
        return missing;
    }

    /** Output fields that were found but could not be converted, with the reason. */
    public Map<String, String> unparsable() {
        return unparsable;
    }
}
