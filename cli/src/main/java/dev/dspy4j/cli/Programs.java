package dev.dspy4j.cli;

import dev.dspy4j.media.Audio;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.Payload;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Field;
import java.util.List;

/** Small helpers over programs shared by the commands. */
final class Programs {
    private Programs() {}

    /** The input fields of a single-predictor program (the first predictor's for others). */
    static List<Field> inputFields(Module prog) {
        return predictor(prog).signature().inputs();
    }

    /** The predictor the user's signature belongs to: a Predict itself, a ChainOfThought's inner one. */
    static Predict predictor(Module prog) {
        if (prog instanceof Predict p) return p;
        if (prog instanceof ChainOfThought c) return c.predict();
        return prog.predictors().values().iterator().next();
    }

    /** A one-line description of a media value: kind, media type, size and digest; never its bytes. */
    static String describe(Media m) {
        if (m instanceof Image i && i.isRemote()) return "image " + i.url();
        if (m instanceof File f && f.payload() == null) return "file id " + f.fileId();
        Payload p = m.payload();
        String kind = m instanceof Image
                ? "image"
                : m instanceof Audio
                        ? "audio"
                        : m instanceof dev.dspy4j.media.Video ? "video" : m instanceof File ? "file" : "document";
        return kind + " " + p.mediaType().value() + ", " + size(p.size()) + ", sha256:"
                + p.digest().hex().substring(0, 12);
    }

    static String size(long bytes) {
        return CacheCommand.size(bytes);
    }
}
