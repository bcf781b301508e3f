package dev.dspy4j.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MediaTypeAndDigestTest {

    @Test
    void mediaTypesAreNormalised() {
        assertThat(MediaType.of("IMAGE/PNG; charset=binary")).isEqualTo(MediaType.PNG);
        assertThat(MediaType.of("image/jpg")).isEqualTo(MediaType.JPEG);
        assertThat(MediaType.of("audio/x-wav")).isEqualTo(MediaType.WAV);
        assertThat(MediaType.of("audio/mp3")).isEqualTo(MediaType.MP3);
        assertThat(MediaType.PNG.type()).isEqualTo("image");
        assertThat(MediaType.PNG.subtype()).isEqualTo("png");
        assertThat(MediaType.PNG.isImage()).isTrue();
        assertThat(MediaType.WAV.isAudio()).isTrue();
        assertThatThrownBy(() -> MediaType.of("png"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'png' is not a media type (expected type/subtype)");
    }

    @Test
    void digestHasHexAndBytesAndCompareByValue() {
        Payload p = Payload.of("abc".getBytes(StandardCharsets.US_ASCII), MediaType.TEXT);
        Digest d = p.digest();
        // SHA-256("abc"), FIPS 180-2 test vector
        assertThat(d.hex()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(d.shortHex()).isEqualTo("ba7816bf8f01");
        assertThat(d.toString()).isEqualTo("sha256:" + d.hex());
        assertThat(Digest.ofHex(d.hex())).isEqualTo(d).hasSameHashCodeAs(d);
        assertThat(Digest.of(d.bytes())).isEqualTo(d);
        byte[] copy = d.bytes();
        copy[0] = 0;
        assertThat(d.bytes()[0]).isEqualTo((byte) 0xba);
        byte[] into = new byte[40];
        assertThat(d.copyInto(into, 8)).isEqualTo(Digest.LENGTH);
        assertThat(into[8]).isEqualTo((byte) 0xba);
        assertThatThrownBy(() -> Digest.of(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a SHA-256 digest has 32 bytes, not 31");
    }
}
