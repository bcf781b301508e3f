package dev.dspy4j.adapter;

import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/** Tiny valid media payloads for tests. */
final class TestMedia {
    private TestMedia() {}

    /** A 2x2 RGB PNG whose top-left pixel has the given colour (so different seeds give different bytes). */
    static byte[] png(int rgb) {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, rgb);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Image image(int rgb) {
        return Image.of(png(rgb));
    }

    /** A WAV file: 44-byte header and {@code samples} 8-bit mono samples at 8 kHz. */
    static byte[] wav(int samples) {
        ByteBuffer b = ByteBuffer.allocate(44 + samples).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples);
        b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(8000)
                .putShort((short) 1)
                .putShort((short) 8);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples);
        for (int i = 0; i < samples; i++) b.put((byte) (128 + (i % 16)));
        return b.array();
    }

    static Audio audio() {
        return Audio.of(wav(100));
    }

    /** A minimal one-page PDF. */
    static byte[] pdf() {
        String s = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                + "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                + "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >> endobj\n"
                + "trailer << /Root 1 0 R >>\n%%EOF\n";
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static Document pdfDocument() {
        return new Document(dev.dspy4j.media.Payload.of(pdf()), "Report", null, false);
    }

    static File textFile() {
        return File.of("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "data.csv", MediaType.of("text/csv"));
    }
}
