package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiFiles;
import dev.dspy4j.lm.upload.RemoteFile;
import dev.dspy4j.lm.upload.SqliteUploadRegistry;
import dev.dspy4j.lm.upload.Upload;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dspy4j files list|purge} over uploads recorded beside the cache, deleting at a loopback Files API. */
class FilesCommandTest {
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private Path cache;

    record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void setUp() {
        server = LoopbackChatServer.builder().start();
        cache = dir.resolve("cache");
        FilesCommand.clock = Clock.fixed(NOW, ZoneOffset.UTC);
    }

    @AfterEach
    void tearDown() {
        FilesCommand.clock = Clock.systemUTC();
        server.close();
    }

    /** Uploads a noise PNG to the loopback Files API and records it as made {@code ago} before NOW. */
    private Upload upload(long seed, Duration ago) throws Exception {
        OpenAiFiles files = OpenAiFiles.of(OpenAiChat.builder()
                .baseUrl(server.baseUrl())
                .model("m")
                .cache(null)
                .build());
        Payload png = Payload.of(NoiseImage.writePng(dir.resolve("img"), seed + ".png", 8, 8, seed), MediaType.PNG);
        try (SqliteUploadRegistry r = SqliteUploadRegistry.open(cache)) {
            return r.ensure(new Upload.Key(files.provider(), files.account(), png.digest()), png.size(), () -> {
                RemoteFile f = files.upload(png, seed + ".png");
                return new RemoteFile(f.id(), f.filename(), f.bytes(), null, f.purpose(), NOW.minus(ago), null);
            });
        }
    }

    @Test
    void listShowsEachUploadAndPurgeDeletesTheOldOnesAtTheProviderThenTheRest() throws Exception {
        Upload old = upload(1, Duration.ofDays(10));
        Upload recent = upload(2, Duration.ofHours(5));
        Upload forgotten = upload(3, Duration.ofDays(8));
        server.files().forget(forgotten.fileId()); // the provider deleted it already

        Result list = run("files", "list", "--cache-dir", cache.toString());
        assertThat(list.exit()).isZero();
        String account = server.baseUrl();
        assertThat(list.out())
                .isEqualTo(String.format(
                                "%-9s  %-32s  %-12s  %-28s  %10s  %s%n",
                                "provider", "account", "digest", "id", "bytes", "age")
                        + String.format(
                                "%-9s  %-32s  %-12s  %-28s  %10d  %s%n",
                                "openai", account, old.digest().shortHex(), old.fileId(), old.bytes(), "10 d")
                        + String.format(
                                "%-9s  %-32s  %-12s  %-28s  %10d  %s%n",
                                "openai",
                                account,
                                forgotten.digest().shortHex(),
                                forgotten.fileId(),
                                forgotten.bytes(),
                                "8 d")
                        + String.format(
                                "%-9s  %-32s  %-12s  %-28s  %10d  %s%n",
                                "openai", account, recent.digest().shortHex(), recent.fileId(), recent.bytes(), "5 h")
                        + "3 uploads, " + CacheCommand.size(old.bytes() + recent.bytes() + forgotten.bytes())
                        + System.lineSeparator());

        Result json = run("files", "list", "--cache-dir", cache.toString(), "--json");
        assertThat(json.out().lines().toList()).hasSize(3);
        assertThat(json.out().lines().findFirst().orElseThrow())
                .isEqualTo("{\"provider\":\"openai\",\"account\":\""
                        + account + "\",\"digest\":\"" + old.digest().hex() + "\",\"file_id\":\"" + old.fileId()
                        + "\",\"bytes\":"
                        + old.bytes() + ",\"created\":\"" + NOW.minus(Duration.ofDays(10))
                        + "\",\"expires\":null,\"age_seconds\":864000}");

        Result purgeOld = run("files", "purge", "--older-than", "7", "--cache-dir", cache.toString());
        assertThat(purgeOld.exit()).as(purgeOld.err()).isZero();
        assertThat(purgeOld.out())
                .contains("deleted openai " + account + " " + old.digest().shortHex() + " " + old.fileId())
                .contains("gone    openai " + account + " " + forgotten.digest().shortHex() + " " + forgotten.fileId())
                .endsWith("1 deleted, 1 already gone at the provider, 0 not deleted, 1 newer kept"
                        + System.lineSeparator());
        assertThat(server.files().deleteCount()).isEqualTo(1);
        assertThat(server.files().get(old.fileId())).isNull();
        assertThat(server.files().get(recent.fileId())).isNotNull();
        assertThat(run("files", "list", "--cache-dir", cache.toString()).out())
                .contains(recent.fileId())
                .doesNotContain(old.fileId())
                .doesNotContain(forgotten.fileId());

        Result purgeAll = run("files", "purge", "--cache-dir", cache.toString());
        assertThat(purgeAll.out())
                .endsWith("1 deleted, 0 already gone at the provider, 0 not deleted" + System.lineSeparator());
        assertThat(server.files().list()).isEmpty();
        assertThat(run("files", "list", "--cache-dir", cache.toString()).out())
                .isEqualTo("no uploads recorded in "
                        + cache.resolve(SqliteUploadRegistry.FILE_NAME).toAbsolutePath() + System.lineSeparator());
    }

    @Test
    void anUnreachableProviderKeepsTheRecordAndExitsOne() throws Exception {
        Upload u = upload(4, Duration.ofDays(1));
        server.close();
        Result r = run("files", "purge", "--cache-dir", cache.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("not deleted " + u.fileId() + " at openai " + server.baseUrl());
        assertThat(r.out())
                .endsWith("0 deleted, 0 already gone at the provider, 1 not deleted" + System.lineSeparator());
        assertThat(run("files", "list", "--cache-dir", cache.toString()).out()).contains(u.fileId());
    }

    @Test
    void theTopLevelHelpShowsTheWholeFilesLine() {
        assertThat(run("--help").out())
                .contains("files     Show or delete what run --uploads uploaded to providers' Files APIs."
                        + System.lineSeparator());
    }

    @Test
    void noCacheAndABadDayCountAreSaidPlainly() {
        assertThat(run("files", "list", "--cache-dir", dir.resolve("none").toString())
                        .out())
                .isEqualTo("no uploads recorded: the cache directory " + dir.resolve("none") + " does not exist"
                        + System.lineSeparator());
        Result bad = run("files", "purge", "--older-than", "-1", "--cache-dir", cache.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--older-than must be a number of days, 0 or more, not -1.0");
    }
}
