package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * A Redis URI given where it does not belong: the {@code cache} commands (which work on the disk cache)
 * say so plainly, and no error message echoes the URI's password.
 */
class RedisUriArgumentsTest {

    private record Result(int exit, String out, String err) {}

    private static Result dspy4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void cacheCommandsGivenARedisUriSayTheyWorkOnTheDiskCacheAndHideThePassword() {
        for (String sub : new String[] {"stats", "verify", "clear"}) {
            for (String[] args : new String[][] {
                {"cache", sub, "--cache", "redis://app:s3cret@cache.internal:6379/2"},
                {"cache", sub, "--cache-dir", "redis://app:s3cret@cache.internal:6379/2"}
            }) {
                Result r = dspy4j(args);
                assertThat(r.exit()).as(r.err()).isEqualTo(2);
                assertThat(r.err())
                        .contains("redis://app:***@cache.internal:6379/2")
                        .contains("disk cache only")
                        .contains("redis-cli");
                assertThat(r.out() + r.err()).doesNotContain("s3cret");
            }
        }
    }

    @Test
    void anUnknownOptionNextToARedisUriDoesNotEchoItsPassword() {
        Result r = dspy4j(
                "run", "--cache", "redis://:s3cret@cache.internal:6379", "--bogus", "x", "rediss://u:pass2@h:6380/1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out() + r.err()).doesNotContain("s3cret").doesNotContain("pass2");
        Result files = dspy4j("files", "list", "--cache", "redis://:s3cret@cache.internal:6379");
        assertThat(files.exit()).isEqualTo(2);
        assertThat(files.out() + files.err()).doesNotContain("s3cret").contains("redis://:***@cache.internal:6379");
    }
}
