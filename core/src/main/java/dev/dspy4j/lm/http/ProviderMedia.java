package dev.dspy4j.lm.http;

import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import java.util.List;

/**
 * The media the chat providers accept, checked by their codecs before anything is sent, with
 * errors that name the value and what is accepted. Source: OpenAI's and Anthropic's vision guides
 * (both take PNG, JPEG, GIF and WebP images).
 */
public final class ProviderMedia {
    private ProviderMedia() {}

    /** The image types OpenAI chat completions and the Anthropic Messages API accept. */
    public static final List<MediaType> IMAGE_TYPES =
            List.of(MediaType.PNG, MediaType.JPEG, MediaType.GIF, MediaType.WEBP);

    /**
     * {@return true for an image type both providers accept}
     *
     * @param t a media type
     */
    public static boolean isAcceptedImage(MediaType t) {
        return IMAGE_TYPES.contains(t);
    }

    /**
     * Refuses an image payload of another type.
     *
     * @param what     names the value, e.g. {@code image in-memory bytes}
     * @param payload  the image's payload, whose media type is checked
     * @param provider names the API, e.g. {@code OpenAI chat completions}
     * @throws IllegalArgumentException naming the value, its type and the accepted types
     */
    public static void checkImage(String what, Payload payload, String provider) {
        if (!isAcceptedImage(payload.mediaType())) {
            throw new IllegalArgumentException(what + " is " + payload.mediaType() + ", which " + provider
                    + " does not take (images: " + names(IMAGE_TYPES) + ")");
        }
    }

    /**
     * Refuses a video part, for an API that takes no video input.
     *
     * @param video the video part
     * @param provider names the API, e.g. {@code OpenAI chat completions}
     * @throws IllegalArgumentException naming the video and where video can go
     */
    @SuppressWarnings("DoNotCallSuggester") // a guard the codecs call on purpose: throwing is its whole job
    public static void refuseVideo(dev.dspy4j.media.Video video, String provider) {
        throw new IllegalArgumentException(
                "video " + video.payload().describe() + " (" + video.payload().mediaType()
                        + ") cannot be sent: " + provider + " has no video input; Gemini (GeminiChat) takes video,"
                        + " or describe the clip as text or images");
    }

    /**
     * {@return the values as a list for messages: {@code "a, b, c or d"}}
     *
     * @param values the values, written with {@code toString}
     */
    public static String names(List<?> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) sb.append(i == values.size() - 1 ? " or " : ", ");
            sb.append(values.get(i));
        }
        return sb.toString();
    }
}
