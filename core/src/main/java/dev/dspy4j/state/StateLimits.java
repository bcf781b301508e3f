package dev.dspy4j.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.media.Payload;

/**
 * The limits on state files, in one place. They follow from the payload limit
 * ({@link Payload#DEFAULT_MAX_BYTES}, 50 MB) so that every file {@link ProgramState#save} writes,
 * {@link ProgramState#read} reads back:
 * <ul>
 *   <li>a file saved with {@link MediaStorage#INLINE} holds at most {@link #MAX_INLINE_BYTES} of media
 *       in total (the writer refuses more and says to use {@link MediaStorage#FILES}, where each media
 *       file may have up to the payload limit and there is no total);</li>
 *   <li>the longest JSON string read is {@link #MAX_STRING_CHARS}, the data URI of the largest inline
 *       payload (Jackson's own default, 20 million characters, would refuse a 16 MB image);</li>
 *   <li>the largest state file read is {@link #MAX_FILE_BYTES}: the inline media plus
 *       {@link #MAX_TEXT_BYTES} for everything else. A larger file is refused by its size, before
 *       any of it is read, so a huge or hostile file costs no memory.</li>
 * </ul>
 */
public final class StateLimits {
    /** The most payload bytes a state file may hold inline, in total: the payload limit. */
    public static final long MAX_INLINE_BYTES = Payload.DEFAULT_MAX_BYTES;
    /** Room for everything in a state file but inline media (signatures, instructions, text demos): 16 MiB. */
    public static final long MAX_TEXT_BYTES = 16L * 1024 * 1024;
    /** The longest JSON string read: a data URI holding {@link #MAX_INLINE_BYTES} (base64) with its prefix. */
    public static final int MAX_STRING_CHARS = (int) (base64Chars(MAX_INLINE_BYTES) + 256);
    /** The largest state file read, in bytes. */
    public static final long MAX_FILE_BYTES = base64Chars(MAX_INLINE_BYTES) + MAX_TEXT_BYTES;

    private StateLimits() {}

    /** The number of base64 characters (with padding) for {@code bytes} bytes. */
    static long base64Chars(long bytes) {
        return (bytes + 2) / 3 * 4;
    }

    /** The mapper state files are read and written with, its read limits set from the constants above. */
    static ObjectMapper mapper() {
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(MAX_STRING_CHARS)
                        .maxDocumentLength(MAX_FILE_BYTES)
                        .build())
                .build();
        return new ObjectMapper(f);
    }
}
