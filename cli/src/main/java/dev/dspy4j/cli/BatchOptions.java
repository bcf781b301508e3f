package dev.dspy4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code run}'s batch options: {@code --batch}, {@code --poll-interval}, {@code --cancel}; see {@link BatchPhase}. */
final class BatchOptions {

    @Option(
            names = "--batch",
            description =
                    "Send the rows' requests as one batch through the provider's batch API (OpenAI Batch, Anthropic "
                            + "Message Batches: about half the price, answered within 24 hours), then write the output from the "
                            + "answers, which also fill the cache. Rows the cache answers are not sent. The batch id is kept in "
                            + "O.jsonl.batch.json: after Ctrl-C or a crash, run again with --resume to poll the same batch.")
    boolean batch;

    @Option(
            names = "--poll-interval",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "With --batch: seconds between two polls of the batch's status (default ${DEFAULT-VALUE}).")
    double pollInterval;

    @Option(
            names = "--cancel",
            description = "With --batch: ask the provider to cancel the batch kept beside --out, then exit; --resume "
                    + "afterwards writes the rows it answered.")
    boolean cancel;

    /** {@code --cancel}; a usage error without {@code --batch}. */
    boolean cancel() {
        if (cancel && !batch) throw new LmOptions.UsageException("--cancel goes with --batch");
        return cancel;
    }

    Duration pollInterval() {
        return Duration.ofMillis(Math.round(pollInterval * 1000));
    }

    /** Refuses --batch with --no-cache, a bad --poll-interval, and a batch state beside {@code out} without --resume. */
    void check(Path out, boolean resume, boolean noCache) {
        if (!batch) return;
        if (noCache) {
            throw new LmOptions.UsageException(
                    "--batch stores the answers in the response cache; it cannot run with --no-cache");
        }
        if (!(pollInterval >= 0) || pollInterval > 86_400) {
            throw new LmOptions.UsageException("--poll-interval must be 0 to 86400 seconds, not " + pollInterval);
        }
        Path state = BatchPhase.stateFile(out);
        if (!resume && Files.exists(state)) {
            throw new LmOptions.UsageException("batch state " + state + " exists: a batch of an earlier run of this "
                    + "output may still be running; add --resume to poll it, or delete " + state + " to start over");
        }
    }
}
