package dev.dspy4j.lm.upload;

import dev.dspy4j.media.Payload;
import java.util.List;

/**
 * One provider account's Files API: what {@link UploadRegistry} needs to upload a payload once and
 * to list and delete what was uploaded. Implementations stream the upload from the payload (no copy
 * of its bytes on the heap) and use the API key of the client they came from without exposing it.
 */
public interface FilesApi {

    /** {@return the provider's name in the registry: {@code openai}, {@code anthropic} or {@code gemini}} */
    String provider();

    /** {@return the account: the API base URL without credentials or query string ({@link Uploads#account})} */
    String account();

    /**
     * Uploads a payload for use in requests, streamed from it.
     *
     * @param payload the payload, read once per attempt
     * @param filename the name the provider shows for it
     * @return the file as the provider describes it
     * @throws dev.dspy4j.lm.LmException if the provider refuses it or cannot be reached
     */
    RemoteFile upload(Payload payload, String filename);

    /**
     * {@return the file's current description}
     *
     * @param id the provider's file id
     * @throws UnknownFileException if the provider does not know the id (deleted or expired)
     */
    RemoteFile get(String id);

    /**
     * Deletes a file.
     *
     * @param id the provider's file id
     * @return false if the provider did not know it
     */
    boolean delete(String id);

    /** {@return every file the account holds (all pages read)} */
    List<RemoteFile> list();
}
