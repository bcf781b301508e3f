package dev.dspy4j.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Base64 is decoded exactly (standard or URL-safe, padded or not, with line breaks) or refused. */
class Base64DecodingTest {

    /** A PNG signature then every byte value: its base64 holds both '+' and '/' (or '-' and '_'). */
    static byte[] pngWithEveryByte() {
        byte[] sig = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        byte[] b = new byte[sig.length + 256 * 3];
        System.arraycopy(sig, 0, b, 0, sig.length);
        for (int i = 0; i < 256 * 3; i++) b[sig.length + i] = (byte) (i * 7 + i / 256);
        return b;
    }

    private static byte[] bytes(Payload p) {
        return p.readAllBytes();
    }

    @Test
    void urlSafePngDecodesToTheSameBytesAsStandard() {
        byte[] png = pngWithEveryByte();
        String urlSafe = Base64.getUrlEncoder().encodeToString(png);
        assertThat(urlSafe).contains("-").contains("_");

        Payload p = Payload.ofBase64(urlSafe);

        assertThat(p.mediaType()).isEqualTo(MediaType.PNG);
        assertThat(p.size()).isEqualTo(png.length);
        assertThat(bytes(p)).isEqualTo(png);
    }

    @Test
    void paddingIsOptionalAndLineBreaksAreAllowedInBothAlphabets() {
        byte[] png = pngWithEveryByte();
        String unpaddedStandard = Base64.getEncoder().withoutPadding().encodeToString(png);
        String unpaddedUrl = Base64.getUrlEncoder().withoutPadding().encodeToString(png);
        String mime = Base64.getMimeEncoder().encodeToString(png);
        String urlWithLf = Base64.getUrlEncoder().encodeToString(png).replaceAll("(.{60})", "$1\n");
        assertThat(png.length % 3).isNotZero(); // so padding matters

        for (String s : new String[] {unpaddedStandard, unpaddedUrl, mime, urlWithLf}) {
            assertThat(bytes(Payload.ofBase64(s))).as(s.substring(0, 20)).isEqualTo(png);
        }
    }

    @Test
    void aCharacterOutsideBothAlphabetsIsRefusedWithItsIndex() {
        String b64 = Base64.getEncoder().encodeToString(pngWithEveryByte());
        String withSpace = b64.substring(0, 100) + " " + b64.substring(100);
        assertThatThrownBy(() -> Payload.ofBase64(withSpace))
                .isInstanceOf(PayloadException.class)
                .hasMessage("base64 string is not valid base64: character ' ' at index 100 is not base64 (accepted:"
                        + " A-Z a-z 0-9 with + / or with - _, '=' padding at the end, line breaks)");
        assertThatThrownBy(() -> Payload.ofBase64("iVBO*w0K", MediaType.PNG))
                .hasMessageStartingWith("base64 string is not valid base64: character '*' at index 4 is not base64");
        assertThatThrownBy(() -> Payload.ofBase64("iVBO\tw0K"))
                .hasMessageStartingWith("base64 string is not valid base64: character U+0009 at index 4 is not base64");
    }

    @Test
    void theIndexInADataUriCountsFromTheStartOfTheUri() {
        assertThatThrownBy(() -> Payload.ofDataUri("data:image/png;base64,iVBORw0K.GgoAAAANSUhEUg"))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("data URI is not valid base64: character '.' at index 30 is not base64");
        assertThatThrownBy(() -> Image.fromDataUri("data:image/png;base64,iVBORw0K%3D"))
                .hasMessageStartingWith("data URI is not valid base64: character '%' at index 30 is not base64");
        assertThatThrownBy(() -> Audio.fromDataUri("data:audio/wav;base64,UklGR!"))
                .hasMessageStartingWith("data URI is not valid base64: character '!' at index 27 is not base64");
    }

    @Test
    void mixingTheTwoAlphabetsIsRefused() {
        assertThatThrownBy(() -> Payload.ofBase64("iVBO+w0K_goA"))
                .hasMessageStartingWith("base64 string is not valid base64: character '_' at index 8 is from the"
                        + " URL-safe alphabet, but '+' at index 4 is from the standard one; use one alphabet");
        assertThatThrownBy(() -> Payload.ofBase64("iVBO-w0K/goA"))
                .hasMessageStartingWith("base64 string is not valid base64: character '/' at index 8 is from the"
                        + " standard alphabet, but '-' at index 4 is from the URL-safe one");
    }

    @Test
    void paddingOnlyAtTheEndAndOnlyWhereItBelongs() {
        assertThatThrownBy(() -> Payload.ofBase64("iVBORw==0KGgo"))
                .hasMessageStartingWith("base64 string is not valid base64: character '0' at index 8 is after the"
                        + " padding '=' at index 6");
        assertThatThrownBy(() -> Payload.ofBase64("iVBORw0KG==="))
                .hasMessageStartingWith("base64 string is not valid base64: 3 padding characters after 9");
        assertThatThrownBy(() -> Payload.ofBase64("iVBORw0KGg="))
                .hasMessageStartingWith("base64 string is not valid base64: 1 padding characters after 10");
        assertThatThrownBy(() -> Payload.ofBase64("iVBORw0KG"))
                .hasMessageStartingWith(
                        "base64 string is not valid base64: 9 base64 characters leave one character over");
    }

    @Test
    void ofBase64AcceptsADataUri() {
        byte[] png = pngWithEveryByte();
        String uri = "data:image/png;base64," + Base64.getUrlEncoder().encodeToString(png);

        assertThat(bytes(Payload.ofBase64(uri))).isEqualTo(png);
        assertThat(Payload.ofBase64(uri, MediaType.PNG).mediaType()).isEqualTo(MediaType.PNG);
        assertThatThrownBy(() -> Payload.ofBase64(uri, MediaType.JPEG))
                .isInstanceOf(PayloadException.class)
                .hasMessage("the base64 text is a data URI of type image/png, but it was declared image/jpeg");
    }
    /** Neighbours of the examples that the same decoder serves. */
    @Test
    void dataUrisWithParametersAnEmptyTextAndWhitespaceOtherThanLineBreaks() {
        byte[] png = pngWithEveryByte();
        String url = Base64.getUrlEncoder().encodeToString(png);
        // media type parameters (RFC 2397) before ;base64
        assertThat(bytes(Payload.ofBase64("data:image/png;name=x.png;base64," + url)))
                .isEqualTo(png);
        assertThat(bytes(Payload.ofDataUri("DATA:image/png;name=x.png;BASE64," + url)))
                .isEqualTo(png);
        assertThat(Payload.ofDataUri("data:text/plain;charset=utf-8;base64,aGk=")
                        .mediaType())
                .isEqualTo(MediaType.TEXT);

        assertThatThrownBy(() -> Payload.ofBase64(""))
                .isInstanceOf(PayloadException.class)
                .hasMessage("base64 string is empty");
        assertThatThrownBy(() -> Payload.ofBase64(url.substring(0, 8) + "\t" + url.substring(8)))
                .hasMessageStartingWith("base64 string is not valid base64: character U+0009 at index 8 is not base64");
        assertThatThrownBy(() -> Payload.ofBase64(url.substring(0, 8) + "=" + url.substring(8)))
                .hasMessageStartingWith("base64 string is not valid base64: character '" + url.charAt(8)
                        + "' at index 9 is after the padding '=' at index 8");
    }
}
