package dev.dspy4j.prompt;

import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.Video;
import java.util.Objects;

/**
 * One part of a message: text, or a reference to a media value. A media part never copies or
 * encodes the payload; it refers to it.
 */
public sealed interface Part {

    /**
     * The media part for a media value.
     *
     * @param media an image, audio, video, file or document; not null
     * @return the part of the matching kind, referring to {@code media}
     */
    static Part of(Media media) {
        Objects.requireNonNull(media, "media");
        if (media instanceof Image i) return new ImagePart(i);
        if (media instanceof Audio a) return new AudioPart(a);
        if (media instanceof Video v) return new VideoPart(v);
        if (media instanceof File f) return new FilePart(f);
        return new DocumentPart((Document) media);
    }

    /**
     * Plain text.
     *
     * @param text the text
     */
    record Text(String text) implements Part {
        /**
         * Checks the value.
         *
         * @param text the text; not null (may be empty)
         */
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * An image.
     *
     * @param image the image, with bytes or a URL
     */
    record ImagePart(Image image) implements Part {
        /**
         * Checks the value.
         *
         * @param image the image; not null
         */
        public ImagePart {
            Objects.requireNonNull(image, "image");
        }
    }

    /**
     * An audio clip.
     *
     * @param audio the clip
     */
    record AudioPart(Audio audio) implements Part {
        /**
         * Checks the value.
         *
         * @param audio the audio; not null
         */
        public AudioPart {
            Objects.requireNonNull(audio, "audio");
        }
    }

    /**
     * A video clip (sent by providers that take video: Gemini; refused by the others).
     *
     * @param video the clip
     */
    record VideoPart(Video video) implements Part {
        /**
         * Checks the value.
         *
         * @param video the video; not null
         */
        public VideoPart {
            Objects.requireNonNull(video, "video");
        }
    }

    /**
     * A file.
     *
     * @param file the file, with bytes or a provider file id
     */
    record FilePart(File file) implements Part {
        /**
         * Checks the value.
         *
         * @param file the file; not null
         */
        public FilePart {
            Objects.requireNonNull(file, "file");
        }
    }

    /**
     * A document.
     *
     * @param document the document
     */
    record DocumentPart(Document document) implements Part {
        /**
         * Checks the value.
         *
         * @param document the document; not null
         */
        public DocumentPart {
            Objects.requireNonNull(document, "document");
        }
    }

    /**
     * This part as a record of a call keeps it: a media part's payload replaced by
     * {@link Payload#withoutBytes()} (kind, media type, size, digest, file name and options stay);
     * text, remote images, file ids and file-backed payloads as they are.
     *
     * @return a part without payload bytes, or this part if it held none
     */
    @SuppressWarnings("ReferenceEquality") // the same instance back means the payload held no bytes to drop
    default Part withoutPayloadBytes() {
        Media m = media();
        if (m == null || m.payload() == null) return this;
        Payload kept = m.payload().withoutBytes();
        if (kept == m.payload()) return this;
        if (m instanceof Image i) return new ImagePart(new Image(kept, null, i.detail()));
        if (m instanceof Audio) return new AudioPart(new Audio(kept));
        if (m instanceof Video) return new VideoPart(new Video(kept));
        if (m instanceof File f) return new FilePart(new File(kept, f.filename(), null));
        Document d = (Document) m;
        return new DocumentPart(new Document(kept, d.title(), d.context(), d.citations()));
    }

    /** {@return the media value of a media part, or null for text} */
    default Media media() {
        if (this instanceof ImagePart p) return p.image();
        if (this instanceof AudioPart p) return p.audio();
        if (this instanceof VideoPart p) return p.video();
        if (this instanceof FilePart p) return p.file();
        if (this instanceof DocumentPart p) return p.document();
        return null;
    }
}
