package dev.dspy4j.cli;

import dev.dspy4j.cache.CacheException;
import dev.dspy4j.cache.CacheStats;
import dev.dspy4j.cache.Caches;
import dev.dspy4j.cache.DiskCache;
import dev.dspy4j.cache.VerifyReport;
import dev.dspy4j.redis.RedisCache;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dspy4j cache stats|verify|clear}: inspect or empty the on-disk response cache. */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        description = "Inspect, check or empty the on-disk response cache.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  dspy4j cache stats",
            "  dspy4j cache stats --cache-dir ~/.dspy4j/cache --json",
            "  dspy4j cache verify --cache-dir /tmp/my-cache",
            "  dspy4j cache clear --cache-dir /tmp/my-cache"
        },
        subcommands = {CacheCommand.Stats.class, CacheCommand.Verify.class, CacheCommand.Clear.class})
final class CacheCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--cache-dir",
            paramLabel = "DIR",
            scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "The cache directory (default: $DSPY4J_CACHE_DIR or ~/.dspy4j/cache).")
    String cacheDir;

    /** Taken only to refuse it clearly (the run commands' option): these commands work on the disk cache. */
    @Option(names = "--cache", paramLabel = "URI", scope = picocli.CommandLine.ScopeType.INHERIT, hidden = true)
    String cacheUri;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The cache directory.
     *
     * @throws LmOptions.UsageException (exit 2) for a Redis URI, in {@code --cache} or {@code --cache-dir},
     *     and for a path that exists but is not a directory
     */
    Path directory() {
        String redis = cacheUri != null ? cacheUri : isRedisUri(cacheDir) ? cacheDir : null;
        if (redis != null) {
            throw new LmOptions.UsageException("dspy4j cache works on the disk cache only, not on the Redis cache "
                    + RedisCache.redacted(redis) + ": Redis keeps its entries under the key prefix "
                    + RedisCache.DEFAULT_PREFIX + " (RedisCache.prefix); see or remove them with redis-cli "
                    + "(e.g. --scan --pattern '" + RedisCache.DEFAULT_PREFIX + "*'), or give the cache a TTL");
        }
        Path dir = cacheDir != null ? Path.of(cacheDir) : Caches.defaultDirectory();
        checkDirectory(dir);
        return dir;
    }

    /**
     * Refuses a cache directory that exists but is not a directory (a file given by mistake).
     *
     * @throws LmOptions.UsageException naming the path (exit 2)
     */
    static void checkDirectory(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new LmOptions.UsageException("--cache-dir " + dir + " is not a directory; give the directory that "
                    + "holds " + DiskCache.FILE_NAME + " (default: $DSPY4J_CACHE_DIR or ~/.dspy4j/cache)");
        }
    }

    /**
     * The cache directory, which must exist (for {@code verify} and {@code clear}).
     *
     * @throws LmOptions.UsageException (exit 2) when it does not exist, or as {@link #directory()}
     */
    Path existingDirectory() {
        Path dir = directory();
        if (!Files.isDirectory(dir)) {
            throw new LmOptions.UsageException("cache directory " + dir + " does not exist");
        }
        return dir;
    }

    private static boolean isRedisUri(String s) {
        String lower = s == null ? "" : s.toLowerCase(java.util.Locale.ROOT);
        return lower.startsWith("redis://") || lower.startsWith("rediss://");
    }

    /** Opens the cache in the existing cache directory, or returns null after saying there is none. */
    DiskCache open(PrintWriter out) {
        Path dir = existingDirectory();
        if (absent(dir)) {
            out.println("no cache in " + dir);
            return null;
        }
        return DiskCache.open(dir);
    }

    /**
     * True when there is no cache file at all. Something else in its place (a directory, a device) is
     * not "no cache": a run could not use it, so it is reported as a cache that cannot be opened.
     *
     * @throws CacheException if the cache file's path exists but is not a regular file
     */
    static boolean absent(Path dir) {
        Path file = dir.resolve(DiskCache.FILE_NAME);
        if (Files.isRegularFile(file)) return false;
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return true;
        throw new CacheException("disk cache " + file + " is not a regular file; delete or move it (a cache holds only "
                + "cached responses) or use another cache directory");
    }

    /** Runs {@code body} on the open cache; a cache that cannot be opened (damaged, not writable) is reported, exit 1. */
    int withCache(CommandSpec spec, java.util.function.ToIntFunction<DiskCache> body) {
        PrintWriter out = spec.commandLine().getOut();
        try (DiskCache cache = open(out)) {
            return cache == null ? 0 : body.applyAsInt(cache);
        } catch (CacheException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("dspy4j cache: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format("%.1f KB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format("%.1f MB", bytes / (1024.0 * 1024));
        return String.format("%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Entries and size of the cache.")
    static final class Stats implements Callable<Integer> {
        @ParentCommand
        CacheCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Path dir = parent.directory();
            boolean absent;
            try {
                absent = absent(dir);
            } catch (CacheException e) {
                spec.commandLine().getErr().println("dspy4j cache: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
            if (absent) {
                if (json) {
                    out.println("{\"directory\":" + Jsons.quote(dir.toString())
                            + ",\"exists\":false,\"entries\":0,\"bytes\":0}");
                } else {
                    out.println(Files.isDirectory(dir) ? "no cache in " + dir : "no cache: " + dir + " does not exist");
                }
                return 0;
            }
            return parent.withCache(spec, cache -> {
                CacheStats s = cache.stats();
                if (json) {
                    out.println("{\"directory\":" + Jsons.quote(dir.toString()) + ",\"exists\":true,\"entries\":"
                            + s.entries() + ",\"bytes\":" + s.bytes() + ",\"max_bytes\":" + s.maxBytes() + "}");
                } else {
                    out.println("cache     " + cache.file());
                    out.println("entries   " + s.entries());
                    out.println("size      " + size(s.bytes()) + " of " + size(s.maxBytes()));
                }
                return 0;
            });
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description = {
                "Check the cache's integrity and decode every entry.",
                "Exit status: 0 the cache is sound (or the directory holds none), 1 it is damaged or cannot be "
                        + "opened (the message says what to do), 2 usage error (the directory does not exist or is "
                        + "not a directory)."
            })
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        CacheCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return parent.withCache(spec, cache -> {
                VerifyReport r = cache.verify();
                if (r.ok()) {
                    out.println("ok: " + r.checked() + " entries checked in " + cache.file());
                    return 0;
                }
                PrintWriter err = spec.commandLine().getErr();
                err.println(r.problems().size() + " problem(s) in " + cache.file() + " (" + r.checked()
                        + " entries checked):");
                r.problems().forEach(p -> err.println("  " + p));
                err.flush();
                return 1;
            });
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true, description = "Remove every entry from the cache.")
    static final class Clear implements Callable<Integer> {
        @ParentCommand
        CacheCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return parent.withCache(spec, cache -> {
                long n = cache.clear();
                out.println("removed " + n + " entries from " + cache.file());
                return 0;
            });
        }
    }
}
