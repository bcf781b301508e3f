package dev.dspy4j.spark;

import dev.dspy4j.media.Digest;
import dev.dspy4j.module.Module;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.signature.SignatureException;
import dev.dspy4j.state.LmSettings;
import dev.dspy4j.state.MediaStorage;
import dev.dspy4j.state.PredictorState;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.state.ProgramStateException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A program file and its media as bytes: what the driver broadcasts to the executors, once per run.
 * The driver reads and checks the file (so a bad program fails before any task starts), writes the
 * built program back in dspy4j's format with its demo media as files ({@link MediaStorage#FILES},
 * named by their SHA-256), and keeps those bytes. An executor writes them to a local folder once per
 * JVM and reads the program from there, so demo payloads are file-backed on the executor as well.
 *
 * <p>The {@link #digest()} is SHA-256 over the JSON and the media file names (which are the media
 * digests): it names the program for the per-JVM holder without hashing payload bytes again.
 */
public final class ProgramBundle implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String JSON_NAME = "program.json";
    private static final String MEDIA_DIR = "program.media";

    /** SHA-256 (hex) over {@link #json} and the media names; see {@link #digest()}. */
    private final String digest;
    /** The program file as dspy4j saves it (UTF-8 JSON), naming its media files. */
    private final byte[] json;
    /** The demo media files: file name (the payload's digest and extension) to bytes, sorted by name. */
    private final TreeMap<String, byte[]> media;

    private final transient LmSettings savedLm;
    private final transient Module program;

    @SuppressWarnings("NonApiType") // stored as is in a field whose type must be Serializable (the bundle is broadcast)
    private ProgramBundle(
            String digest, byte[] json, TreeMap<String, byte[]> media, LmSettings savedLm, Module program) {
        this.digest = digest;
        this.json = json;
        this.media = media;
        this.savedLm = savedLm;
        this.program = program;
    }

    /**
     * Reads {@code file} as {@code dspy4j run} does.
     *
     * @param signature    the signature for a state file that does not record one (DSPy's), or null
     * @param trustBaseUrl whether an LM base URL recorded in the file is kept (see {@link ProgramState.Reader})
     * @param file         a program state file, dspy4j's or DSPy's JSON
     * @return the bundle, with the LM settings the file records as {@link #savedLm()}
     * @throws IllegalArgumentException naming the file and the problem, for a file that cannot be read or built
     * @throws UncheckedIOException if the program cannot be written to a temporary folder to bundle it
     */
    public static ProgramBundle read(Path file, String signature, boolean trustBaseUrl) {
        Objects.requireNonNull(file, "file");
        try {
            ProgramState state =
                    ProgramState.reader().trustBaseUrl(trustBaseUrl).read(file);
            Module program;
            if (state.format() == ProgramState.Format.DSPY || signature != null) {
                if (signature == null) {
                    throw new IllegalArgumentException(
                            file + " is a DSPy state file, which does not record the signature; "
                                    + "give it (--signature \"inputs -> outputs\")");
                }
                program = state.build(Signature.parse(signature));
            } else {
                program = state.build();
            }
            LmSettings saved = state.predictors().values().stream()
                    .map(PredictorState::lm)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse(null);
            return of(program, saved);
        } catch (ProgramStateException | SignatureException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Bundles a program built in code (its LM is not part of it).
     *
     * @param program the program, with its demos
     * @return the bundle; {@link #savedLm()} is null
     * @throws UncheckedIOException if the program cannot be written to a temporary folder to bundle it
     */
    public static ProgramBundle of(Module program) {
        return of(program, null);
    }

    private static ProgramBundle of(Module program, LmSettings savedLm) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("dspy4j-spark-bundle-");
            Path json = dir.resolve(JSON_NAME);
            ProgramState.of(program).save(json, MediaStorage.FILES);
            byte[] jsonBytes = Files.readAllBytes(json);
            TreeMap<String, byte[]> media = new TreeMap<>();
            Path mediaDir = dir.resolve(MEDIA_DIR);
            if (Files.isDirectory(mediaDir)) {
                try (Stream<Path> files = Files.list(mediaDir)) {
                    for (Path f : (Iterable<Path>) files::iterator)
                        media.put(f.getFileName().toString(), Files.readAllBytes(f));
                }
            }
            MessageDigest md = Digest.sha256();
            md.update(jsonBytes);
            for (String name : media.keySet()) md.update(("\n" + name).getBytes(StandardCharsets.UTF_8));
            return new ProgramBundle(Digest.of(md.digest()).hex(), jsonBytes, media, savedLm, program);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bundle the program for the executors: " + e.getMessage(), e);
        } finally {
            if (dir != null) deleteTree(dir);
        }
    }

    /** {@return SHA-256 (64 lower-case hex digits) over the program JSON and its media names} */
    public String digest() {
        return digest;
    }

    /** {@return the number of demo media files shipped with the program} */
    public int mediaCount() {
        return media.size();
    }

    /** {@return the program as the driver built it; null on an executor (not shipped)} */
    public Module program() {
        return program;
    }

    /**
     * {@return the LM settings the program file records; null if none, if not read from a file, or on an
     * executor (not shipped)}
     */
    public LmSettings savedLm() {
        return savedLm;
    }

    /**
     * Writes the program into {@code root}/{@link #digest()} (once: an existing complete copy is
     * reused) and builds it, without an LM.
     */
    Module build(Path root) {
        Path dir = root.resolve(digest);
        try {
            if (!Files.isRegularFile(dir.resolve(JSON_NAME))) {
                Files.createDirectories(root);
                Path tmp = Files.createTempDirectory(root, digest + ".tmp");
                Files.createDirectories(tmp.resolve(MEDIA_DIR));
                for (Map.Entry<String, byte[]> e : media.entrySet())
                    Files.write(tmp.resolve(MEDIA_DIR).resolve(e.getKey()), e.getValue());
                Files.write(tmp.resolve(JSON_NAME), json);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    deleteTree(tmp); // another thread wrote the same bytes first
                } catch (IOException e) {
                    if (!Files.isRegularFile(dir.resolve(JSON_NAME))) throw e;
                    deleteTree(tmp);
                }
            }
            return ProgramState.read(dir.resolve(JSON_NAME)).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the program to " + dir + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temporary folder
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
