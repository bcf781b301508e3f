package dev.dspy4j.spark;

import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Signature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The programs built in this JVM, one per run key (the program's digest and the run's LM and cache
 * settings): the first task of a run on an executor fetches the broadcast program, writes it to a
 * local folder, opens the cache and makes the LM; every later task and row of that run in this JVM
 * reuses them. Entries live as long as the JVM (an executor's lifetime).
 */
final class ExecutorPrograms {
    private static final Logger log = LoggerFactory.getLogger(ExecutorPrograms.class);
    private static final ConcurrentHashMap<String, Loaded> LOADED = new ConcurrentHashMap<>();
    private static final AtomicInteger BUILDS = new AtomicInteger();
    private static Path root;

    private ExecutorPrograms() {}

    /** A program ready to run rows: with its LM, its signature and the cache its rows use (null for none). */
    record Loaded(Module program, Signature signature, RowCache cache) {}

    /** The program of {@code key}, built on first use in this JVM from {@code bundle}. */
    static Loaded get(String key, Supplier<ProgramBundle> bundle, LmFactory lm, CacheFactory cache) {
        return LOADED.computeIfAbsent(key, k -> build(bundle.get(), lm, cache));
    }

    /** How many programs this JVM has built (for tests: once per run, not per task). */
    static int builds() {
        return BUILDS.get();
    }

    private static Loaded build(ProgramBundle bundle, LmFactory lm, CacheFactory cacheFactory) {
        Module program = bundle.build(root());
        RowCache cache = null;
        if (cacheFactory != null) {
            try {
                cache = new RowCache(cacheFactory.open());
            } catch (RuntimeException e) {
                log.warn(
                        "the response cache cannot be opened on this executor ({}); running without it",
                        e.getMessage());
            }
        }
        ResponseCache forLm = cache;
        Module withLm = program.withLm(lm.create(forLm));
        BUILDS.incrementAndGet();
        return new Loaded(withLm, predictor(withLm).signature(), cache);
    }

    /** The predictor whose signature is the program's: a Predict itself, a ChainOfThought's inner one. */
    static Predict predictor(Module program) {
        if (program instanceof Predict p) return p;
        if (program instanceof ChainOfThought c) return c.predict();
        return program.predictors().values().iterator().next();
    }

    private static synchronized Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("dspy4j-spark-programs-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a folder for the program: " + e.getMessage(), e);
            }
            Path dir = root;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(() -> ProgramBundle.deleteTree(dir), "dspy4j-spark-cleanup"));
        }
        return root;
    }
}
