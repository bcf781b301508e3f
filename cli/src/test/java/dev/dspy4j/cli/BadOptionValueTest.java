package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bad command line gets the error in one line (the option, the value and what it takes), then a hint
 * to the command's help, and exit status 2: not picocli's whole usage with the error buried above it.
 */
class BadOptionValueTest {

    private static void assertShortError(RunFixesTest.Run r, String error, String command) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().lines().toList())
                .containsExactly(error, "Try '" + command + " --help' for more information.");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aValueOfTheWrongTypeIsOneLineAndAHint() {
        List<String> base = List.of("run", "--program", "p.json", "--data", "d.jsonl", "--out", "o.jsonl");
        assertShortError(
                RunFixesTest.dspy4j(concat(base, "--threads", "abc")),
                "Invalid value for option '--threads': 'abc' is not an int",
                "dspy4j run");
        assertShortError(
                RunFixesTest.dspy4j(concat(base, "--timeout", "5x")),
                "Invalid value for option '--timeout': '5x' is not a double",
                "dspy4j run");
        assertShortError(
                RunFixesTest.dspy4j(concat(base, "--rpm", "lots")),
                "Invalid value for option '--rpm': 'lots' is not a long",
                "dspy4j run");
        assertShortError(
                RunFixesTest.dspy4j(concat(base, "--cache-errors", "ignore")),
                "Invalid value for option '--cache-errors': expected one of [warn, fail] (case-sensitive) but was"
                        + " 'ignore'",
                "dspy4j run");
    }

    @Test
    void otherCommandsAndOtherParameterErrorsGetTheSameShortForm() {
        assertShortError(
                RunFixesTest.dspy4j(
                        "evaluate",
                        "--program",
                        "p.json",
                        "--data",
                        "d.jsonl",
                        "--metric",
                        "exact_match",
                        "--threads",
                        "four"),
                "Invalid value for option '--threads': 'four' is not an int",
                "dspy4j evaluate");
        assertShortError(
                RunFixesTest.dspy4j("evaluate", "--program", "p.json", "--metric", "exact_match"),
                "Missing required option: '--data=D.jsonl'",
                "dspy4j evaluate");
        assertShortError(
                RunFixesTest.dspy4j("run", "--program"),
                "Missing required parameter for option '--program' (P.json)",
                "dspy4j run");
        assertShortError(
                RunFixesTest.dspy4j("cache", "stats", "extra"),
                "Unmatched argument at index 2: 'extra'",
                "dspy4j cache stats");
    }

    @Test
    void aMistypedOptionKeepsItsSuggestionAndGetsTheHintInsteadOfTheUsage() {
        var r = RunFixesTest.dspy4j("run", "--program", "p.json", "--dataa", "d.jsonl", "--out", "o.jsonl");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().lines().toList())
                .containsExactly(
                        "Unknown options: '--dataa', 'd.jsonl'",
                        "Possible solutions: --data",
                        "Try 'dspy4j run --help' for more information.");
    }

    @Test
    void aRedisPasswordInABadValueIsMasked() {
        var r = RunFixesTest.dspy4j(
                "run",
                "--program",
                "p.json",
                "--data",
                "d.jsonl",
                "--out",
                "o.jsonl",
                "--cache",
                "redis://:hunter2@localhost",
                "--threads",
                "x",
                "redis://:hunter2@stray");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("hunter2").contains("Try 'dspy4j run --help'");
    }

    private static String[] concat(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
