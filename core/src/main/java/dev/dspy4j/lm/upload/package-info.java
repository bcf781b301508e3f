/**
 * Payloads uploaded once to a provider's Files API and then referred to by id, so a large image or PDF
 * crosses the wire once per provider account instead of once per request. An
 * {@link dev.dspy4j.lm.upload.UploadRegistry} maps (provider, account, payload digest) to a file id:
 * {@link dev.dspy4j.lm.upload.MemoryUploadRegistry} for one process,
 * {@link dev.dspy4j.lm.upload.SqliteUploadRegistry}, a table in the response cache's SQLite file, for many.
 * Each provider's Files API is a {@link dev.dspy4j.lm.upload.FilesApi}; records are
 * {@link dev.dspy4j.lm.upload.Upload} and {@link dev.dspy4j.lm.upload.RemoteFile}. No API key is
 * stored. The HTTP clients use it when built with {@code uploads(...)}.
 */
package dev.dspy4j.lm.upload;
