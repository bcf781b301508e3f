package dev.dspy4j.adapter;

import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.History;
import dev.dspy4j.media.Image;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Media values and signatures for the media exact-output tests; each value is one shared instance. */
final class MediaFixtures {
    private MediaFixtures() {}

    static final Image RED = TestMedia.image(0xFF0000);
    static final Image GREEN = TestMedia.image(0x00FF00);
    static final Image BLUE = TestMedia.image(0x0000FF);
    static final Image WHITE = TestMedia.image(0xFFFFFF);
    static final Image REMOTE = Image.fromUrl("https://example.com/cat.jpg");
    static final Audio CLIP = TestMedia.audio();
    static final File CSV = TestMedia.textFile();
    static final Document PDF = TestMedia.pdfDocument();

    /** Names for {@link PromptText#render(dev.dspy4j.prompt.Prompt, Map)}. */
    static final Map<dev.dspy4j.media.Media, String> NAMES = Map.of(
            RED,
            "red",
            GREEN,
            "green",
            BLUE,
            "blue",
            WHITE,
            "white",
            REMOTE,
            "remote-cat",
            CLIP,
            "clip.wav",
            CSV,
            "data.csv",
            PDF,
            "report.pdf");

    static final Signature IMAGE_QA = Signature.parse("image: Image, question -> answer", "Answer about the image.");
    static final Signature IMAGE_CHAT =
            Signature.parse("history: History, image: Image, question -> answer", "Answer about the image.");
    static final Signature GALLERY = Signature.parse("images: list[Image] -> caption", "Caption the images.");
    static final Signature NAMED = Signature.parse("views: dict[str, Image] -> caption", "Caption the views.");
    static final Signature TRANSCRIBE = Signature.parse("clip: Audio -> transcript", "Transcribe the clip.");
    static final Signature SUMMARIZE_FILE = Signature.parse("data: File -> summary", "Summarize the file.");
    static final Signature SUMMARIZE_PDF = Signature.parse("report: Document -> summary", "Summarize the report.");
    static final Signature MIX = Signature.parse(
            "history: History, photo: Image, clip: Audio, data: File, report: Document, gallery: list[Image], "
                    + "question -> answer",
            "Use every input.");

    static List<Example> imageDemos() {
        return List.of(
                Example.of("image", RED, "question", "What colour is it?", "answer", "red"),
                Example.of("image", GREEN, "answer", "green"));
    }

    static History imageHistory() {
        return History.of(
                Map.of("image", BLUE, "question", "And this one?", "answer", "blue"),
                Map.of("image", REMOTE, "question", "What animal?", "answer", "a cat"));
    }

    static Map<String, Object> mixInput() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("history", History.of(Map.of("photo", GREEN, "question", "Colour?", "answer", "green")));
        m.put("photo", RED);
        m.put("clip", CLIP);
        m.put("data", CSV);
        m.put("report", PDF);
        m.put("gallery", List.of(BLUE, WHITE));
        m.put("question", "What do they share?");
        return m;
    }

    static List<Example> mixDemos() {
        return List.of(
                Example.of(
                        "photo",
                        BLUE,
                        "clip",
                        CLIP,
                        "data",
                        CSV,
                        "report",
                        PDF,
                        "gallery",
                        List.of(GREEN),
                        "question",
                        "Anything in common?",
                        "answer",
                        "blue"),
                Example.of("photo", WHITE, "gallery", List.of(RED), "question", "Same?", "answer", "no"));
    }
}
