package dev.dspy4j.state;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;

/**
 * Writes the media values of one state file: a {@code $media} object per value, its payload either
 * stored once as a file named by its SHA-256 in the {@code <name>.media} folder next to the JSON
 * ({@link MediaStorage#FILES}) or streamed into the JSON as a data URI ({@link MediaStorage#INLINE},
 * at most {@link StateLimits#MAX_INLINE_BYTES} in total per file). {@link StateReader} reads them back.
 */
final class MediaWriter {
    private final Path file;
    private final Path mediaDir;
    private final String mediaDirName;
    private final MediaStorage storage;
    private long inlined;

    /**
     * @param file    the state file (absolute), named in errors
     * @param storage where payloads go
     */
    MediaWriter(Path file, MediaStorage storage) {
        this.file = file;
        this.storage = storage;
        this.mediaDirName = mediaDirName(file);
        this.mediaDir = file.resolveSibling(mediaDirName);
    }

    /** {@code prog.json} keeps its media in {@code prog.media}. */
    static String mediaDirName(Path jsonFile) {
        String name = jsonFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name) + ".media";
    }

    /** Writes {@code m} as a {@code $media} object; {@code at} is its JSON path, for errors. */
    void write(JsonGenerator g, Media m, String at) throws IOException {
        g.writeStartObject();
        if (m instanceof Image img) {
            g.writeStringField("$media", "image");
            if (img.isRemote()) {
                g.writeStringField("url", img.url().toString());
            } else {
                writePayload(g, img.payload(), at);
            }
            if (img.detail() != null) g.writeStringField("detail", img.detail());
        } else if (m instanceof Audio a) {
            g.writeStringField("$media", "audio");
            writePayload(g, a.payload(), at);
        } else if (m instanceof dev.dspy4j.media.Video v) {
            g.writeStringField("$media", "video");
            writePayload(g, v.payload(), at);
        } else if (m instanceof File f) {
            g.writeStringField("$media", "file");
            if (f.payload() == null) {
                g.writeStringField("file_id", f.fileId());
                if (f.idType() != null)
                    g.writeStringField("media_type", f.idType().value());
            } else {
                writePayload(g, f.payload(), at);
                if (f.filename() != null) g.writeStringField("filename", f.filename());
            }
        } else if (m instanceof Document d) {
            g.writeStringField("$media", "document");
            writePayload(g, d.payload(), at);
            if (d.title() != null) g.writeStringField("title", d.title());
            if (d.context() != null) g.writeStringField("context", d.context());
            if (d.citations()) g.writeBooleanField("citations", true);
        }
        g.writeEndObject();
    }

    private void writePayload(JsonGenerator g, Payload p, String at) throws IOException {
        if (storage == MediaStorage.INLINE) {
            inlined += p.size();
            if (inlined > StateLimits.MAX_INLINE_BYTES) {
                // a file past the read limits could not be loaded back, so it is not written
                throw new ProgramStateException(
                        file,
                        at,
                        "the inline media would come to " + inlined + " bytes, over the "
                                + "limit of " + StateLimits.MAX_INLINE_BYTES + " bytes for one state file (StateLimits."
                                + "MAX_INLINE_BYTES); save with MediaStorage.FILES, which writes each payload to its own file");
            }
            g.writeStringField("sha256", p.digest().hex());
            g.writeFieldName("data");
            // streamed: the data URI is produced from the bytes while writing, never held whole
            // (Jackson does not close the reader: closing it closes the payload's stream, a file handle)
            try (DataUriReader r = new DataUriReader(p)) {
                g.writeString(r, -1);
            }
            return;
        }
        String hex = p.digest().hex();
        String name = hex + "." + extension(p.mediaType());
        Path target = mediaDir.resolve(name);
        try {
            Files.createDirectories(mediaDir);
            if (!Files.isRegularFile(target) || Files.size(target) != p.size()) {
                Path tmp = Files.createTempFile(mediaDir, hex, ".tmp");
                try {
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        p.writeTo(out);
                    }
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ProgramStateException(file, at, "cannot write media file " + target + ": " + e.getMessage(), e);
        }
        g.writeStringField("file", mediaDirName + "/" + name);
        g.writeStringField("media_type", p.mediaType().value());
        g.writeNumberField("size", p.size());
        g.writeStringField("sha256", hex);
    }

    /** A file extension for a media type. */
    static String extension(MediaType t) {
        switch (t.value()) {
            case "image/png":
                return "png";
            case "image/jpeg":
                return "jpg";
            case "image/gif":
                return "gif";
            case "image/webp":
                return "webp";
            case "image/bmp":
                return "bmp";
            case "image/tiff":
                return "tiff";
            case "image/heic":
                return "heic";
            case "image/heif":
                return "heif";
            case "image/avif":
                return "avif";
            case "audio/wav":
                return "wav";
            case "audio/mpeg":
                return "mp3";
            case "audio/flac":
                return "flac";
            case "audio/ogg":
                return "ogg";
            case "audio/mp4":
                return "m4a";
            case "audio/aac":
                return "aac";
            case "audio/webm", "video/webm":
                return "webm";
            case "video/mp4":
                return "mp4";
            case "video/quicktime":
                return "mov";
            case "application/pdf":
                return "pdf";
            case "text/plain":
                return "txt";
            default:
                return "bin";
        }
    }

    /** Characters of {@code data:<type>;base64,<base64 of the payload>}, encoded chunk by chunk. */
    static final class DataUriReader extends Reader {
        private static final int CHUNK = 3 * 4096;
        private final Payload payload;
        private final byte[] bytes = new byte[CHUNK];
        private final char[] chars = new char[CHUNK / 3 * 4];
        private String prefix;
        private InputStream in;
        private int pos;
        private int limit;
        private boolean eof;

        DataUriReader(Payload payload) {
            this.payload = payload;
            this.prefix = "data:" + payload.mediaType().value() + ";base64,";
        }

        @Override
        public int read(char[] dst, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (prefix != null) {
                int n = Math.min(len, prefix.length());
                prefix.getChars(0, n, dst, off);
                prefix = n == prefix.length() ? null : prefix.substring(n);
                return n;
            }
            if (pos == limit && !fill()) return -1;
            int n = Math.min(len, limit - pos);
            System.arraycopy(chars, pos, dst, off, n);
            pos += n;
            return n;
        }

        private boolean fill() throws IOException {
            if (eof) return false;
            if (in == null) in = payload.openStream();
            int n = in.readNBytes(bytes, 0, bytes.length);
            if (n < bytes.length) eof = true;
            if (n == 0) return false;
            byte[] src = n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
            byte[] enc = Base64.getEncoder().encode(src);
            for (int i = 0; i < enc.length; i++) chars[i] = (char) enc[i];
            pos = 0;
            limit = enc.length;
            return true;
        }

        @Override
        public void close() throws IOException {
            if (in != null) in.close();
        }
    }
}
