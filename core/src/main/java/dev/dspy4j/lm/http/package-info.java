/**
 * The HTTP transport shared by the provider clients: {@link dev.dspy4j.lm.http.HttpLanguageModel} sends
 * one JSON POST per attempt with {@code java.net.http}, with retries and {@code Retry-After}, a
 * per-request timeout, a response size limit, typed errors and secrets redacted from anything shown.
 * Its body is a {@link dev.dspy4j.lm.http.StreamingBody}: the provider's codec writes the JSON through a
 * {@link dev.dspy4j.lm.http.JsonBody} while it is sent, base64-encoding each payload as it is read, so a
 * prompt's images are never held as strings. Streamed answers are read back through a
 * {@link dev.dspy4j.lm.http.StreamDecoder}; {@link dev.dspy4j.lm.http.ApiRequests} makes a client's other
 * requests (Files API, batches). This is the last step of the data flow before the network.
 */
package dev.dspy4j.lm.http;
