package dev.dspy4j.cache;

import dev.dspy4j.lm.LmResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process for the crash and multi-process tests: writes entries {@code prefix + i} for
 * {@code i = 0 .. count-1} to a disk cache and prints {@code wrote i} after each put returned.
 *
 * <p>Arguments: {@code directory prefix count maxBytes [goFile]}. With a go file, prints
 * {@code ready} and waits until the file exists before opening the cache and writing.
 */
public final class CacheWriterMain {
    private CacheWriterMain() {}

    /** The size of the text of each entry: several SQLite pages, so a put writes many pages. */
    static final int TEXT_CHARS = 16_000;

    /** The response stored for entry {@code i} of {@code prefix}. */
    static LmResponse expected(String prefix, long i) {
        return CacheFixtures.response(
                "entry " + prefix + i + "\n" + CacheFixtures.text(prefix.hashCode() * 31L + i, TEXT_CHARS));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String prefix = args[1];
        long count = Long.parseLong(args[2]);
        long maxBytes = Long.parseLong(args[3]);
        if (args.length > 4) { // wait for the go file, so that two children open and write at the same moment
            Path go = Path.of(args[4]);
            System.out.println("ready");
            System.out.flush();
            while (!Files.exists(go)) {
                Thread.sleep(2);
            }
        }
        try (DiskCache cache =
                DiskCache.builder().directory(dir).maxBytes(maxBytes).build()) {
            for (long i = 0; i < count; i++) {
                cache.put(CacheFixtures.key(prefix + i), expected(prefix, i));
                System.out.println("wrote " + i);
                System.out.flush();
            }
        }
        System.out.println("done");
        System.out.flush();
    }
}
