package dev.dspy4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoiseImageTest {
    @TempDir
    Path dir;

    @Test
    void producesAValidRgbPngWhosePixelsAreTheSeededNoise() throws Exception {
        byte[] png = NoiseImage.png(37, 23, 42);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(37);
        assertThat(img.getHeight()).isEqualTo(23);
        assertThat(img.getColorModel().hasAlpha()).isFalse();
        // the PNG signature (core's ImageTest checks that the media sniffer reads these bytes as image/png)
        assertThat(Arrays.copyOf(png, 8)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});

        // the first row's pixels are the first bytes of the seeded generator, little-endian per long
        SplittableRandom r = new SplittableRandom(42);
        long first = r.nextLong();
        int rgb = img.getRGB(0, 0) & 0xFFFFFF;
        int expected = ((int) first & 0xFF) << 16 | ((int) (first >>> 8) & 0xFF) << 8 | ((int) (first >>> 16) & 0xFF);
        assertThat(rgb).isEqualTo(expected);
    }

    @Test
    void isDeterministicForASeedAndDiffersAcrossSeeds() {
        assertThat(NoiseImage.png(64, 64, 7)).isEqualTo(NoiseImage.png(64, 64, 7));
        assertThat(NoiseImage.png(64, 64, 7)).isNotEqualTo(NoiseImage.png(64, 64, 8));
    }

    @Test
    void aThousandSquareImageIsAboutThreeMegabytes() {
        byte[] png = NoiseImage.png(1000, 1000, 1);
        long pixels = 3L * 1000 * 1000 + 1000; // RGB bytes plus one filter byte per row
        assertThat((long) png.length).isBetween(pixels, pixels + 1000);
    }

    @Test
    void sideForPicksASquareOfAboutTheWantedSize() {
        assertThat(NoiseImage.sideFor(10 * 1024)).isEqualTo(58);
        assertThat(NoiseImage.sideFor(4L * 1024 * 1024)).isEqualTo(1182);
        for (long target : new long[] {10_240, 102_400, 1_048_576}) {
            int side = NoiseImage.sideFor(target);
            int size = NoiseImage.png(side, side, 1).length;
            assertThat((double) size / target).isBetween(0.97, 1.03);
        }
        assertThat(NoiseImage.sideFor(1)).isEqualTo(1);
    }

    @Test
    void writePngWritesTheSameBytes() throws Exception {
        Path file = NoiseImage.writePng(dir.resolve("sub"), "n.png", 12, 9, 5);
        assertThat(file).isEqualTo(dir.resolve("sub").resolve("n.png"));
        assertThat(Files.readAllBytes(file)).isEqualTo(NoiseImage.png(12, 9, 5));
    }

    @Test
    void refusesEmptyDimensions() {
        assertThatThrownBy(() -> NoiseImage.png(0, 5, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image size must be at least 1x1, not 0x5");
    }
}
