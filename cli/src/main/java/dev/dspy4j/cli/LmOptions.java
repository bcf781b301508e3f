package dev.dspy4j.cli;

import dev.dspy4j.cache.Caches;
import dev.dspy4j.cache.DiskCache;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.module.Module;
import dev.dspy4j.redis.RedisCache;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.signature.SignatureException;
import dev.dspy4j.state.LmSettings;
import dev.dspy4j.state.PredictorState;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.state.ProgramStateException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Option;

/**
 * The options of every command that loads a program and calls its LM ({@code run}, {@code inspect},
 * {@code evaluate}, {@code optimize}): which program, which LM and server, timeouts and retries,
 * the response cache, and how much is logged.
 */
final class LmOptions {

    /** Thrown for a problem the user must fix; the command prints the message and exits 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** What to do when the response cache cannot be opened. */
    enum CacheErrors {
        warn,
        fail
    }

    @Option(
            names = "--signature",
            paramLabel = "SIG",
            description = "The signature, e.g. \"question -> answer\", for state files that do not record it (DSPy's).")
    String signature;

    @Option(
            names = "--lm",
            paramLabel = "PROVIDER/MODEL",
            description = "The LM, e.g. openai/gpt-4o-mini, openai-responses/gpt-5-mini (the Responses API) or "
                    + "anthropic/claude-sonnet-4-5 (default: the program file's).")
    String lm;

    @Option(
            names = "--api-base",
            paramLabel = "URL",
            description = "The API base URL, e.g. http://127.0.0.1:8000/v1 for a local OpenAI-compatible server "
                    + "(default: the provider's; see --trust-program-base-url).")
    String apiBase;

    @Option(
            names = "--trust-program-base-url",
            description = "Send requests (and your API key) to the base URL recorded in the program file. "
                    + "Off by default: a program file from elsewhere could name any host.")
    boolean trustProgramBaseUrl;

