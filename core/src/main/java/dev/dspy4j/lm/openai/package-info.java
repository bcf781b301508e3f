/**
 * Clients for OpenAI's APIs and servers that speak them (vLLM, Ollama, LM Studio, llama.cpp):
 * {@link dev.dspy4j.lm.openai.OpenAiChat} (Chat Completions), {@link dev.dspy4j.lm.openai.OpenAiResponses}
 * (the Responses API, which also takes images by file id), {@link dev.dspy4j.lm.openai.AzureOpenAiChat}
 * (Azure OpenAI deployments), {@link dev.dspy4j.lm.openai.OpenAiEmbeddings} (an
 * {@link dev.dspy4j.lm.Embedder}) and {@link dev.dspy4j.lm.openai.OpenAiFiles} (the Files API). The
 * clients run on {@link dev.dspy4j.lm.http.HttpLanguageModel} and write their request bodies while they
 * are sent; {@code OpenAiChat} and {@code OpenAiResponses} can also send rows through the OpenAI Batch
 * API. Request parameters keep OpenAI's names, the neutral shape the other clients translate from.
 */
package dev.dspy4j.lm.openai;
