package dev.dspy4j.state;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.signature.SignatureException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The learned state of a program: for each predictor (by the name {@link Module#predictors()}
 * gives it), its signature with instructions and field descriptions, its demos, parameters and LM
 * settings (never an API key). Immutable.
 *
 * <p>Saving and loading work like DSPy's {@code save}/{@code load}: the program's structure lives in
 * code, the state in a file. {@link #load} applies a saved state onto a freshly built program of
 * the same shape; {@link #build()} makes a {@link Predict} or {@link ChainOfThought} straight from a
 * file. A program saved and loaded again formats byte-identical prompts.
 *
 * <pre>{@code
 * ProgramState.save(optimized, Path.of("classify.json"));                        // media as files next to it
 * ProgramState.save(optimized, Path.of("classify.json"), MediaStorage.INLINE);   // media as data URIs
 * var classify = ProgramState.load(Predict.of(Classify.class).withLm(lm), Path.of("classify.json"));
 * var fromDspy = ProgramState.load(Predict.of("question -> answer"), Path.of("dspy_program.json"));
 * }</pre>
 *
 * <p>{@link #read} accepts both dspy4j's format and the JSON state written by Python DSPy (2.6 or
 * later), and checks the whole file: every problem is reported as a {@link ProgramStateException}
 * naming the file, the JSON path and what is wrong (missing key, wrong type, unknown key or field,
 * unreadable or altered media file).
 */
public final class ProgramState {
    /** The version of dspy4j's state format written by {@link #save}. */
    public static final int VERSION = 1;

    /** Which program wrote a state file. */
    public enum Format {
        /** dspy4j's own format. */
        DSPY4J,
        /** Python DSPy's {@code module.save("x.json")} format. */
        DSPY
    }

    private final Format format;
    private final String program;
    private final Map<String, PredictorState> predictors;
    private final Path source;
    private final Map<String, String> ignoredBaseUrls;

    ProgramState(Format format, String program, Map<String, PredictorState> predictors, Path source) {
        this(format, program, predictors, source, Map.of());
    }

    ProgramState(
            Format format,
            String program,
            Map<String, PredictorState> predictors,
            Path source,
            Map<String, String> ignoredBaseUrls) {
        this.format = Objects.requireNonNull(format, "format");
        this.program = program;
        this.predictors = Collections.unmodifiableMap(new LinkedHashMap<>(predictors));
        this.source = source;
        this.ignoredBaseUrls = Collections.unmodifiableMap(new LinkedHashMap<>(ignoredBaseUrls));
    }

    /** The state of {@code program}: every predictor it exposes. */
    public static ProgramState of(Module program) {
        Objects.requireNonNull(program, "program");
        Map<String, PredictorState> m = new LinkedHashMap<>();
        program.predictors().forEach((name, p) -> m.put(name, PredictorState.of(p)));
        return new ProgramState(Format.DSPY4J, program.getClass().getSimpleName(), m, null);
    }

    /** A state built from parts (e.g. to edit a state before saving it). */
    public static ProgramState of(String program, Map<String, PredictorState> predictors) {
        return new ProgramState(Format.DSPY4J, program, predictors, null);
    }

    /** Saves {@code program}'s state to {@code file}, media as files next to it. */
    public static void save(Module program, Path file) {
        of(program).save(file, MediaStorage.FILES);
    }

    /** Saves {@code program}'s state to {@code file}, media stored as chosen. */
    public static void save(Module program, Path file, MediaStorage media) {
        of(program).save(file, media);
    }

    /**
     * Loads the state in {@code file} onto {@code program} (built in code with the same structure)
     * and returns the loaded program; {@code program} itself is unchanged. LMs stay as the program has them.
     */
    public static <M extends Module> M load(M program, Path file) {
        return read(file).applyTo(program);
    }

    /**
     * Reads and checks a state file in dspy4j's or DSPy's format. An LM base URL recorded in the file
     * is not trusted: it is left out of {@link LmSettings#baseUrl()} and reported by
     * {@link #ignoredBaseUrls()} (use {@link #reader()} to trust it).
     *
     * @throws ProgramStateException naming the file, the location and the problem
     */
    public static ProgramState read(Path file) {
        return reader().read(file);
    }

    /** A reader with options, e.g. {@code ProgramState.reader().trustBaseUrl(true).read(file)}. */
    public static Reader reader() {
        return new Reader();
    }

    /**
     * Reads state files with options. A state file is shared like code but trusted less: by default the
     * LM base URL it records is ignored, because the API key comes from the user's environment, and a
     * file that chose the host could have the key sent to a server of its author's choosing (Python
     * DSPy's saved {@code api_base} is ignored for the same reason).
     */
    public static final class Reader {
        private boolean trustBaseUrl;

        private Reader() {}

        /**
         * Whether a dspy4j file's {@code lm.base_url} is used (default false: it is reported by
         * {@link ProgramState#ignoredBaseUrls()} and left out of the {@link LmSettings}). Turn on only
         * for files you wrote or trust: the key in your environment is sent to that URL.
         */
        public Reader trustBaseUrl(boolean on) {
            this.trustBaseUrl = on;
            return this;
        }

        /** See {@link ProgramState#read(Path)}. */
        public ProgramState read(Path file) {
            Objects.requireNonNull(file, "file");
            return StateReader.read(file, trustBaseUrl);
        }

        /** See {@link ProgramState#load(Module, Path)}. */
        public <M extends Module> M load(M program, Path file) {
            return read(file).applyTo(program);
        }
    }

    /** Writes this state to {@code file} with media as files in a {@code <name>.media} folder next to it. */
    public void save(Path file) {
        save(file, MediaStorage.FILES);
    }

    /**
     * Writes this state to {@code file} (atomically replacing it). Payload bytes are streamed to the
     * media files or into the JSON; no payload is copied onto the heap.
     */
    public void save(Path file, MediaStorage media) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(media, "media");
        new StateWriter(file, media).write(this);
    }

    /** Which format the state was read from ({@link Format#DSPY4J} for a captured state). */
    public Format format() {
        return format;
    }

    /** The saved program's class name ({@code Predict}, {@code ChainOfThought}, ...), or null if not recorded. */
    public String program() {
        return program;
    }

    /** The predictors' states by name, in saved order. */
    public Map<String, PredictorState> predictors() {
        return predictors;
    }

    /** The file this state was read from, or null. */
    public Path source() {
        return source;
    }

    /**
     * The LM base URLs the file records but that were not trusted (see {@link Reader#trustBaseUrl}),
     * by predictor name; empty if none were ignored.
     */
    public Map<String, String> ignoredBaseUrls() {
        return ignoredBaseUrls;
    }

    /** {@link #applyTo(Module, Function)} keeping every predictor's LM. */
    public <M extends Module> M applyTo(M program) {
        return applyTo(program, null);
    }

    /**
     * {@code program} with this state applied: each named predictor gets the saved instructions, field
     * descriptions and demos (converted to its fields' Java types), and, for dspy4j files, parameters,
     * {@code n} and rollout id. The program's structure must match: the same predictor names and, for
     * dspy4j files, the same signature fields and types.
     *
     * @param lms makes an LM from a predictor's saved settings, or null to keep the program's LMs;
     *            predictors saved without LM settings keep theirs
     * @throws ProgramStateException naming the predictor and the mismatch
     */
    @SuppressWarnings("unchecked")
    public <M extends Module> M applyTo(M program, Function<LmSettings, LanguageModel> lms) {
        Objects.requireNonNull(program, "program");
        Map<String, Predict> current = program.predictors();
        for (String name : predictors.keySet()) {
            if (!current.containsKey(name)) {
                throw new ProgramStateException(
                        source,
                        "$." + name,
                        "the file has state for predictor '" + name
                                + "', which the program does not have; its predictors are " + current.keySet());
            }
        }
        Map<String, Predict> replaced = new LinkedHashMap<>();
        PredictorApplier applier = new PredictorApplier(format, source);
        for (Map.Entry<String, Predict> e : current.entrySet()) {
            PredictorState s = predictors.get(e.getKey());
            if (s == null) {
                throw new ProgramStateException(
                        source,
                        null,
                        "the file has no state for predictor '" + e.getKey() + "'; it has " + predictors.keySet());
            }
            replaced.put(e.getKey(), applier.apply(e.getKey(), e.getValue(), s, lms));
        }
        return (M) program.withPredictors(replaced);
    }

    /**
     * A program made from this state alone: a {@link Predict} (one predictor named {@code self}) or a
     * {@link ChainOfThought} (one named {@code predict}) with the saved signature, adapter, demos and
     * parameters, and no LM yet.
     *
     * @throws ProgramStateException if the file has no signature strings (a DSPy file: use
     *         {@link #build(Signature)}) or holds another kind of program
     */
    public Module build() {
        if (predictors.size() != 1) {
            throw new ProgramStateException(
                    source,
                    "$",
                    "holds " + predictors.size() + " predictors " + predictors.keySet()
                            + "; only a single Predict or ChainOfThought can be built from a file, so build this program in "
                            + "code and call ProgramState.load(program, file)");
        }
        Map.Entry<String, PredictorState> only =
                predictors.entrySet().iterator().next();
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
        Module program = skeleton(only.getKey(), sig, at);
        if (s.adapter() != null) {
            Adapter adapter = adapter(s.adapter(), s.jsonFallback(), at + ".adapter");
            program = program.mapPredictors(p -> p.withAdapter(adapter));
        }
        return applyTo(program);
    }

    /**
     * A {@link Predict} (state for {@code self}) or {@link ChainOfThought} (state for {@code predict})
     * over {@code signature}, with this state applied. For files without signature strings, such as DSPy's.
     */
    public Module build(Signature signature) {
        Objects.requireNonNull(signature, "signature");
        if (predictors.size() != 1) {
            throw new ProgramStateException(
                    source,
                    "$",
                    "holds " + predictors.size() + " predictors " + predictors.keySet()
                            + "; build this program in code and call ProgramState.load(program, file)");
        }
        String name = predictors.keySet().iterator().next();
        return applyTo(skeleton(name, signature, "$." + name));
    }

    private Module skeleton(String name, Signature sig, String at) {
        if (name.equals("self")) return Predict.of(sig);
        if (name.equals("predict")) return ChainOfThought.of(sig);
        throw new ProgramStateException(
                source,
                at,
                "a predictor named '" + name + "' belongs to a program that must be "
                        + "built in code (a single Predict is named 'self', a ChainOfThought 'predict')");
    }

    /** An adapter from its saved class name (and, for a ChatAdapter, its JSON fallback setting). */
    private Adapter adapter(String name, Boolean jsonFallback, String at) {
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

    @Override
    public String toString() {
        return "ProgramState[" + format + (program == null ? "" : ", " + program) + ", predictors="
                + predictors.keySet() + "]";
    }
}
