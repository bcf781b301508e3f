package dev.dspy4j.lm.gemini;

import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.upload.FilesApi;
import dev.dspy4j.lm.upload.RemoteFile;
import dev.dspy4j.lm.upload.UnknownFileException;
import dev.dspy4j.lm.upload.Uploads;
import dev.dspy4j.media.Payload;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@link GeminiFiles} in the shape {@link dev.dspy4j.lm.upload.UploadRegistry} and {@code dspy4j files}
 * use: ids are file URIs (a name {@code files/{id}} is their last two segments), an unknown id throws
 * {@link UnknownFileException}, and an upload waits until Gemini has processed the file ({@code ACTIVE};
 * a video is {@code PROCESSING} for a while), polling at the client's interval within its timeout.
 */
final class GeminiFilesApi implements FilesApi {
    private final GeminiFiles files;
    private final GeminiChat chat;
    private final Duration pollInterval;

    GeminiFilesApi(GeminiFiles files, GeminiChat chat, Duration pollInterval) {
        this.files = files;
        this.chat = chat;
        this.pollInterval = pollInterval;
    }

    @Override
    public String provider() {
        return "gemini";
    }

    @Override
    public String account() {
        return Uploads.account(chat.baseUrl());
    }

    @Override
    public RemoteFile upload(Payload payload, String filename) {
        return remote(awaitActive(files.upload(payload, filename)));
    }

    @Override
    public RemoteFile get(String id) {
        try {
            return remote(files.get(GeminiFiles.nameOf(id)));
        } catch (BadRequestException e) {
            if (e.status() != 404) throw e;
            throw new UnknownFileException(e.getMessage(), id, e.status(), e.providerMessage(), e);
        }
    }

    @Override
    public boolean delete(String id) {
        return files.delete(GeminiFiles.nameOf(id));
    }

    @Override
    public List<RemoteFile> list() {
        return files.list().stream().map(this::remote).toList();
    }

    private RemoteFile remote(GeminiFile f) {
        return new RemoteFile(f.uri(), null, f.sizeBytes(), f.mimeType(), null, null, f.expiration());
    }

    @Override
    public String toString() {
        return chat.whereFiles();
    }

    private GeminiFile awaitActive(GeminiFile f) {
        Instant deadline = Instant.now().plus(chat.timeout());
        while ("PROCESSING".equals(f.state())) {
            if (Instant.now().isAfter(deadline)) {
                throw new LmException(
                        chat.whereFiles() + ": " + f.name() + " was still PROCESSING after " + chat.timeout(),
                        0,
                        null,
                        null);
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LmException(
                        chat.whereFiles() + ": interrupted while " + f.name() + " was processing", 0, null, e);
            }
            f = files.get(f.name());
        }
        if (!f.isActive()) {
            throw new LmException(
                    chat.whereFiles() + ": " + f.name() + " is " + f.state() + ", not ACTIVE; Gemini could not"
                            + " process it",
                    0,
                    null,
                    null);
        }
        return f;
    }
}
