package dev.dspy4j;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rule of CONTRIBUTING.md: a main source file stays readable in one sitting, at most
 * {@value #LIMIT} lines, unless a comment before its type says why it is one thing, starting with
 * {@value #REASON}. This test reads every module's {@code src/main/java} and fails on a longer file
 * without that comment, naming it and its length.
 */
class ClassSizeTest {
    static final int LIMIT = 400;
    static final String REASON = "// Longer than 400 lines on purpose:";

    private static final Path ROOT = Path.of("..");

    @Test
    void everyLongSourceFileSaysWhyAtItsTop() throws IOException {
        TreeMap<String, Integer> unexplained = new TreeMap<>();
        int files = 0;
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.toList()) {
                Path sources = module.resolve("src/main/java");
                if (!Files.isDirectory(sources)) continue;
                try (Stream<Path> walk = Files.walk(sources)) {
                    for (Path file :
                            walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                        files++;
                        List<String> lines = Files.readAllLines(file, UTF_8);
                        if (lines.size() > LIMIT && !explained(lines)) {
                            unexplained.put(ROOT.relativize(file).toString(), lines.size());
                        }
                    }
                }
            }
        }
        assertThat(files)
                .as("main source files found under %s", ROOT.toAbsolutePath())
                .isGreaterThan(100);
        assertThat(unexplained)
                .as("files over %d lines without a '%s' comment before their type", LIMIT, REASON)
                .isEmpty();
    }

    @Test
    void theReasonCountsOnlyBeforeTheTypeDeclaration() {
        assertThat(explained(List.of("package p;", REASON + " one closed type.", "public final class A {")))
                .isTrue();
        assertThat(explained(List.of("package p;", "public final class A {", "    " + REASON + " no.")))
                .isFalse();
        assertThat(explained(List.of("package p;", "/** A. */", "public final class A {")))
                .isFalse();
    }

    /** Whether a line starting with {@link #REASON} comes before the first top-level type declaration. */
    static boolean explained(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith(REASON)) return true;
            if (line.matches(
                    "(public |abstract |final |sealed |non-sealed )*(class|interface|record|enum|@interface) .*"))
                return false;
        }
        return false;
    }
}
