package dev.dspy4j.state;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.signature.SignatureException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Makes a program from a state file alone ({@link ProgramState#build()}): a single {@link Predict}
 * (predictor {@code self}) or {@link ChainOfThought} (predictor {@code predict}) over the saved or given
 * signature, with the saved adapter (by its class name) and the state applied. Any other program is
 * built in code and loaded with {@link ProgramState#load}.
 */
final class ProgramBuilder {
    private ProgramBuilder() {}

    /** See {@link ProgramState#build()}. */
    static Module build(ProgramState state) {
        Path source = state.source();
        Map.Entry<String, PredictorState> only = onlyPredictor(
                state,
                "only a single Predict or ChainOfThought can be built from a file, so build this program in "
                        + "code and call ProgramState.load(program, file)");
        PredictorState s = only.getValue();
        String at = "$.predictors." + only.getKey();
        if (s.signature() == null) {
            throw new ProgramStateException(
                    source,
                    at,
                    "has no signature string (DSPy files do not record one); "
                            + "give the signature, e.g. build(Signature.parse(\"question -> answer\"))");
        }
        Signature sig;
        try {
            sig = Signature.parse(s.signature(), s.instructions());
        } catch (SignatureException e) {
            throw new ProgramStateException(source, at + ".signature.string", e.getMessage(), e);
        }
        if (s.signatureName() != null) {
            sig = Signature.of(s.signatureName(), sig.instructions(), sig.inputs(), sig.outputs());
        }
        Module program = skeleton(source, only.getKey(), sig, at);
        if (s.adapter() != null) {
            Adapter adapter = adapter(source, s.adapter(), s.jsonFallback(), at + ".adapter");
            program = program.mapPredictors(p -> p.withAdapter(adapter));
        }
        return state.applyTo(program);
    }

    /** See {@link ProgramState#build(Signature)}. */
    static Module build(ProgramState state, Signature signature) {
        Objects.requireNonNull(signature, "signature");
        String name = onlyPredictor(state, "build this program in code and call ProgramState.load(program, file)")
                .getKey();
        return state.applyTo(skeleton(state.source(), name, signature, "$." + name));
    }

    /**
     * The state's one predictor (name and state); a file with any other count is refused, the message
     * ending with {@code advice}.
     */
    private static Map.Entry<String, PredictorState> onlyPredictor(ProgramState state, String advice) {
        Map<String, PredictorState> predictors = state.predictors();
        if (predictors.size() != 1) {
            throw new ProgramStateException(
                    state.source(),
                    "$",
                    "holds " + predictors.size() + " predictors " + predictors.keySet() + "; " + advice);
        }
        return predictors.entrySet().iterator().next();
    }

    private static Module skeleton(Path source, String name, Signature sig, String at) {
        if (name.equals("self")) return Predict.of(sig);
        if (name.equals("predict")) return ChainOfThought.of(sig);
        throw new ProgramStateException(
                source,
                at,
                "a predictor named '" + name + "' belongs to a program that must be "
                        + "built in code (a single Predict is named 'self', a ChainOfThought 'predict')");
    }

    /** An adapter from its saved class name (and, for a ChatAdapter, its JSON fallback setting). */
    private static Adapter adapter(Path source, String name, Boolean jsonFallback, String at) {
        switch (name) {
            case "ChatAdapter":
                return jsonFallback == null || jsonFallback
                        ? ChatAdapter.create()
                        : ChatAdapter.builder().jsonFallback(false).build();
            case "JsonAdapter":
                return dev.dspy4j.adapter.JsonAdapter.create();
            case "XmlAdapter":
                return dev.dspy4j.adapter.XmlAdapter.create();
            default:
                throw new ProgramStateException(
                        source,
                        at,
                        "unknown adapter '" + name
                                + "'; a program with a custom adapter must be built in code and loaded with ProgramState.load");
        }
    }
}
