package dev.dspy4j.media;

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
