package dev.dspy4j.lm.batch;

import java.util.Objects;

/** A batch as the provider last reported it. */
public record BatchStatus(
        String id,
        Phase phase,
        String status,
        int total,
        int succeeded,
        int failed,
        String detail,
        String output,
        String errors) {

    /** Where a batch is. */
    public enum Phase {
        /** Still running (validating, in progress, finalizing, canceling): poll again. */
        RUNNING,
        /** Ended (completed, expired or canceled): its results can be read. */
        ENDED,
        /** Failed as a whole (OpenAI {@code failed}: the input was refused); no results. */
        FAILED
    }

    /**
     * Checks that {@code id}, {@code phase} and {@code status} are non-null.
     *
     * @param id        the provider's batch id ({@code msgbatch_...}, {@code batch_...})
     * @param phase     where it is
     * @param status    the provider's own status word ({@code in_progress}, {@code ended}, {@code finalizing}, ...)
     * @param total     requests in the batch
     * @param succeeded requests answered so far
     * @param failed    requests that failed, were canceled or expired so far
     * @param detail    the provider's reason when the whole batch failed, else null
     * @param output    where the results are once it ended (Anthropic {@code results_url}, OpenAI {@code output_file_id}), else null
     * @param errors    where the failed requests are (OpenAI {@code error_file_id}), else null
     */
    public BatchStatus {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(status, "status");
    }

    /** {@return the requests with an outcome so far: succeeded plus failed} */
    public int done() {
        return succeeded + failed;
    }

    /** {@return e.g. {@code msgbatch_1: in_progress, 3/10 done (2 succeeded, 1 failed)}, and the detail if any} */
    @Override
    public String toString() {
        return id + ": " + status + ", " + done() + "/" + total + " done (" + succeeded + " succeeded, " + failed
                + " failed)" + (detail == null ? "" : ": " + detail);
    }
}
