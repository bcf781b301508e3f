package dev.dspy4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.adapter.AdapterParseException;
import dev.dspy4j.cache.Caches;
import dev.dspy4j.cache.ResponseCache;
import dev.dspy4j.cache.TieredCache;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.signature.SignatureException;
import dev.dspy4j.state.LmSettings;
import dev.dspy4j.state.PredictorState;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.state.ProgramStateException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dspy4j run}: runs a saved program over a JSONL dataset, one output row per input row, in
 * input order. A row that cannot be read or whose call fails gets an error in its output row; the
 * run goes on. Responses are cached on disk, so a rerun is served from the cache.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a saved program over a JSONL dataset.",
                "Each input line is a JSON object of input values; a media field holds a path (relative to the "
                        + "dataset file), an http(s) URL or a data: URI. Each output line is "
                        + "{\"row\":N,\"outputs\":{...},\"cached\":bool} or {\"row\":N,\"error\":\"...\",\"error_type\":...}."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--program", required = true, paramLabel = "P.json",
            description = "The program's state file (dspy4j's, or DSPy's with --signature).")
    Path program;

    @Option(names = "--data", required = true, paramLabel = "D.jsonl", description = "Input rows, one JSON object per line.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "O.jsonl", description = "Where to write the output rows.")
    Path out;

    @Option(names = "--lm", paramLabel = "PROVIDER/MODEL",
            description = "The LM, e.g. openai/gpt-4o-mini or anthropic/claude-sonnet-4-5 (default: the program file's).")
    String lm;

    @Option(names = "--api-base", paramLabel = "URL", description = "The API base URL (default: the provider's).")
    String apiBase;

    @Option(names = "--trust-program-base-url",
            description = "Use the API base URL recorded in the program file (off by default: your API key would be sent "
                    + "to a host the file chose).")
    boolean trustProgramBaseUrl;

    @Option(names = "--api-key-env", paramLabel = "NAME",
            description = "The environment variable holding the API key (default: OPENAI_API_KEY or ANTHROPIC_API_KEY).")
    String apiKeyEnv;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "The response cache directory (default: $DSPY4J_CACHE_DIR or ~/.dspy4j/cache).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Do not read or write the response cache.")
    boolean noCache;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4", description = "Rows run at once (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--signature", paramLabel = "SIG",
            description = "The signature, e.g. \"question -> answer\", for state files that do not record it (DSPy's).")
    String signature;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (threads < 1) {
            err.println("dspy4j run: --threads must be at least 1");
            return 2;
        }
        Module prog;
        LmSettings saved;
        try {
            ProgramState state = ProgramState.reader().trustBaseUrl(trustProgramBaseUrl).read(program);
            if (apiBase == null && !state.ignoredBaseUrls().isEmpty()) {
                err.println("ignoring the base URL recorded in " + program + " (" + state.ignoredBaseUrls().values()
                        .iterator().next() + "): a program file does not choose where your API key is sent; pass "
                        + "--api-base URL or --trust-program-base-url to use it");
            }
            if (state.format() == ProgramState.Format.DSPY || signature != null) {
                if (signature == null) {
                    err.println("dspy4j run: " + program + " is a DSPy state file, which does not record the signature; "
                            + "pass it with --signature \"inputs -> outputs\"");
                    return 2;
                }
                prog = state.build(Signature.parse(signature));
            } else {
                prog = state.build();
            }
            saved = state.predictors().values().stream().map(PredictorState::lm).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(null);
        } catch (ProgramStateException | SignatureException e) {
            err.println("dspy4j run: " + e.getMessage());
            return 2;
        }
        String provider;
        String model;
        Map<String, Object> params = saved == null ? Map.of() : saved.params();
        if (lm != null) {
            int slash = lm.indexOf('/');
            if (slash <= 0 || slash == lm.length() - 1) {
                err.println("dspy4j run: --lm must be PROVIDER/MODEL, e.g. openai/gpt-4o-mini, not '" + lm + "'");
                return 2;
            }
            provider = lm.substring(0, slash);
            model = lm.substring(slash + 1);
        } else if (saved != null) {
            provider = saved.provider() == null ? "openai" : saved.provider();
            model = saved.model();
        } else {
            err.println("dspy4j run: " + program + " records no LM; pass --lm PROVIDER/MODEL");
            return 2;
        }
        String baseUrl = apiBase;
        if (baseUrl == null && saved != null && saved.baseUrl() != null) {
            baseUrl = saved.baseUrl();
            err.println("using the base URL recorded in " + program + ": " + baseUrl);
        }
        if (!Files.isRegularFile(data)) {
            err.println("dspy4j run: dataset " + data + " does not exist");
            return 2;
        }
        if (out.toAbsolutePath().normalize().equals(data.toAbsolutePath().normalize())
                || Files.exists(out) && Files.isSameFile(out, data)) {
            // opening the output would truncate the rows before they are read
            err.println("dspy4j run: --out " + out + " is the dataset itself; write the output to another file");
            return 2;
        }
        ResponseCache cache = noCache ? null : TieredCache.open(cacheDir != null ? cacheDir : Caches.defaultDirectory());
        try {
            LanguageModel client;
            try {
                client = Providers.create(provider, model, baseUrl, apiKeyEnv, params, cache);
            } catch (Providers.UsageException | IllegalArgumentException | IllegalStateException e) {
                err.println("dspy4j run: " + e.getMessage());
                return 2;
            }
            return runRows(prog.withLm(client), inputFields(prog), err);
        } finally {
            if (cache != null) cache.close();
        }
    }

    private static List<Field> inputFields(Module prog) {
        if (prog instanceof Predict p) return p.signature().inputs();
        if (prog instanceof ChainOfThought c) return c.predict().signature().inputs();
        return prog.predictors().values().iterator().next().signature().inputs();
    }

    private int runRows(Module prog, List<Field> inputs, PrintWriter err) throws IOException, InterruptedException {
        long total = 0;
        try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String line;
            for (long lineNo = 1; (line = in.readLine()) != null; lineNo++) {
                if (rowText(lineNo, line) != null) total++;
            }
        }
        Dataset dataset = new Dataset(data);
        Progress progress = new Progress(err, total, System.console() != null);
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong cached = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dspy4j-run");
            t.setDaemon(true);
            return t;
        });
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        long t0 = System.nanoTime();
        try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8);
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            Deque<Future<String>> pending = new ArrayDeque<>();
            String line;
            long lineNo = 0;
            progress.update(0, 0, 0);
            while ((line = in.readLine()) != null) {
                lineNo++;
                String text = rowText(lineNo, line);
                if (text == null) continue;
                long row = lineNo;
                pending.add(pool.submit(() -> {
                    ObjectNode result = row(prog, inputs, dataset, row, text);
                    if (result.has("error")) errors.incrementAndGet();
                    if (result.path("cached").asBoolean(false)) cached.incrementAndGet();
                    progress.update(done.incrementAndGet(), errors.get(), cached.get());
                    return Jsons.MAPPER.writeValueAsString(result);
                }));
                while (pending.size() >= threads * 4) write(w, pending.poll());
            }
            while (!pending.isEmpty()) write(w, pending.poll());
        } finally {
            pool.shutdownNow();
        }
        progress.update(total, errors.get(), cached.get());
        double secs = (System.nanoTime() - t0) / 1e9;
        err.printf("%d rows: %d ok, %d errors, %d from the cache, %.1f s; output in %s%n", total, total - errors.get(),
                errors.get(), cached.get(), secs, out);
        err.flush();
        return 0;
    }

    /** The row on a line, or null for a blank line; a byte order mark before the first line is dropped. */
    private static String rowText(long lineNo, String line) {
        String text = lineNo == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
        return text.isBlank() ? null : text;
    }

    private static void write(BufferedWriter w, Future<String> f) throws IOException, InterruptedException {
        try {
            w.write(f.get());
        } catch (ExecutionException e) {
            throw new IllegalStateException("a row failed unexpectedly: " + e.getCause(), e.getCause());
        }
        w.newLine();
    }

    /** Runs one row; never throws for a problem with the row or its call. */
    static ObjectNode row(Module prog, List<Field> inputs, Dataset dataset, long row, String line) {
        ObjectNode out = Jsons.MAPPER.createObjectNode();
        out.put("row", row);
        JsonNode node;
        try {
            node = Jsons.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return error(out, "input", "the line is not valid JSON: " + e.getOriginalMessage());
        }
        if (node != null && node.isObject() && node.has("id")) out.set("id", node.get("id"));
        Map<String, Object> values;
        try {
            values = dataset.inputs(node, inputs);
        } catch (Dataset.RowException e) {
            return error(out, "input", e.getMessage());
        }
        try {
            Prediction p = prog.call(values);
            out.set("outputs", Jsons.MAPPER.valueToTree(p.toMap()));
            out.put("cached", p.cacheHit());
            return out;
        } catch (PayloadException e) {
            return error(out, "input", e.getMessage());
        } catch (AdapterParseException e) {
            return error(out, "parse", e.getMessage());
        } catch (LmException e) {
            return error(out, "lm", e.getMessage());
        } catch (RuntimeException e) {
            return error(out, "error", e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static ObjectNode error(ObjectNode out, String type, String message) {
        out.put("error", message);
        out.put("error_type", type);
        return out;
    }
}
