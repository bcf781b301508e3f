package dev.dspy4j.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java usage compiles exactly as printed (imports included), with javac from this JDK
 * against the test class path; and what the README says about {@code Module} holds: a bare
 * {@code Module} under {@code import dev.dspy4j.module.*} is ambiguous with {@code java.lang.Module},
 * and the single-type import resolves it.
 */
class ReadmeUsageCompilesTest {
    @TempDir
    Path dir;

    private static String readme() throws IOException {
        // surefire runs in the module directory; the README is at the repository root
        return Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    }

    /** The first ```java block after the heading. */
    static String javaBlockAfter(String markdown, String heading) {
        int at = markdown.indexOf(heading);
        assertThat(at).as("README has " + heading).isNotNegative();
        Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        assertThat(m.find(at)).as("a java block after " + heading).isTrue();
        return m.group(1);
    }

    private String compile(String className, String source) throws IOException {
        Path src = dir.resolve(className + ".java");
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter out = new StringWriter();
        int rc = javac.run(
                null,
                null,
                new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        out.write(b);
                    }
                },
                List.of(
                                "-d",
                                dir.resolve("classes").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "-proc:none",
                                src.toString())
                        .toArray(String[]::new));
        return rc == 0 ? "" : out.toString().isEmpty() ? "javac failed" : out.toString();
    }

    @Test
    void theUsageBlockCompilesAsPrinted() throws IOException {
        String block = javaBlockAfter(readme(), "## Usage");
        assertThat(block).contains(".baseUrl(").contains("import ");

        assertThat(compile("Animals", block)).isEmpty();
    }

    @Test
    void theModuleImportAdviceHolds() throws IOException {
        String body = "class UsesModule { Module m; }\n";
        String wildcard = "import dev.dspy4j.module.*;\n" + body;
        assertThat(compile("UsesModule", wildcard)).contains("reference to Module is ambiguous");

        String advice = javaBlockAfter(readme(), "**`Module` and `import dev.dspy4j.module.*`.**");
        assertThat(compile("UsesModule", advice + body)).isEmpty();
    }
}