    @Option(
            names = "--api-key-env",
            paramLabel = "NAME",
            description =
                    "The environment variable holding the API key (default: OPENAI_API_KEY or ANTHROPIC_API_KEY).")
    String apiKeyEnv;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "Give up on one LM request after this many seconds (default ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(
            names = "--retries",
            paramLabel = "N",
            defaultValue = "2",
            description =
                    "Retry a failed LM request (rate limit, server error, timeout) up to N times (default ${DEFAULT-VALUE}).")
    int retries;

    @Option(
            names = "--rpm",
            paramLabel = "N",
            description =
                    "Send at most N LM requests a minute, over all threads (cache hits are free; default: no limit).")
    Long rpm;

    @Option(
            names = "--tpm",
            paramLabel = "N",
            description = "Send at most N tokens (prompt + completion) a minute, over all threads (default: no limit).")
    Long tpm;

    @Option(
            names = "--prices",
            paramLabel = "FILE",
            description =
                    "A JSON price table (USD per million tokens) over the shipped one, for the cost in the summary.")
    Path prices;

    @Option(
            names = "--uploads",
            description =
                    "Upload each image, PDF or document once to the provider's Files API and send its file id "
                            + "(recorded beside the cache; see dspy4j files). What the endpoint cannot take by id is sent inline.")
    boolean uploads;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            description = "The response cache directory (default: $DSPY4J_CACHE_DIR or ~/.dspy4j/cache).")
    Path cacheDir;

    @Option(
            names = "--cache",
            paramLabel = "URI",
            description = "Share the response cache in Redis: redis://host:port[/db] or rediss://... "
                    + "(TLS); the password from the URI or $DSPY4J_REDIS_PASSWORD (default: the disk cache).")
    String cacheUri;

    @Option(names = "--no-cache", description = "Do not read or write the response cache.")
    boolean noCache;

    @Option(
            names = "--cache-errors",
            paramLabel = "warn|fail",
            defaultValue = "warn",
            description = "A cache that cannot be opened (read-only, corrupted): warn and go on without it, or fail "
                    + "(default ${DEFAULT-VALUE}).")
    CacheErrors cacheErrors;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress bar, no batch status lines, no warnings; errors and the final summary "
                    + "are still printed.")
    boolean quiet;

    @Option(
            names = {"-v", "--verbose"},
            description = "Print every warning (not once per cause) and the library's info lines.")
    boolean verbose;

    /** A program read from its state file, and the LM settings it records (or null). */
    record Loaded(Module program, LmSettings saved, ProgramState state) {}

    /** Points the library's log lines at {@code err} at the chosen verbosity. */
    void configureLogging(PrintWriter err) {
        CliLogging.configure(
                err,
                quiet
                        ? CliLogging.Verbosity.QUIET
                        : verbose ? CliLogging.Verbosity.VERBOSE : CliLogging.Verbosity.NORMAL);
    }

    /** Reads {@code file} and builds its program (no LM yet). */
    Loaded load(Path file) {
        try {
            ProgramState state =
                    ProgramState.reader().trustBaseUrl(trustProgramBaseUrl).read(file);
            Module prog;
            if (state.format() == ProgramState.Format.DSPY || signature != null) {
                if (signature == null) {
                    throw new UsageException(file + " is a DSPy state file, which does not record the signature; "
                            + "pass it with --signature \"inputs -> outputs\"");
                }
                prog = state.build(Signature.parse(signature));
            } else {
                prog = state.build();
            }
            LmSettings saved = state.predictors().values().stream()
                    .map(PredictorState::lm)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse(null);
            return new Loaded(prog, saved, state);
        } catch (ProgramStateException | SignatureException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Opens the response cache, or returns null for {@code --no-cache}; a cache that cannot be opened
     * gives a warning and null, or (with {@code --cache-errors fail}) a usage error.
     */
    CliCache openCache(PrintWriter err) {
        if (cacheUri != null) return openRedis();
        if (noCache) return null;
        Path dir = cacheDir != null ? cacheDir : Caches.defaultDirectory();
        try {
            CacheFailureTally failures = new CacheFailureTally();
            DiskCache disk =
                    DiskCache.builder().directory(dir).listener(failures).build();
            return new CliCache(disk, disk.file().toString(), failures);
        } catch (RuntimeException e) {
            String why = "the response cache in " + dir + " cannot be used: " + e.getMessage();
            if (cacheErrors == CacheErrors.fail) {
                throw new UsageException(why + "; fix or remove it (dspy4j cache verify --cache-dir " + dir
                        + "), pick another with --cache-dir, or run with --no-cache");
            }
            if (!quiet) {
                err.println("warning: " + why + "; running without the cache (--no-cache says so quietly, "
                        + "--cache-errors fail stops instead)");
            }
            err.flush();
            return null;
        }
    }

    /**
     * The Redis cache of {@code --cache}, checked once: a server that refuses the URI's database or
     * credentials is a usage error; one that is down gives one warning and the run goes on without sharing
     * (see {@link RedisCache}), as it does when Redis fails later.
     */
    private CliCache openRedis() {
        if (noCache || cacheDir != null) {
            throw new UsageException("--cache " + RedisCache.redacted(cacheUri) + " cannot be combined with "
                    + (noCache ? "--no-cache" : "--cache-dir") + "; give one of them");
        }
        CacheFailureTally failures = new CacheFailureTally();
        try {
            // the CLI's own memory layer sits in front, so the Redis cache keeps none
            RedisCache redis = RedisCache.builder()
                    .uri(cacheUri)
                    .memoryBytes(0)
                    .listener(failures)
                    .build();
            try {
                redis.check(); // a server that is down is an outage (one warning); one that refuses us is an error
            } catch (IllegalStateException e) {
                redis.close();
                throw new UsageException("--cache: " + e.getMessage());
            }
            return new CliCache(redis, redis.toString(), failures);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cache: " + e.getMessage());
        }
    }

    /** The limit from --rpm and --tpm, or null if neither is given. */
    dev.dspy4j.lm.RateLimit rateLimit() {
        if (rpm == null && tpm == null) return null;
        if (rpm != null && rpm < 1) throw new UsageException("--rpm must be at least 1, not " + rpm);
        if (tpm != null && tpm < 1) throw new UsageException("--tpm must be at least 1, not " + tpm);
        dev.dspy4j.lm.RateLimit.Builder b = dev.dspy4j.lm.RateLimit.builder();
        if (rpm != null) b.requestsPerMinute(rpm);
        if (tpm != null) b.tokensPerMinute(tpm);
        return b.build();
    }

    /** The shipped price table, with --prices over it. */
    dev.dspy4j.lm.PriceTable prices() {
        if (prices == null) return dev.dspy4j.lm.PriceTable.defaults();
        try {
            return dev.dspy4j.lm.PriceTable.defaults().with(dev.dspy4j.lm.PriceTable.load(prices));
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new UsageException("--prices: " + e.getMessage());
        }
    }

    /** The LM for {@code loaded}: --lm and --api-base over the program file's settings. */
    LanguageModel client(Loaded loaded, Path file, CliCache cache, PrintWriter err) {
        if (timeoutSeconds <= 0)
            throw new UsageException("--timeout must be a positive number of seconds, not " + timeoutSeconds);
        if (retries < 0) throw new UsageException("--retries must be 0 or more, not " + retries);
        LmSettings saved = loaded.saved();
        String provider;
        String model;
        Map<String, Object> params = saved == null ? Map.of() : saved.params();
        if (lm != null) {
            int slash = lm.indexOf('/');
            if (slash <= 0 || slash == lm.length() - 1) {
                throw new UsageException("--lm must be PROVIDER/MODEL, e.g. openai/gpt-4o-mini, not '" + lm + "'");
            }
            provider = lm.substring(0, slash);
            model = lm.substring(slash + 1);
        } else if (saved != null) {
            provider = saved.provider() == null ? "openai" : saved.provider();
            model = saved.model();
        } else {
            throw new UsageException(file + " records no LM; pass --lm PROVIDER/MODEL");
        }
        String baseUrl = apiBase;
        if (baseUrl == null && saved != null && saved.baseUrl() != null) {
            // read with --trust-program-base-url: the user chose to use it
            baseUrl = saved.baseUrl();
            err.println("using the base URL recorded in " + file + ": " + baseUrl);
            err.flush();
        } else if (apiBase == null && !loaded.state().ignoredBaseUrls().isEmpty()) {
            err.println("ignoring the base URL recorded in " + file + " ("
                    + loaded.state().ignoredBaseUrls().values().iterator().next()
                    + "): a program file does not choose where your API key is sent; pass "
                    + "--api-base URL or --trust-program-base-url to use it");
            err.flush();
        }
        Duration timeout = Duration.ofMillis(Math.round(timeoutSeconds * 1000));
        try {
            return Providers.create(
                    provider, model, baseUrl, apiKeyEnv, params, cache, timeout, retries + 1, rateLimit(), uploads);
        } catch (Providers.UsageException | IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
