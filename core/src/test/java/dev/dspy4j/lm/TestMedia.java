package dev.dspy4j.lm;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Deterministic test bytes that the media sniffer recognises: a PNG, WAV or PDF header, then noise. */
public final class TestMedia {
    private TestMedia() {}

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    public static byte[] png(int size, long seed) {
        return withHeader(PNG, size, seed);
    }

    public static byte[] wav(int size, long seed) {
        byte[] h = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'};
        return withHeader(h, size, seed);
    }

    public static byte[] pdf(int size, long seed) {
        return withHeader(new byte[] {'%', 'P', 'D', 'F', '-', '1', '.', '7', '\n'}, size, seed);
    }

    /** An MP4 video header ({@code ftyp} box, brand isom), then noise. */
    public static byte[] mp4(int size, long seed) {
        byte[] h = {
            0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's', 'o', 'm', 'm', 'p', '4', '1'
        };
        return withHeader(h, size, seed);
    }

    private static byte[] withHeader(byte[] header, int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        System.arraycopy(header, 0, b, 0, header.length);
        return b;
    }

    /** Writes a PNG-headed noise file of {@code size} bytes without holding it in memory at once. */
    public static Path pngFile(Path dir, String name, long size, long seed) {
        Path p = dir.resolve(name);
        Random r = new Random(seed);
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(p)) {
            out.write(PNG);
            long left = size - PNG.length;
            while (left > 0) {
                int n = (int) Math.min(buf.length, left);
                r.nextBytes(buf);
                out.write(buf, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
