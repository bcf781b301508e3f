/**
 * Benchmarks (JMH and plain mains; not published): the cost of digests
 * ({@link dev.dspy4j.bench.DigestBenchmark}), of formatting a prompt and computing its cache key as
 * images grow ({@link dev.dspy4j.bench.FormatKeyBenchmark}), of cache hits
 * ({@link dev.dspy4j.bench.CacheBenchmark}), of sending large multimodal requests
 * ({@link dev.dspy4j.bench.ClientSendBench}), of rate limiting ({@link dev.dspy4j.bench.RateLimitBench}),
 * and a comparison with LangChain4j ({@link dev.dspy4j.bench.PeerBenchmark}), all against loopback
 * servers. {@link dev.dspy4j.bench.BenchMain} is the jar's entry point.
 */
package dev.dspy4j.bench;
