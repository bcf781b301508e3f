package dev.dspy4j.state;

import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Signature;
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

    /**
     * Captures a program's state.
     *
     * @param program the program; its LMs are recorded as {@link LmSettings}, never their keys
     * @return the state of every predictor {@link Module#predictors()} names, format {@link Format#DSPY4J}
     */
    public static ProgramState of(Module program) {
        Objects.requireNonNull(program, "program");
        Map<String, PredictorState> m = new LinkedHashMap<>();
        program.predictors().forEach((name, p) -> m.put(name, PredictorState.of(p)));
        return new ProgramState(Format.DSPY4J, program.getClass().getSimpleName(), m, null);
    }

    /**
     * A state built from parts (e.g. to edit a state before saving it).
     *
     * @param program    the program's class name, or null
     * @param predictors the predictors' states by name; copied, in iteration order
     * @return the state, format {@link Format#DSPY4J} and no source file
     */
    public static ProgramState of(String program, Map<String, PredictorState> predictors) {
        return new ProgramState(Format.DSPY4J, program, predictors, null);
    }

    /**
     * Saves a program's state, media as files next to it; see {@link #save(Path, MediaStorage)}.
     *
     * @param program the program
     * @param file    the JSON file, created or atomically replaced
     * @throws ProgramStateException if a predictor or value cannot be saved, or the file cannot be written
     */
    public static void save(Module program, Path file) {
        of(program).save(file, MediaStorage.FILES);
    }

    /**
     * Saves a program's state; see {@link #save(Path, MediaStorage)}.
     *
     * @param program the program
     * @param file    the JSON file, created or atomically replaced
     * @param media   where demo media go: files next to the JSON, or inline data URIs
     * @throws ProgramStateException if a predictor or value cannot be saved, or the file cannot be written
     */
    public static void save(Module program, Path file, MediaStorage media) {
        of(program).save(file, media);
    }

    /**
     * Loads the state in {@code file} onto {@code program} (built in code with the same structure)
     * and returns the loaded program; {@code program} itself is unchanged. LMs stay as the program has them.
     *
     * @param <M>     the program's type
     * @param program the program, built in code
     * @param file    a state file in dspy4j's or DSPy's format
     * @return a copy of {@code program} with the state applied
     * @throws ProgramStateException if the file cannot be read or does not fit the program
     */
    public static <M extends Module> M load(M program, Path file) {
        return read(file).applyTo(program);
    }

    /**
     * Reads and checks a state file in dspy4j's or DSPy's format. An LM base URL recorded in the file
     * is not trusted: it is left out of {@link LmSettings#baseUrl()} and reported by
     * {@link #ignoredBaseUrls()} (use {@link #reader()} to trust it).
     *
     * @param file the file; at most {@link StateLimits#MAX_FILE_BYTES}
     * @return the state, with {@link #source()} set to {@code file}
     * @throws ProgramStateException naming the file, the location and the problem
     */
    public static ProgramState read(Path file) {
        return reader().read(file);
    }

    /** {@return a reader with the default options, e.g. for {@code ProgramState.reader().trustBaseUrl(true).read(file)}} */
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
         *
         * @param on true to use the recorded base URLs
         * @return this reader
         */
        public Reader trustBaseUrl(boolean on) {
            this.trustBaseUrl = on;
            return this;
        }

        /**
         * Reads and checks a state file with this reader's options; see {@link ProgramState#read(Path)}.
         *
         * @param file the file
         * @return the state
         * @throws ProgramStateException naming the file, the location and the problem
         */
        public ProgramState read(Path file) {
            Objects.requireNonNull(file, "file");
            return StateReader.read(file, trustBaseUrl);
        }

        /**
         * Loads a state file onto a program with this reader's options; see {@link ProgramState#load}.
         *
         * @param <M>     the program's type
         * @param program the program, built in code
         * @param file    the file
         * @return a copy of {@code program} with the state applied
         * @throws ProgramStateException if the file cannot be read or does not fit the program
         */
        public <M extends Module> M load(M program, Path file) {
            return read(file).applyTo(program);
        }
    }

    /**
     * Writes this state with media as files in a {@code <name>.media} folder next to it.
     *
     * @param file the JSON file, created or atomically replaced
     * @throws ProgramStateException if a predictor or value cannot be saved, or the file cannot be written
     */
    public void save(Path file) {
        save(file, MediaStorage.FILES);
    }

    /**
     * Writes this state to {@code file} (atomically replacing it). Payload bytes are streamed to the
     * media files or into the JSON; no payload is copied onto the heap.
     *
     * @param file  the JSON file; its folder is created if missing
     * @param media where demo media go
     * @throws ProgramStateException naming the JSON path of a value that cannot be saved (a predictor
     *                               without a signature string, inline media over
     *                               {@link StateLimits#MAX_INLINE_BYTES}), or if a file cannot be written
     */
    public void save(Path file, MediaStorage media) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(media, "media");
        new StateWriter(file, media).write(this);
    }

    /** {@return which format the state was read from ({@link Format#DSPY4J} for a captured state)} */
    public Format format() {
        return format;
    }

    /** {@return the saved program's class name ({@code Predict}, {@code ChainOfThought}, ...), or null} */
    public String program() {
        return program;
    }

    /** {@return the predictors' states by name, in saved order; unmodifiable} */
    public Map<String, PredictorState> predictors() {
        return predictors;
    }

    /** {@return the file this state was read from, or null for a captured or built state} */
    public Path source() {
        return source;
    }

    /**
     * {@return the LM base URLs the file records but that were not trusted (see {@link
     * Reader#trustBaseUrl}), by predictor name; empty if none were ignored}
     */
    public Map<String, String> ignoredBaseUrls() {
        return ignoredBaseUrls;
    }

    /**
     * {@link #applyTo(Module, Function)} keeping every predictor's LM.
     *
     * @param <M>     the program's type
     * @param program a program of the same structure
     * @return a copy of {@code program} with this state applied
     * @throws ProgramStateException naming the predictor and the mismatch
     */
    public <M extends Module> M applyTo(M program) {
        return applyTo(program, null);
    }

    /**
     * {@code program} with this state applied: each named predictor gets the saved instructions, field
     * descriptions and demos (converted to its fields' Java types), and, for dspy4j files, parameters,
     * {@code n} and rollout id. The program's structure must match: the same predictor names and, for
     * dspy4j files, the same signature fields and types.
     *
     * @param <M>     the program's type
     * @param program a program of the same structure; unchanged
     * @param lms makes an LM from a predictor's saved settings, or null to keep the program's LMs;
     *            predictors saved without LM settings keep theirs
     * @return a copy of {@code program} with this state applied
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
     * @return the program; give it an LM with {@code withLm}
     * @throws ProgramStateException if the file has no signature strings (a DSPy file: use
     *         {@link #build(Signature)}) or holds another kind of program
     */
    public Module build() {
        return ProgramBuilder.build(this);
    }

    /**
     * A {@link Predict} (state for {@code self}) or {@link ChainOfThought} (state for {@code predict})
     * over {@code signature}, with this state applied. For files without signature strings, such as DSPy's.
     *
     * @param signature the program's signature; its fields must match the saved ones
     * @return the program, with no LM yet
     * @throws ProgramStateException if the file holds more than one predictor, or one named otherwise
     */
    public Module build(Signature signature) {
        return ProgramBuilder.build(this, signature);
    }

    @Override
    public String toString() {
        return "ProgramState[" + format + (program == null ? "" : ", " + program) + ", predictors="
                + predictors.keySet() + "]";
    }
}
