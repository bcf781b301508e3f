package dev.dspy4j.cache;

import dev.dspy4j.lm.DefaultCacheProvider;
import dev.dspy4j.lm.ResponseCache;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The process-wide default cache, which provider LMs use unless built with {@code cache(...)}.
 *
 * <p>It is a {@link TieredCache} opened lazily, once per process, on the first call to
 * {@link #defaultCache()}, in {@link #defaultDirectory()}:
 * <ol>
 *   <li>the system property {@value #DIR_PROPERTY}, if set;</li>
 *   <li>else the environment variable {@value #DIR_ENV}, if set;</li>
 *   <li>else {@code ~/.dspy4j/cache}.</li>
 * </ol>
 * Setting the system property {@value #ENABLED_PROPERTY} or the environment variable
 * {@value #ENABLED_ENV} to {@code off} (or {@code false}, {@code 0}, {@code none}, {@code no}) makes the default
 * "no cache". {@link #setDefault} replaces the default for the rest of the process. The default
 * cache is closed (queued access times written) when the JVM exits.
 */
public final class Caches {
    /** The environment variable naming the cache directory. */
    public static final String DIR_ENV = "DSPY4J_CACHE_DIR";
    /** The system property naming the cache directory (wins over the environment variable). */
    public static final String DIR_PROPERTY = "dspy4j.cache.dir";
    /** The environment variable that turns the default cache off. */
    public static final String ENABLED_ENV = "DSPY4J_CACHE";
    /** The system property that turns the default cache off (wins over the environment variable). */
    public static final String ENABLED_PROPERTY = "dspy4j.cache";

    private static final Object LOCK = new Object();
    private static boolean resolved;
    private static ResponseCache current;
    private static boolean hookInstalled;

    private Caches() {}

    /**
     * Registers {@link #defaultCache()} as the default of {@link ResponseCache#defaultCache()} (through
     * {@code META-INF/services/dev.dspy4j.lm.DefaultCacheProvider}); not meant to be called directly.
     */
    public static final class Provider implements DefaultCacheProvider {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {}

        @Override
        public ResponseCache defaultCache() {
            return Caches.defaultCache();
        }
    }

    /**
     * {@return the default cache directory: the system property, else the environment variable, else
     * {@code ~/.dspy4j/cache}}
     *
     * @throws CacheException if none is set and {@code user.home} is unknown
     */
    public static Path defaultDirectory() {
        return resolveDirectory(
                System.getProperty(DIR_PROPERTY), System.getenv(DIR_ENV), System.getProperty("user.home"));
    }

    /** {@return true unless the default cache was turned off by the system property or the environment} */
    public static boolean defaultEnabled() {
        return resolveEnabled(System.getProperty(ENABLED_PROPERTY), System.getenv(ENABLED_ENV));
    }

    /**
     * The process-wide default cache, opened on first use.
     *
     * @return the cache ({@link #setDefault}'s, or a {@link TieredCache} in {@link #defaultDirectory()}),
     *     or null if turned off
     * @throws CacheException if the default directory cannot be used; the message says how to choose
     *                        another or turn the cache off
     */
    public static ResponseCache defaultCache() {
        synchronized (LOCK) {
            if (resolved) return current;
            if (!defaultEnabled()) {
                current = null;
                resolved = true;
                return null;
            }
            Path dir = defaultDirectory();
            TieredCache cache;
            try {
                cache = TieredCache.open(dir);
            } catch (CacheException e) {
                throw new CacheException(
                        "the default response cache in " + dir + " cannot be opened (" + e.getMessage()
                                + "); set " + DIR_ENV + " to a writable directory, set " + ENABLED_ENV
                                + "=off, or build the LM with cache(null)",
                        e);
            }
            current = cache;
            resolved = true;
            installCloseHook();
            return cache;
        }
    }

    /**
     * Replaces the process-wide default (null: no cache) for LMs built from now on. The previous
     * default is not closed, since LMs built earlier may still use it.
     *
     * @param cache the new default, or null for no cache; closed when the JVM exits
     */
    public static void setDefault(ResponseCache cache) {
        synchronized (LOCK) {
            current = cache;
            resolved = true;
            if (cache != null) installCloseHook();
        }
    }

    /** Forgets the default, so the next {@link #defaultCache()} resolves it again (tests). */
    public static void resetDefault() {
        synchronized (LOCK) {
            current = null;
            resolved = false;
        }
    }

    static Path resolveDirectory(String property, String env, String userHome) {
        if (property != null && !property.isBlank()) return Path.of(property.trim());
        if (env != null && !env.isBlank()) return Path.of(env.trim());
        if (userHome == null || userHome.isBlank()) {
            throw new CacheException("no cache directory: neither " + DIR_PROPERTY + " nor " + DIR_ENV
                    + " is set and user.home is unknown");
        }
        return Path.of(userHome, ".dspy4j", "cache");
    }

    static boolean resolveEnabled(String property, String env) {
        String v = property != null && !property.isBlank() ? property : env;
        if (v == null || v.isBlank()) return true;
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "off":
            case "false":
            case "0":
            case "none":
            case "no":
                return false;
            default:
                return true;
        }
    }

    private static void installCloseHook() {
        if (hookInstalled) return;
        hookInstalled = true;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            ResponseCache c;
                            synchronized (LOCK) {
                                c = current;
                            }
                            if (c != null) c.close();
                        },
                        "dspy4j-cache-close"));
    }
}
