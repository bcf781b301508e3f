package dev.dspy4j.cli;

import static dev.dspy4j.cli.RunFixesTest.dspy4j;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a new user met first on the command line: mistyped options, copied help examples, broken JSONL lines. */
class CliFirstUseTest {
    @TempDir
    Path dir;

    @Test
    void aMistypedOptionIsNamedWithASuggestionBeforeAnyMissingRequiredOption() {
        for (String[] args : List.of(
                new String[] {"evaluate", "--program", "p.json", "--dataa", "d.jsonl", "--metric", "exact_match"},
                new String[] {"evaluate", "--program", "p.json", "--dataa=d.jsonl", "--metric", "exact_match"},
                new String[] {"run", "--program", "p.json", "--dataa", "d.jsonl", "--out", "o.jsonl"})) {
            var r = dspy4j(args);
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err())
                    .startsWith("Unknown option")
                    .contains("'--dataa")
                    .contains("Possible solutions: --data")
                    .doesNotContain("Missing required");
        }
        // with nothing mistyped, the missing option is still named
        var missing = dspy4j("evaluate", "--program", "p.json", "--metric", "exact_match");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--data=D.jsonl'");
    }

    @Test
    void everyHelpExampleLineAppearsWholeSoItCanBeCopied() {
        List<CommandLine> all = new ArrayList<>();
        collect(Main.commandLine(), all);
        int examples = 0;
        for (CommandLine c : all) {
            StringWriter help = new StringWriter();
            c.usage(new PrintWriter(help));
            List<String> shown = help.toString().lines().toList();
            for (String line : c.getCommandSpec().usageMessage().footer()) {
                if (!line.startsWith("  dspy4j ") && !line.startsWith("      ") && !line.startsWith("  #")) continue;
                examples++;
                // a footer line is a format string: what is shown is the line formatted ("80%%" shows as "80%")
                assertThat(shown).as(c.getCommandName() + " --help").contains(String.format(line));
            }
        }
        assertThat(examples).isGreaterThan(20);
        StringWriter cache = new StringWriter();
        Main.commandLine().getSubcommands().get("cache").usage(new PrintWriter(cache));
        assertThat(cache.toString()).contains("Examples:").contains("  dspy4j cache verify --cache-dir");
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        c.getSubcommands().values().forEach(s -> collect(s, into));
    }

    @Test
    void aMalformedJsonlLineIsNamedByLineAndColumnWithoutJacksonsInternals() throws IOException {
        Path demos = dir.resolve("demos.jsonl");
        Files.writeString(
                demos,
                "{\"question\": \"a?\", \"answer\": \"b\"}\n{\"question\": \"c?\", \"answer\": \n"
                        + "{\"question\": x}\n");
        var r = dspy4j(
                "new",
                "--signature",
                "question -> answer",
                "--demos",
                demos.toString(),
                "--out",
                dir.resolve("p.json").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains(demos + " line 2: not valid JSON: Unexpected end-of-input within/between Object "
                        + "entries at column 30\n")
                .contains(
                        demos + " line 3: not valid JSON: Unrecognized token 'x': was expecting (JSON String, Number, "
                                + "Array, Object or token 'null', 'true' or 'false') at column 14\n")
                .doesNotContain("Source")
                .doesNotContain("REDACTED")
                .doesNotContain("StreamReadFeature");
    }
}
