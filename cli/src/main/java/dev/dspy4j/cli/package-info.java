/**
 * The {@code dspy4j} command line (picocli), on top of the whole library: {@link dev.dspy4j.cli.Main} has
 * the subcommands {@code new}, {@code inspect}, {@code run} (a saved program over a JSONL dataset, one
 * result line per row, resumable, optionally through a provider's batch API), {@code evaluate},
 * {@code optimize}, {@code cache}, {@code files} (what {@code run --uploads} put in providers' Files APIs) and {@code bench}.
 * Public for other modules: {@link dev.dspy4j.cli.Providers} makes provider clients from
 * {@code --lm provider/model} settings and {@link dev.dspy4j.cli.Dataset} reads a row's inputs, both
 * reused by {@code dspy4j-spark}; {@link dev.dspy4j.cli.CliLogging} is the command's SLF4J backend.
 */
package dev.dspy4j.cli;
