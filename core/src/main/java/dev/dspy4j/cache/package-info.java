/**
 * Response cache stores: {@link dev.dspy4j.cache.MemoryCache} (Caffeine, bounded by bytes),
 * {@link dev.dspy4j.cache.DiskCache} (one SQLite file, shared by processes, crash-safe),
 * {@link dev.dspy4j.cache.TieredCache} (memory in front of disk) and {@link dev.dspy4j.cache.Caches}
 * (the process-wide default in {@code ~/.dspy4j/cache}). They implement
 * {@link dev.dspy4j.lm.ResponseCache}, keyed by {@link dev.dspy4j.lm.CacheKey} (the identity of a
 * request); that contract lives in {@code dev.dspy4j.lm} because the LM owns its cache, and this
 * package sits above it because it keys and stores LM values.
 *
 * <p>LMs built on {@link dev.dspy4j.lm.AbstractLanguageModel} use the default cache unless built
 * with {@code cache(null)} or another cache; a request sent with {@code withCache(false)} bypasses
 * it. A hit is returned with zero usage and marked as a hit; identical requests in flight in one
 * process make one call; a cache shared by processes makes identical calls in flight in several
 * processes one call through {@link dev.dspy4j.lm.ResponseCache#lease}. No cache operation reads a
 * payload's bytes.
 */
package dev.dspy4j.cache;
