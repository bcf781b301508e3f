package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .ci/run} on a clean machine without redis-server, with the commands it runs replaced by stubs
 * that record their arguments: as root it installs the package non-interactively; as a user with
 * passwordless sudo (hosted CI runners) it installs through {@code sudo -n}; otherwise it says what to do.
 */
class CiRunScriptTest {
    @TempDir
    Path dir;

    private Path stubs(boolean root, boolean sudo) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path log = dir.resolve("log");
        Files.createSymbolicLink(bin.resolve("dirname"), Path.of("/usr/bin/dirname"));
        stub(bin, "id", "echo " + (root ? 0 : 1000));
        stub(bin, "apt-get", "echo \"apt-get $*\" >> " + log);
        stub(bin, "env", "echo \"env $1\" >> " + log + "; shift; \"$@\"");
        stub(bin, "service", "echo \"service $*\" >> " + log);
        stub(bin, "mvn", "echo \"mvn $*\" >> " + log);
        if (sudo) stub(bin, "sudo", "echo \"sudo $*\" >> " + log + "; shift; \"$@\"");
        return bin;
    }

    private static void stub(Path bin, String name, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private record Ran(int exit, String err, List<String> log) {}

    private Ran run(Path bin) throws Exception {
        Path script = Path.of("..", ".ci", "run").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString());
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        pb.redirectErrorStream(false)
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Path log = dir.resolve("log");
        return new Ran(
                p.exitValue(),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8),
                Files.exists(log) ? Files.readAllLines(log) : List.of());
    }

    @Test
    void asRootItInstallsRedisServerNonInteractivelyStopsTheServiceAndRunsTheBuild() throws Exception {
        Ran r = run(stubs(true, false));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.log())
                .containsExactly(
                        "apt-get update",
                        "env DEBIAN_FRONTEND=noninteractive",
                        "apt-get install -y --no-install-recommends redis-server",
                        "service redis-server stop",
                        "mvn -B verify");
    }

    @Test
    void asAUserWithPasswordlessSudoItInstallsThroughSudo() throws Exception {
        Ran r = run(stubs(false, true));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.log())
                .containsExactly(
                        "sudo -n true",
                        "sudo -n apt-get update",
                        "apt-get update",
                        "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server",
                        "env DEBIAN_FRONTEND=noninteractive",
                        "apt-get install -y --no-install-recommends redis-server",
                        "sudo -n service redis-server stop",
                        "service redis-server stop",
                        "mvn -B verify");
    }

    @Test
    void aUserWhoCannotInstallIsToldHowAndNothingRuns() throws Exception {
        Ran r = run(stubs(false, false));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("redis-server is not on the PATH").contains("apt-get install -y redis-server");
        assertThat(r.log()).isEmpty();
    }
}
