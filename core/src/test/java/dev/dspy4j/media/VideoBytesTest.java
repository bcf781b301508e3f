package dev.dspy4j.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VideoBytesTest {

    /** Video.of(byte[]) promises a copy; WebM and MP4 (first sniffed as audio) were wrapped without one. */
    @Test
    void videoFromBytesKeepsItsOwnCopyForEveryContainer() {
        for (byte[] bytes : new byte[][] {TestBytes.webm(), TestBytes.m4a()}) {
            byte[] expected = bytes.clone();
            Video v = Video.of(bytes);
            bytes[bytes.length - 1] ^= 0x55; // the caller reuses its buffer
            assertThat(v.payload().mediaType().isVideo()).isTrue();
            assertThat(v.payload().readAllBytes()).isEqualTo(expected);
        }
    }
}
