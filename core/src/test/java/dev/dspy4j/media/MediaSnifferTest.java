package dev.dspy4j.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MediaSnifferTest {

    static Stream<Arguments> recognised() {
        return Stream.of(
                Arguments.of("png", TestBytes.png(), MediaType.PNG),
                Arguments.of("jpeg", TestBytes.jpeg(), MediaType.JPEG),
                Arguments.of("gif89a", TestBytes.gif(), MediaType.GIF),
                Arguments.of("gif87a", TestBytes.pad('G', 'I', 'F', '8', '7', 'a'), MediaType.GIF),
                Arguments.of("webp", TestBytes.webp(), MediaType.WEBP),
                Arguments.of("wav", TestBytes.wav(), MediaType.WAV),
                Arguments.of("mp3 with ID3", TestBytes.mp3(), MediaType.MP3),
                Arguments.of("mp3 frame", TestBytes.mp3Frame(), MediaType.MP3),
                Arguments.of("mpeg-2 layer III frame", TestBytes.pad(0xFF, 0xF3, 0x64, 0xC4), MediaType.MP3),
                Arguments.of("flac", TestBytes.flac(), MediaType.FLAC),
                Arguments.of("ogg", TestBytes.ogg(), MediaType.OGG),
                Arguments.of("pdf", TestBytes.pdf(), MediaType.PDF),
                Arguments.of("bmp", TestBytes.bmp(), MediaType.BMP),
                Arguments.of("tiff little-endian", TestBytes.tiffLittleEndian(), MediaType.TIFF),
                Arguments.of("tiff big-endian", TestBytes.tiffBigEndian(), MediaType.TIFF),
                Arguments.of("heic", TestBytes.heic(), MediaType.HEIC),
                Arguments.of("heif (mif1 only)", TestBytes.ftyp("mif1", "mif1", "miaf"), MediaType.HEIF),
                Arguments.of("avif", TestBytes.avif(), MediaType.AVIF),
                Arguments.of("avif under a mif1 major brand", TestBytes.ftyp("mif1", "avif", "miaf"), MediaType.AVIF),
                Arguments.of("m4a", TestBytes.m4a(), MediaType.M4A),
                Arguments.of("aac adts", TestBytes.adts(), MediaType.AAC),
                Arguments.of("webm", TestBytes.webm(), MediaType.WEBM),
                Arguments.of("mp4 video (isom)", TestBytes.ftyp("isom", "iso2", "mp41"), MediaType.MP4),
                Arguments.of("mp4 video (mp42)", TestBytes.ftyp("mp42", "mp42", "mp41"), MediaType.MP4),
                Arguments.of(
                        "mp4 video (avc1 among compatible brands)",
                        TestBytes.ftyp("XAVC", "avc1", "XAVC"),
                        MediaType.MP4),
                Arguments.of("quicktime", TestBytes.ftyp("qt  ", "qt  ", "    "), MediaType.MOV),
                Arguments.of(
                        "m4a that also lists isom stays audio", TestBytes.ftyp("M4A ", "isom", "mp42"), MediaType.M4A));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recognised")
    void recognisesEachFormatAndAPayloadTakesTheSniffedType(String name, byte[] bytes, MediaType expected) {
        assertThat(MediaSniffer.sniff(bytes, bytes.length)).isEqualTo(expected);
        assertThat(MediaSniffer.recognises(expected)).isTrue();
        assertThat(Payload.of(bytes).mediaType()).isEqualTo(expected);
    }

    static Stream<Arguments> unrecognised() {
        return Stream.of(
                Arguments.of("plain text", TestBytes.text()),
                Arguments.of(
                        "RIFF of another kind (AVI)",
                        TestBytes.pad('R', 'I', 'F', 'F', 0, 0, 0, 0, 'A', 'V', 'I', ' ')),
                Arguments.of("ADTS with a reserved sampling frequency", TestBytes.pad(0xFF, 0xF1, 0x7C, 0x80)),
                Arguments.of("BM without zero reserved fields", TestBytes.pad('B', 'M', 1, 2, 3, 4, 5, 6, 7, 8)),
                Arguments.of("3GP video (3gp4)", TestBytes.ftyp("3gp4", "3gp4", "3gp5")),
                Arguments.of(
                        "Matroska that is not WebM",
                        TestBytes.pad(
                                0x1A, 0x45, 0xDF, 0xA3, 0x42, 0x82, 0x88, 'm', 'a', 't', 'r', 'o', 's', 'k', 'a')),
                Arguments.of("frame sync with reserved MPEG version", TestBytes.pad(0xFF, 0xEB, 0x90, 0x64)),
                Arguments.of("frame sync with invalid bitrate", TestBytes.pad(0xFF, 0xFB, 0xF0, 0x64)),
                Arguments.of("GIF prefix without version", TestBytes.pad('G', 'I', 'F', '8', 'x')),
                Arguments.of("zip", TestBytes.pad('P', 'K', 3, 4)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unrecognised")
    void doesNotGuessOtherFormats(String name, byte[] bytes) {
        assertThat(MediaSniffer.sniff(bytes, bytes.length)).isNull();
    }

    @Test
    void truncatedHeadsAreNotRecognised() {
        byte[] png = TestBytes.png();
        assertThat(MediaSniffer.sniff(png, 7)).isNull();
        assertThat(MediaSniffer.sniff(png, 8)).isEqualTo(MediaType.PNG);
        byte[] webp = TestBytes.webp();
        assertThat(MediaSniffer.sniff(webp, 11)).isNull();
        assertThat(MediaSniffer.sniff(new byte[0], 0)).isNull();
    }

    @Test
    void textAndOctetStreamAreNotCheckable() {
        assertThat(MediaSniffer.recognises(MediaType.TEXT)).isFalse();
        assertThat(MediaSniffer.recognises(MediaType.OCTET_STREAM)).isFalse();
    }
}
