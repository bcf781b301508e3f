/**
 * A response cache in Redis, for processes and machines that share answers:
 * {@link dev.dspy4j.redis.RedisCache} implements {@link dev.dspy4j.lm.ResponseCache} with a memory layer
 * of this process in front, stores the same values as the disk cache under the same
 * {@link dev.dspy4j.lm.CacheKey}s, and makes identical requests in flight on several machines one LM
 * call through a Redis lease. A Redis that is down or slow never fails a call (a miss, a skipped write,
 * one warning per outage). It plugs into the data flow where {@code dev.dspy4j.cache}'s stores do,
 * behind the LM; the CLI takes it as {@code --cache redis://...}.
 */
package dev.dspy4j.redis;
