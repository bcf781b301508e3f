/**
 * Media values that can stand in a prompt: {@link dev.dspy4j.media.Image}, {@link dev.dspy4j.media.Audio},
 * {@link dev.dspy4j.media.Video}, {@link dev.dspy4j.media.File} and {@link dev.dspy4j.media.Document}
 * (the sealed {@link dev.dspy4j.media.Media}), plus conversation {@link dev.dspy4j.media.History}. Each
 * holds its bytes as a {@link dev.dspy4j.media.Payload}: a reference to memory, a file or another
 * {@link dev.dspy4j.media.PayloadSource}, with a media type and a SHA-256 {@link dev.dspy4j.media.Digest}
 * computed once. Nothing else reads the bytes: prompts and cache keys carry the reference and the
 * digest, and only the wire streams them, base64-encoded while the request body is written. This is
 * the lowest package of the data flow; every other one may use it.
 */
package dev.dspy4j.media;
