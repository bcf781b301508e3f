package dev.dspy4j.lm.upload;

import dev.dspy4j.lm.BadRequestException;

/** A provider answered that it does not know a file id (HTTP 404, or a deleted or expired file). */
public class UnknownFileException extends BadRequestException {
    private static final long serialVersionUID = 1L;

    private final String fileId;

    public UnknownFileException(String message, String fileId, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
        this.fileId = fileId;
    }

    /** The id the provider does not know, or null if its answer did not name one. */
    public String fileId() {
        return fileId;
    }
}
