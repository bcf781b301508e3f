package dev.dspy4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.cache.CacheException;
import dev.dspy4j.cache.Caches;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.anthropic.AnthropicFiles;
import dev.dspy4j.lm.gemini.GeminiChat;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiFiles;
import dev.dspy4j.lm.upload.FilesApi;
import dev.dspy4j.lm.upload.SqliteUploadRegistry;
import dev.dspy4j.lm.upload.Upload;
import dev.dspy4j.lm.upload.UploadRegistryException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dspy4j files list|purge}: what {@code run --uploads} (or an LM built with {@code uploads(...)})
 * uploaded to providers' Files APIs, as recorded beside the response cache, and deleting it.
 */
@Command(
        name = "files",
        mixinStandardHelpOptions = true,
        description = "Show or delete what run --uploads uploaded to providers' Files APIs.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dspy4j files list",
            "  dspy4j files list --cache-dir /tmp/my-cache --json",
            "  dspy4j files purge --older-than 7",
            "  dspy4j files purge",
            "",
            "purge deletes each file at its provider with the key from",
            "OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY (none is needed",
            "for a server on loopback), then forgets it."
        },
        subcommands = {FilesCommand.ListFiles.class, FilesCommand.Purge.class})
final class FilesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The cache directory (default: $DSPY4J_CACHE_DIR or ~/.dspy4j/cache).")
    Path cacheDir;

    /** The clock ages are measured with (tests set it). */
    static Clock clock = Clock.systemUTC();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private Path directory() {
        return cacheDir != null ? cacheDir : Caches.defaultDirectory();
    }

    /**
     * Runs {@code body} on the registry; none recorded: says so, exit 0; a registry that fails: exit 1; a
     * cache directory that is a file: exit 2 (see {@link CacheCommand#checkDirectory}).
     */
    private int withRegistry(CommandSpec sub, java.util.function.ToIntFunction<SqliteUploadRegistry> body) {
        PrintWriter out = sub.commandLine().getOut();
        PrintWriter err = sub.commandLine().getErr();
        Path dir = directory();
        CacheCommand.checkDirectory(dir);
        try {
            if (!Files.isDirectory(dir)) {
                out.println("no uploads recorded: the cache directory " + dir + " does not exist");
                return 0;
            }
            if (CacheCommand.absent(dir)) {
                out.println("no uploads recorded in " + dir);
                return 0;
            }
            try (SqliteUploadRegistry registry = SqliteUploadRegistry.open(dir)) {
                return body.applyAsInt(registry);
            }
        } catch (CacheException | UploadRegistryException e) {
            err.println("dspy4j files: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    /** "3 d", "5 h", "12 min", "40 s". */
    static String age(Instant created, Instant now) {
        Duration d = Duration.between(created, now);
        if (d.isNegative()) d = Duration.ZERO;
        if (d.toDays() > 0) return d.toDays() + " d";
        if (d.toHours() > 0) return d.toHours() + " h";
        if (d.toMinutes() > 0) return d.toMinutes() + " min";
        return d.toSeconds() + " s";
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "One line per upload: provider, account, digest, file id, bytes, age.")
    static final class ListFiles implements Callable<Integer> {
        @ParentCommand
        FilesCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "One JSON object per line, with the whole digest and the times.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return parent.withRegistry(spec, registry -> {
                List<Upload> all = registry.list();
                Instant now = clock.instant();
                if (json) {
                    for (Upload u : all) {
                        ObjectNode n = Jsons.MAPPER.createObjectNode();
                        n.put("provider", u.provider());
                        n.put("account", u.account());
                        n.put("digest", u.digest().hex());
                        n.put("file_id", u.fileId());
                        n.put("bytes", u.bytes());
                        n.put("created", u.created().toString());
                        if (u.expires() == null) n.putNull("expires");
                        else n.put("expires", u.expires().toString());
                        n.put(
                                "age_seconds",
                                Math.max(0, Duration.between(u.created(), now).toSeconds()));
                        out.println(n);
                    }
                    return 0;
                }
                if (all.isEmpty()) {
                    out.println("no uploads recorded in " + registry.file());
                    return 0;
                }
                out.println(String.format(
                        "%-9s  %-32s  %-12s  %-28s  %10s  %s", "provider", "account", "digest", "id", "bytes", "age"));
                long total = 0;
                for (Upload u : all) {
                    out.println(String.format(
                            "%-9s  %-32s  %-12s  %-28s  %10d  %s",
                            u.provider(),
                            u.account(),
                            u.digest().shortHex(),
                            u.fileId(),
                            u.bytes(),
                            age(u.created(), now)));
                    total += u.bytes();
                }
                out.println(all.size() + " uploads, " + CacheCommand.size(total));
                return 0;
            });
        }
    }

    @Command(
            name = "purge",
            mixinStandardHelpOptions = true,
            description = {
                "Delete uploads at their provider and forget them.",
                "Exit status: 0 all deleted (or already gone at the provider), 1 some could not be deleted"
                        + " (kept in the record; the message says why), 2 usage error."
            })
    static final class Purge implements Callable<Integer> {
        @ParentCommand
        FilesCommand parent;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--older-than",
                paramLabel = "DAYS",
                description = "Only uploads made more than DAYS days ago (default: all).")
        Double olderThanDays;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (olderThanDays != null && (olderThanDays < 0 || olderThanDays.isNaN() || olderThanDays.isInfinite())) {
                err.println(
                        "dspy4j files purge: --older-than must be a number of days, 0 or more, not " + olderThanDays);
                return 2;
            }
            return parent.withRegistry(spec, registry -> {
                Instant now = clock.instant();
                Instant before = olderThanDays == null
                        ? null
                        : now.minusMillis(
                                (long) (olderThanDays * Duration.ofDays(1).toMillis()));
                Map<String, FilesApi> apis = new HashMap<>();
                Map<String, String> unusable = new HashMap<>();
                int deleted = 0;
                int gone = 0;
                int failed = 0;
                int kept = 0;
                for (Upload u : registry.list()) {
                    if (before != null && !u.created().isBefore(before)) {
                        kept++;
                        continue;
                    }
                    String where = u.provider() + " " + u.account();
                    FilesApi api = apis.get(where);
                    if (api == null && !unusable.containsKey(where)) {
                        try {
                            api = filesApi(u.provider(), u.account());
                            apis.put(where, api);
                        } catch (RuntimeException e) {
                            unusable.put(where, e.getMessage());
                            err.println("cannot reach " + where + ": " + e.getMessage());
                        }
                    }
                    if (api == null) {
                        failed++;
                        continue;
                    }
                    try {
                        boolean known = api.delete(u.fileId());
                        registry.remove(u.key());
                        if (known) deleted++;
                        else gone++;
                        out.println((known ? "deleted " : "gone    ") + u.provider() + " " + u.account() + " "
                                + u.digest().shortHex() + " " + u.fileId());
                    } catch (LmException e) {
                        failed++;
                        err.println("not deleted " + u.fileId() + " at " + where + ": " + e.getMessage());
                    }
                }
                out.println(deleted + " deleted, " + gone + " already gone at the provider, " + failed + " not deleted"
                        + (before == null ? "" : ", " + kept + " newer kept"));
                out.flush();
                err.flush();
                return failed == 0 ? 0 : 1;
            });
        }

        /** The Files API of a recorded account, with the provider's key from the environment. */
        private static FilesApi filesApi(String provider, String account) {
            switch (provider) {
                case "openai":
                    return OpenAiFiles.of(OpenAiChat.builder()
                            .baseUrl(account)
                            .apiKeyFromEnv()
                            .model("files")
                            .cache(null)
                            .build());
                case "anthropic":
                    return AnthropicFiles.of(AnthropicChat.builder()
                            .baseUrl(account)
                            .apiKeyFromEnv()
                            .model("files")
                            .cache(null)
                            .build());
                case "gemini":
                    return GeminiChat.builder()
                            .baseUrl(account)
                            .apiKeyFromEnv()
                            .model("files")
                            .cache(null)
                            .build()
                            .files()
                            .asFilesApi();
                default:
                    throw new IllegalArgumentException(
                            "unknown provider '" + provider + "' (known: openai, anthropic, gemini)");
            }
        }
    }
}
