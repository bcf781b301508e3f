package dev.dspy4j.lm;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Supplies the process-wide default {@link ResponseCache} that LMs use unless built with
 * {@code cache(...)}. Found once per class loader with {@link ServiceLoader}
 * ({@code META-INF/services/dev.dspy4j.lm.DefaultCacheProvider}); {@code dspy4j-core} registers
 * {@code dev.dspy4j.cache.Caches.Provider}. The indirection keeps {@code dev.dspy4j.lm} below
 * {@code dev.dspy4j.cache}: the cache stores and keys LM values, the LM only knows this contract.
 */
public interface DefaultCacheProvider {

    /** {@return the default cache, opened on first use; null if the default is "no cache"} */
    ResponseCache defaultCache();

    /**
     * The one registered provider.
     *
     * @return the provider, loaded once
     *
     * @throws IllegalStateException if none or more than one is registered (a shaded jar that drops
     *                               {@code META-INF/services} files loses the registration)
     */
    static DefaultCacheProvider installed() {
        return Holder.PROVIDER;
    }

    /** Loads the provider on first use (class initialization is lazy and thread-safe). */
    final class Holder {
        static final DefaultCacheProvider PROVIDER = load();

        private Holder() {}

        private static DefaultCacheProvider load() {
            List<DefaultCacheProvider> found =
                    ServiceLoader.load(DefaultCacheProvider.class, DefaultCacheProvider.class.getClassLoader()).stream()
                            .map(ServiceLoader.Provider::get)
                            .toList();
            if (found.size() == 1) return found.get(0);
            String names = found.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", "));
            throw new IllegalStateException(
                    found.isEmpty()
                            ? "no " + DefaultCacheProvider.class.getName() + " is registered in META-INF/services"
                                    + " (dspy4j-core registers dev.dspy4j.cache.Caches$Provider; a shaded jar must keep"
                                    + " service files); build the LM with cache(...) to choose one"
                            : "more than one " + DefaultCacheProvider.class.getName() + " is registered: " + names);
        }
    }
}
