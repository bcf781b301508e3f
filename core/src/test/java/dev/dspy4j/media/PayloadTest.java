package dev.dspy4j.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.testing.NoiseImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadTest {
    @TempDir
    Path dir;

    private static String sha256Hex(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    // ---- sources ----

    @Test
    void bytesAreCopiedOnceByOfAndNotByWrap() {
        byte[] png = TestBytes.png();
        byte[] original = png.clone();
        Payload copied = Payload.of(png);
        Payload wrapped = Payload.wrap(png);
        png[png.length - 1] ^= 1; // change the caller's array after construction

        assertThat(copied.readAllBytes()).isEqualTo(original);
        assertThat(wrapped.readAllBytes()).isEqualTo(png);
        assertThat(copied.digest()).isNotEqualTo(wrapped.digest());
    }

    @Test
    void digestIsSha256OfTheBytesAndEqualBytesGiveEqualPayloads() throws Exception {
        byte[] png = NoiseImage.png(20, 10, 7);
        Path file = Files.write(dir.resolve("a.png"), png);
        Payload mem = Payload.of(png);
        Payload onDisk = Payload.of(file);

        assertThat(mem.digest().hex()).isEqualTo(sha256Hex(png));
        assertThat(onDisk.digest()).isEqualTo(mem.digest());
        assertThat(onDisk).isEqualTo(mem).hasSameHashCodeAs(mem);
        assertThat(mem.mediaType()).isEqualTo(MediaType.PNG);
        assertThat(mem.size()).isEqualTo(png.length);
        assertThat(Payload.of(NoiseImage.png(20, 10, 8))).isNotEqualTo(mem);
    }

    @Test
    void fileSourceReadsOnDemandAndNamesThePath() throws Exception {
        byte[] png = NoiseImage.png(30, 30, 1);
        Path file = Files.write(dir.resolve("cat.png"), png);
        Payload p = Payload.of(file);

        assertThat(p.describe()).isEqualTo("file " + file);
        assertThat(p.hasDigest()).isFalse();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(png);
        try (InputStream in = p.openStream()) {
            assertThat(in.readAllBytes()).isEqualTo(png);
        }
        assertThat(p.toString()).isEqualTo("Payload[image/png, " + png.length + " bytes]");
        p.digest();
        assertThat(p.toString())
                .isEqualTo("Payload[image/png, " + png.length + " bytes, "
                        + sha256Hex(png).substring(0, 12) + "]");
    }

    @Test
    void base64AndDataUriAreDecodedOnce() throws Exception {
        byte[] png = NoiseImage.png(5, 5, 3);
        String b64 = Base64.getEncoder().encodeToString(png);

        Payload fromB64 = Payload.ofBase64(b64);
        Payload fromMime = Payload.ofBase64(Base64.getMimeEncoder().encodeToString(png), MediaType.PNG);
        Payload fromUri = Payload.ofDataUri("data:image/png;base64," + b64);
        Payload untypedUri = Payload.ofDataUri("data:;base64," + b64);

        for (Payload p : List.of(fromB64, fromMime, fromUri, untypedUri)) {
            assertThat(p.mediaType()).isEqualTo(MediaType.PNG);
            assertThat(p.readAllBytes()).isEqualTo(png);
            assertThat(p.digest().hex()).isEqualTo(sha256Hex(png));
        }
        assertThat(fromUri.describe()).isEqualTo("data URI");
        assertThat(fromB64.describe()).isEqualTo("base64 string");
    }

    @Test
    void declaredTypeMatchingTheBytesOrUnrecognisableIsAccepted() {
        assertThat(Payload.of(TestBytes.jpeg(), MediaType.of("image/jpg")).mediaType())
                .isEqualTo(MediaType.JPEG);
        assertThat(Payload.of(TestBytes.text(), MediaType.TEXT).mediaType()).isEqualTo(MediaType.TEXT);
        assertThat(Payload.of(TestBytes.text(), MediaType.of("text/csv; charset=utf-8"))
                        .mediaType()
                        .value())
                .isEqualTo("text/csv");
        // octet-stream claims nothing about the bytes, so any bytes may carry it
        assertThat(Payload.of(TestBytes.pdf(), MediaType.OCTET_STREAM).mediaType())
                .isEqualTo(MediaType.OCTET_STREAM);
    }

    // ---- errors, each naming the source ----

    @Test
    void declaredTypeContradictingTheBytesIsRefused() throws Exception {
        Path file = Files.write(dir.resolve("photo.png"), TestBytes.jpeg());
        assertThatThrownBy(() -> Payload.of(file, MediaType.PNG))
                .isInstanceOf(PayloadException.class)
                .hasMessage("file " + file + " was declared image/png but its bytes are image/jpeg");
        assertThatThrownBy(() -> Payload.of(TestBytes.text(), MediaType.PDF))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith(
                        "in-memory bytes was declared application/pdf but its bytes are not application/pdf");
        assertThatThrownBy(() -> Payload.ofDataUri(
                        "data:image/gif;base64," + Base64.getEncoder().encodeToString(TestBytes.png())))
                .isInstanceOf(PayloadException.class)
                .hasMessage("data URI was declared image/gif but its bytes are image/png");
    }

    @Test
    void emptyFileIsRefused() throws Exception {
        Path file = Files.write(dir.resolve("empty.png"), new byte[0]);
        assertThatThrownBy(() -> Payload.of(file))
                .isInstanceOf(PayloadException.class)
                .hasMessage("file " + file + " is empty");
        assertThatThrownBy(() -> Payload.of(new byte[0], MediaType.TEXT))
                .isInstanceOf(PayloadException.class)
                .hasMessage("in-memory bytes is empty");
        assertThatThrownBy(() -> Payload.ofDataUri("data:image/png;base64,"))
                .isInstanceOf(PayloadException.class)
                .hasMessage("data URI is empty");
    }

    @Test
    void missingOrUnreadableFileIsRefused() throws Exception {
        Path missing = dir.resolve("missing.png");
        assertThatThrownBy(() -> Payload.of(missing))
                .isInstanceOf(PayloadException.class)
                .hasMessage("file " + missing + " does not exist");
        Path directory = Files.createDirectory(dir.resolve("adir"));
        assertThatThrownBy(() -> Payload.of(directory))
                .isInstanceOf(PayloadException.class)
                .hasMessage("file " + directory + " cannot be read: it is a directory");
    }

    @Test
    void unknownFormatIsRefusedWithTheFirstBytes() throws Exception {
        Path file = Files.write(dir.resolve("notes.bin"), TestBytes.text());
        assertThatThrownBy(() -> Payload.of(file))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith(
                        "file " + file + " is of an unknown format (first bytes 6a 75 73 74 20 73 6f 6d)")
                .hasMessageContaining("must be declared");
    }

    @Test
    void payloadOverTheLimitIsRefused() throws Exception {
        byte[] png = NoiseImage.png(20, 20, 1); // 1,290 bytes
        Path file = Files.write(dir.resolve("big.png"), png);
        PayloadLoader small = Payload.maxBytes(1000);
        assertThat(small.maxBytes()).isEqualTo(1000);

        assertThatThrownBy(() -> small.of(file))
                .isInstanceOf(PayloadException.class)
                .hasMessage("file " + file + " has " + png.length + " bytes, over the limit of 1000 bytes");
        assertThatThrownBy(() -> small.of(png))
                .isInstanceOf(PayloadException.class)
                .hasMessage("in-memory bytes has " + png.length + " bytes, over the limit of 1000 bytes");
        assertThatThrownBy(() -> small.ofDataUri(
                        "data:image/png;base64," + Base64.getEncoder().encodeToString(png)))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("data URI has ")
                .hasMessageEndingWith(" bytes, over the limit of 1000 bytes");
        assertThatThrownBy(() -> Payload.of(new CountingSource(png, "source X"), null, png.length - 1))
                .isInstanceOf(PayloadException.class)
                .hasMessage("source X has " + png.length + " bytes, over the limit of " + (png.length - 1) + " bytes");
        assertThatThrownBy(() -> Payload.maxBytes(10).ofBase64("A".repeat(1000), null))
                .isInstanceOf(PayloadException.class)
                .hasMessage("base64 string has 1000 base64 characters, over the limit of 10 bytes");
        // exactly at the limit is fine
        assertThat(Payload.maxBytes(png.length).of(file).size()).isEqualTo(png.length);
        assertThatThrownBy(() -> Payload.maxBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultLimitIsFiftyMegabytes() {
        byte[] big = new byte[(int) Payload.DEFAULT_MAX_BYTES + 1];
        System.arraycopy(TestBytes.pdf(), 0, big, 0, 9);
        assertThatThrownBy(() -> Payload.wrap(big))
                .isInstanceOf(PayloadException.class)
                .hasMessage("in-memory bytes has 52428801 bytes, over the limit of 52428800 bytes");
        assertThat(Payload.wrap(java.util.Arrays.copyOf(big, big.length - 1)).mediaType())
                .isEqualTo(MediaType.PDF);
    }

    @Test
    void fileThatGrowsAfterLoadingIsRefused() throws Exception {
        byte[] before = NoiseImage.png(10, 10, 1);
        byte[] after = NoiseImage.png(11, 10, 1);
        Path file = Files.write(dir.resolve("grow.png"), before);
        Payload p = Payload.of(file);
        Files.write(file, after);
        assertThatThrownBy(p::digest)
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("file " + file + " changed after it was loaded (size " + before.length + " -> "
                        + after.length + " bytes");
        assertThatThrownBy(() -> p.writeTo(new ByteArrayOutputStream()))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("file " + file + " changed after it was loaded");
    }

    @Test
    void fileRewrittenWithTheSameSizeIsRefusedByItsModificationTime() throws Exception {
        byte[] png = NoiseImage.png(10, 10, 1);
        Path file = Files.write(dir.resolve("same.png"), png);
        FileTime before = Files.getLastModifiedTime(file);
        Payload p = Payload.of(file);
        p.digest();
        Files.write(file, NoiseImage.png(10, 10, 2));
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 5000));
        assertThatThrownBy(p::openStream)
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("file " + file + " changed after it was loaded (size " + png.length + " -> "
                        + png.length + " bytes, modified");
    }

    @Test
    void fileSwappedForASymlinkWithTheSameSizeAndTimeIsRefused() throws Exception {
        // TOCTOU: after loading (and digesting) a.png, the path is made a symlink to another file of the
        // same size and modification time; size and time alone cannot tell, the file's identity can
        byte[] png = NoiseImage.png(10, 10, 1);
        Path file = Files.write(dir.resolve("a.png"), png);
        Payload p = Payload.of(file);
        p.digest();
        byte[] secret = new byte[png.length];
        java.util.Arrays.fill(secret, (byte) 's');
        Path outside = Files.write(dir.resolve("secret.txt"), secret);
        Files.setLastModifiedTime(outside, Files.getLastModifiedTime(file));
        Files.delete(file);
        Files.createSymbolicLink(file, outside);
        assertThatThrownBy(() -> p.writeTo(new ByteArrayOutputStream()))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("file " + file + " changed after it was loaded: it is now another file");
        // the neighbour: replaced by a rename (an atomic save), not a symlink
        Path copy = Files.write(dir.resolve("b.tmp"), NoiseImage.png(10, 10, 2));
        Files.delete(file);
        Files.setLastModifiedTime(copy, Files.getLastModifiedTime(outside));
        Files.move(copy, file);
        assertThatThrownBy(p::openStream)
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("file " + file + " changed after it was loaded: it is now another file");
    }

    @Test
    void fileDeletedAfterLoadingIsRefused() throws Exception {
        Path file = Files.write(dir.resolve("gone.png"), NoiseImage.png(10, 10, 1));
        Payload p = Payload.of(file);
        Files.delete(file);
        assertThatThrownBy(p::readAllBytes)
                .isInstanceOf(PayloadException.class)
                .hasMessage("file " + file + " changed after it was loaded: it no longer exists");
    }

    @Test
    void sourceYieldingFewerBytesThanItsSizeFailsTheStream() {
        byte[] png = TestBytes.png();
        PayloadSource lying = new PayloadSource() {
            @Override
            public long size() {
                return png.length + 10L;
            }

            @Override
            public InputStream open() {
                return new java.io.ByteArrayInputStream(png);
            }

            @Override
            public String describe() {
                return "lying source";
            }
        };
        Payload p = Payload.of(lying, null);
        assertThatThrownBy(p::digest)
                .isInstanceOf(PayloadException.class)
                .hasMessage("lying source changed after it was loaded: expected " + (png.length + 10) + " bytes, found "
                        + png.length);
    }

    @Test
    void invalidBase64AndMalformedDataUrisAreRefused() {
        assertThatThrownBy(() -> Payload.ofBase64("not*base64!", MediaType.PNG))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("base64 string is not valid base64");
        assertThatThrownBy(() -> Payload.ofDataUri("http://example.com/a.png"))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("not a data URI");
        assertThatThrownBy(() -> Payload.ofDataUri("data:image/png,rawtext"))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("data URI is not base64-encoded");
        assertThatThrownBy(() -> Payload.ofDataUri("data:nonsense;base64,AAAA"))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("data URI has an invalid media type");
    }

    // ---- digest: once, lazily, thread-safely ----

    @Test
    void digestIsComputedOnceUnderConcurrentFirstCalls() throws Exception {
        CountingSource source = CountingSource.png(200, 11);
        Payload p = Payload.of(source, null);
        long afterSniff = source.bytesRead();
        assertThat(afterSniff).isEqualTo(MediaSniffer.HEAD_BYTES);
        assertThat(p.hasDigest()).isFalse();

        int threads = 32;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Digest>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return p.digest();
                }));
            }
            start.countDown();
            Digest first = results.get(0).get(30, TimeUnit.SECONDS);
            for (Future<Digest> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(source.bytesRead() - afterSniff).isEqualTo(source.length());
        assertThat(source.opens()).isEqualTo(2); // once to sniff, once to digest
        assertThat(p.hasDigest()).isTrue();
        for (int i = 0; i < 100; i++) p.digest();
        assertThat(source.bytesRead() - afterSniff).isEqualTo(source.length());
    }

    @Test
    void creatingAPayloadReadsOnlyTheHead() throws IOException {
        CountingSource source = CountingSource.png(100, 1);
        Payload p = Payload.of(source, MediaType.PNG);
        assertThat(source.bytesRead()).isEqualTo(MediaSniffer.HEAD_BYTES);
        assertThat(p.size()).isEqualTo(source.length());
        assertThat(p.toString()).doesNotContain("89").contains("image/png");
    }
}
