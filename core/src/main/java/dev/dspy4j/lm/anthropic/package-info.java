/**
 * The client for Anthropic's Messages API, {@link dev.dspy4j.lm.anthropic.AnthropicChat}, built on
 * {@link dev.dspy4j.lm.http.HttpLanguageModel}: it translates the library's OpenAI-shaped parameters
 * (tools, {@code response_format}) into the Messages API's shapes while the body is written, so cache
 * keys stay provider-neutral. It marks the prompt's stable prefix with {@code cache_control} for
 * Anthropic's prompt caching, reads citations of documents, and sends rows through Message Batches.
 * {@link dev.dspy4j.lm.anthropic.AnthropicFiles} is the (beta) Files API with the same client's
 * credentials.
 */
package dev.dspy4j.lm.anthropic;
