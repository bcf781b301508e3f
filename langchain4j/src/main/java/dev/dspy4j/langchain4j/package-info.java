/**
 * A bridge to LangChain4j: {@link dev.dspy4j.langchain4j.LangChain4jLm} wraps any LangChain4j
 * {@code ChatModel} as a dspy4j {@link dev.dspy4j.lm.LanguageModel}, so programs can call every
 * provider LangChain4j reaches, with dspy4j's response cache, history and rate limit in front. It takes
 * the place of a built-in client at the {@code lm} step of the data flow. Unlike the built-in clients it
 * turns each media payload into a base64 string per call (LangChain4j's message types need one); cache
 * hits still never reach it.
 */
package dev.dspy4j.langchain4j;
