package dev.dspy4j.media;

import dev.dspy4j.testing.NoiseImage;
import java.util.Arrays;

/** Minimal byte sequences that start like each recognised format (enough for sniffing). */
final class TestBytes {
    private TestBytes() {}

    static byte[] png() {
        return NoiseImage.png(4, 4, 1);
    }

    static byte[] jpeg() {
        return pad(0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0);
    }

    static byte[] gif() {
        return pad('G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0);
    }

    static byte[] webp() {
        return pad('R', 'I', 'F', 'F', 0x24, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' ');
    }

    static byte[] wav() {
        return pad('R', 'I', 'F', 'F', 0x24, 0, 0, 0, 'W', 'A', 'V', 'E', 'f', 'm', 't', ' ');
    }

    static byte[] mp3() {
        return pad('I', 'D', '3', 4, 0, 0, 0, 0, 0, 0);
    }

    /** An MP3 without an ID3 tag: MPEG-1 layer III frame header (FF FB 90 64). */
    static byte[] mp3Frame() {
        return pad(0xFF, 0xFB, 0x90, 0x64);
    }

    static byte[] flac() {
        return pad('f', 'L', 'a', 'C', 0, 0, 0, 0x22);
    }

    static byte[] ogg() {
        return pad('O', 'g', 'g', 'S', 0, 2, 0, 0);
    }

    static byte[] pdf() {
        return pad('%', 'P', 'D', 'F', '-', '1', '.', '7', '\n');
    }

    static byte[] bmp() {
        return pad('B', 'M', 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0);
    }

    static byte[] tiffLittleEndian() {
        return pad('I', 'I', 0x2A, 0, 8, 0, 0, 0);
    }

    static byte[] tiffBigEndian() {
        return pad('M', 'M', 0, 0x2A, 0, 0, 0, 8);
    }

    /** An ISO base media file: a {@code ftyp} box of 0x1C bytes with a major and two compatible brands. */
    static byte[] ftyp(String major, String compatible1, String compatible2) {
        byte[] b = pad(0, 0, 0, 0x1C, 'f', 't', 'y', 'p');
        String brands = major + "\0\0\0\0" + compatible1 + compatible2;
        for (int i = 0; i < brands.length(); i++) b[8 + i] = (byte) brands.charAt(i);
        return b;
    }

    static byte[] heic() {
        return ftyp("heic", "mif1", "heic");
    }

    static byte[] avif() {
        return ftyp("avif", "mif1", "miaf");
    }

    static byte[] m4a() {
        return ftyp("M4A ", "M4A ", "isom");
    }

    /** AAC in ADTS: sync FFF, MPEG-4, layer 00, no CRC; profile LC, 44.1 kHz. */
    static byte[] adts() {
        return pad(0xFF, 0xF1, 0x50, 0x80);
    }

    /** The start of a WebM file: an EBML header whose DocType is "webm". */
    static byte[] webm() {
        return pad(
                0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42, 0xF2, 0x81, 0x04,
                0x42, 0xF3, 0x81, 0x08, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm', 0x42, 0x87, 0x81, 0x04);
    }

    static byte[] text() {
        return "just some plain text, no magic".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The given leading bytes followed by filler, 64 bytes in all. */
    static byte[] pad(int... head) {
        byte[] b = new byte[64];
        Arrays.fill(b, (byte) 0x2A);
        for (int i = 0; i < head.length; i++) b[i] = (byte) head[i];
        return b;
    }
}
