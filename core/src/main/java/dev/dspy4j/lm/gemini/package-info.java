/**
 * The client for Google's Gemini API, {@link dev.dspy4j.lm.gemini.GeminiChat} (native
 * {@code generateContent}, streamed through {@code streamGenerateContent}), built on
 * {@link dev.dspy4j.lm.http.HttpLanguageModel}. It translates the library's OpenAI-shaped parameters
 * and tools into Gemini's shapes while the body is written, and is the one client here that takes
 * video. {@link dev.dspy4j.lm.gemini.GeminiFiles} uploads large payloads through the Gemini Files API
 * (resumable upload, files kept 48 hours), described as {@link dev.dspy4j.lm.gemini.GeminiFile}s.
 */
package dev.dspy4j.lm.gemini;
