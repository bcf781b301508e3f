package dev.dspy4j.module;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Small valid PNG images for tests. */
public final class Png {
    private Png() {}

    /** A {@code size}x{@code size} PNG whose pixels depend on {@code seed}. */
    public static byte[] bytes(int size, int seed) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) img.setRGB(x, y, (x * 31 + y * 17 + seed * 101) & 0xFFFFFF);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
