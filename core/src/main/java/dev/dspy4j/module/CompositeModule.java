package dev.dspy4j.module;

/**
 * A base class for programs written as a class whose fields hold modules: it gets
 * {@link #predictors()} and {@link #withPredictors} without hand-written code, as a record holding
 * modules does. Predictors are named by field path ({@code draft.predict}, {@code answer.self},
 * {@code steps[0].self} for a {@code List} of modules); {@code withPredictors} returns a shallow copy
 * with the fields that hold replaced modules set anew (final fields included), so keep the program's
 * other state immutable.
 *
 * <pre>{@code
 * class Rag extends CompositeModule {
 *     final ChainOfThought draft = ChainOfThought.of("question -> notes");
 *     final Predict answer = Predict.of("question, notes -> answer");
 *     public Prediction call(Map<String, ?> in) {
 *         String notes = draft.call(in).getString("notes");
 *         return answer.call(Map.of("question", in.get("question"), "notes", notes));
 *     }
 * }
 * }</pre>
 */
public abstract class CompositeModule implements Module, Cloneable {

    /** For subclasses, which hold their modules in fields. */
    protected CompositeModule() {}

    /** A field-by-field copy of this program (the modules in it are shared, being immutable). */
    final Module shallowCopy() {
        try {
            return (Module) super.clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError("CompositeModule is Cloneable", e);
        }
    }
}
