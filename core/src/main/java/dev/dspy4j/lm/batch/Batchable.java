package dev.dspy4j.lm.batch;

/** An LM client whose provider has a batch API. */
public interface Batchable {

    /** {@return the batch API of this client's provider, sending with this client's key, headers and codec} */
    BatchClient batchClient();
}
