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
    /** The raw completion text. */
    private final String completion;
    /** Output fields that were not found. */
    private final List<String> missing;
    /** Output fields found but not converted, with the reason. */
    private final Map<String, String> unparsable;
    /** What is wrong with the completion as a whole, or null. */
    private final String problem;

    /**
     * A completion with missing or unparsable fields. The message names the adapter, the signature,
     * each field and why, and shows the completion's first 500 characters.
     *
     * @param adapter the adapter's name, e.g. {@code ChatAdapter}
     * @param signature the signature the completion was parsed for
     * @param completion the raw completion text
     * @param missing output field names not found; copied
     * @param unparsable output field names found but not converted, each with the reason; copied in order
     */
    public AdapterParseException(
            String adapter,
            Signature signature,
            String completion,
            List<String> missing,
            Map<String, String> unparsable) {
        this(adapter, signature, completion, null, missing, unparsable);
    }

    /**
     * A completion that cannot be parsed as a whole, or only in parts.
     *
     * @param adapter the adapter's name, e.g. {@code JsonAdapter}
     * @param signature the signature the completion was parsed for
     * @param completion the raw completion text
     * @param problem what is wrong with the completion as a whole (e.g. not a JSON object), or null
     * @param missing output field names not found; copied
     * @param unparsable output field names found but not converted, each with the reason; copied in order
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

    /** {@return the signature the completion was parsed for; null after deserialization (not serialized)} */
    public Signature signature() {
        return signature;
    }

    /** {@return the raw completion text, whole} */
    public String completion() {
        return completion;
    }

    /** {@return what is wrong with the completion as a whole, or null if only some fields are} */
    public String problem() {
        return problem;
    }

    /** {@return the output fields that were not found, in signature order} */
    public List<String> missing() {
        return missing;
    }

    /** {@return the output fields that were found but could not be converted, each with the reason} */
    public Map<String, String> unparsable() {
        return unparsable;
    }
}
