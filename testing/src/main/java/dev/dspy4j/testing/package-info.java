/**
 * Test and benchmark tools, in their own artifact {@code dspy4j-testing} (not in {@code dspy4j-core}):
 * {@link dev.dspy4j.testing.LoopbackChatServer}, a server on 127.0.0.1 that speaks the providers' HTTP
 * APIs, and {@link dev.dspy4j.testing.NoiseImage}, deterministic PNGs of random noise. They open no
 * connection beyond 127.0.0.1, depend on the JDK and Jackson only, and are not needed by programs that
 * call real providers. Add the artifact with test scope to test your own programs against them.
 */
package dev.dspy4j.testing;
