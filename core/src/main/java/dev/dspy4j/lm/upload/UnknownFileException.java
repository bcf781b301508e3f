package dev.dspy4j.lm.upload;

import dev.dspy4j.lm.BadRequestException;

/** A provider answered that it does not know a file id (HTTP 404, or a deleted or expired file). */
public class UnknownFileException extends BadRequestException {
    private static final long serialVersionUID = 1L;

    /** The id the provider does not know, or null (serialized with the exception). */
    private final String fileId;

    /**
     * @param message the client's message, naming the provider and the id
     * @param fileId the id the provider does not know, or null if its answer did not name one
     * @param status the HTTP status (404, or 400/403 for a deleted or expired file)
     * @param providerMessage the provider's own words, redacted, or null
     * @param cause the underlying failure, or null
     */
    public UnknownFileException(String message, String fileId, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
        this.fileId = fileId;
    }

    /** {@return the id the provider does not know, or null if its answer did not name one} */
    public String fileId() {
        return fileId;
    }
}
