package dev.dspy4j.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A deterministic generator of test and benchmark images: RGB PNGs of uniform random noise.
 *
 * <p>The same width, height and seed always give the same bytes; different seeds give different
 * images (and so different digests). Noise does not compress, so the PNG is stored uncompressed
 * (deflate "stored" blocks) and its size is predictable: about {@code 3 * width * height} bytes, e.g.
 * about 3 MB for 1000x1000. {@link #sideFor(long)} picks a square side for a wanted file size. The
 * images are valid PNGs that any decoder (such as {@code javax.imageio}) reads.
 */
public final class NoiseImage {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    /** Bytes of a PNG besides the pixel data: signature, IHDR, IDAT and IEND framing, zlib framing. */
    private static final int FIXED_OVERHEAD = 8 + 25 + 12 + 12 + 6;

    private static final int STORED_BLOCK = 65535;

    private NoiseImage() {}

    /**
     * An RGB PNG of random noise.
     *
     * @param width  pixels, at least 1
     * @param height pixels, at least 1
     * @param seed   the random seed; equal seeds give equal bytes
     * @return the PNG file's bytes
     */
    public static byte[] png(int width, int height, long seed) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be at least 1x1, not " + width + "x" + height);
        }
        long rawLength = (3L * width + 1) * height;
        if (rawLength > Integer.MAX_VALUE - 1024L * 1024) {
            throw new IllegalArgumentException("image " + width + "x" + height + " is too large for a byte array");
        }
        byte[] raw = new byte[(int) rawLength];
        SplittableRandom random = new SplittableRandom(seed);
        int rowLength = 3 * width + 1;
        for (int y = 0; y < height; y++) {
            int off = y * rowLength;
            raw[off] = 0; // filter type None
            fill(random, raw, off + 1, rowLength - 1);
        }

        Deflater deflater = new Deflater(Deflater.NO_COMPRESSION);
        int blocks = (int) (rawLength / STORED_BLOCK + 1);
        byte[] zlib = new byte[(int) rawLength + 5 * blocks + 64];
        deflater.setInput(raw);
        deflater.finish();
        int zlibLength = 0;
        while (!deflater.finished()) {
            if (zlibLength == zlib.length) zlib = java.util.Arrays.copyOf(zlib, zlib.length * 2);
            zlibLength += deflater.deflate(zlib, zlibLength, zlib.length - zlibLength);
        }
        deflater.end();

        ByteArrayOutputStream out = new ByteArrayOutputStream(zlibLength + FIXED_OVERHEAD);
        out.writeBytes(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, width);
        putInt(ihdr, 4, height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: RGB
        // compression 0, filter 0, interlace 0
        chunk(out, "IHDR", ihdr, 0, ihdr.length);
        chunk(out, "IDAT", zlib, 0, zlibLength);
        chunk(out, "IEND", new byte[0], 0, 0);
        return out.toByteArray();
    }

    /**
     * Writes {@link #png(int, int, long)} to {@code dir/name}, replacing any existing file.
     *
     * @param dir    the directory, created if missing
     * @param name   the file name, e.g. {@code "cat.png"}
     * @param width  pixels, at least 1
     * @param height pixels, at least 1
     * @param seed   the random seed; equal seeds give equal bytes
     * @return the path written
     * @throws IllegalArgumentException for a size {@link #png(int, int, long)} refuses
     * @throws java.io.UncheckedIOException naming the file if it cannot be written
     */
    public static Path writePng(Path dir, String name, int width, int height, long seed) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(name, "name");
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(dir);
            Files.write(file, png(width, height, seed));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write noise image " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /**
     * The side of a square noise image whose PNG has about {@code approximateBytes} bytes. For example
     * {@code sideFor(10 * 1024)} is 58, {@code sideFor(4 * 1024 * 1024)} is 1182.
     *
     * @param approximateBytes the wanted PNG size in bytes, at least 1
     * @return the side in pixels, at least 1
     * @throws IllegalArgumentException if {@code approximateBytes} is less than 1
     */
    public static int sideFor(long approximateBytes) {
        if (approximateBytes < 1) {
            throw new IllegalArgumentException("approximateBytes must be positive, not " + approximateBytes);
        }
        return (int) Math.max(1, Math.round(Math.sqrt(approximateBytes / 3.0)));
    }

    private static void fill(SplittableRandom random, byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i + 8 <= end) {
            long r = random.nextLong();
            b[i] = (byte) r;
            b[i + 1] = (byte) (r >>> 8);
            b[i + 2] = (byte) (r >>> 16);
            b[i + 3] = (byte) (r >>> 24);
            b[i + 4] = (byte) (r >>> 32);
            b[i + 5] = (byte) (r >>> 40);
            b[i + 6] = (byte) (r >>> 48);
            b[i + 7] = (byte) (r >>> 56);
            i += 8;
        }
        if (i < end) {
            long r = random.nextLong();
            for (; i < end; i++) {
                b[i] = (byte) r;
                r >>>= 8;
            }
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int off, int len) {
        byte[] header = new byte[8];
        putInt(header, 0, len);
        for (int i = 0; i < 4; i++) header[4 + i] = (byte) type.charAt(i);
        CRC32 crc = new CRC32();
        crc.update(header, 4, 4);
        crc.update(data, off, len);
        out.writeBytes(header);
        out.write(data, off, len);
        byte[] c = new byte[4];
        putInt(c, 0, (int) crc.getValue());
        out.writeBytes(c);
    }

    private static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
