package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.MediaFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.prompt.Prompt;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Exact prompts with media from {@link ChatAdapter}: each media value becomes a part exactly where its
 * field's value goes, shown here by name ({@code <image red>}); the text around it is ordinary text.
 */
class ChatMediaFormatTest {
    private final Adapter a = ChatAdapter.create();

    private static String render(Prompt p) {
        return PromptText.render(p, NAMES);
    }

    @Test
    void imageInput() {
        assertThat(render(a.format(IMAGE_QA, List.of(), Map.of("image", RED, "question", "What colour is it?"))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `image` (Image)
                - `question` (str)

                Your outputs:
                - `answer` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## image ## ]]
                {image}

                [[ ## question ## ]]
                {question}

                [[ ## answer ## ]]
                {answer}

                [[ ## completed ## ]]

                Your task: Answer about the image.

                === user ===
                [[ ## image ## ]]
                <image red>

                [[ ## question ## ]]
                What colour is it?

                Answer with `[[ ## answer ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }

    @Test
    void imageDemosCompleteAndPartial() {
        assertThat(render(a.format(IMAGE_QA, imageDemos(), Map.of("image", BLUE, "question", "What colour is it?"))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `image` (Image)
                - `question` (str)

                Your outputs:
                - `answer` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## image ## ]]
                {image}

                [[ ## question ## ]]
                {question}

                [[ ## answer ## ]]
                {answer}

                [[ ## completed ## ]]

                Your task: Answer about the image.

                === user ===
                This example is partial: some of its fields were not provided.

                [[ ## image ## ]]
                <image green>

                [[ ## question ## ]]
                (not given)

                === assistant ===
                [[ ## answer ## ]]
                green

                [[ ## completed ## ]]

                === user ===
                [[ ## image ## ]]
                <image red>

                [[ ## question ## ]]
                What colour is it?

                === assistant ===
                [[ ## answer ## ]]
                red

                [[ ## completed ## ]]

                === user ===
                [[ ## image ## ]]
                <image blue>

                [[ ## question ## ]]
                What colour is it?

                Answer with `[[ ## answer ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }

    @Test
    void imagesInHistory() {
        assertThat(render(a.format(
                        IMAGE_CHAT,
                        List.of(),
                        Map.of("history", imageHistory(), "image", WHITE, "question", "And now?"))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `image` (Image)
                - `question` (str)

                Your outputs:
                - `answer` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## image ## ]]
                {image}

                [[ ## question ## ]]
                {question}

                [[ ## answer ## ]]
                {answer}

                [[ ## completed ## ]]

                Your task: Answer about the image.

                === user ===
                [[ ## image ## ]]
                <image blue>

                [[ ## question ## ]]
                And this one?

                === assistant ===
                [[ ## answer ## ]]
                blue

                [[ ## completed ## ]]

                === user ===
                [[ ## image ## ]]
                <image remote-cat>

                [[ ## question ## ]]
                What animal?

                === assistant ===
                [[ ## answer ## ]]
                a cat

                [[ ## completed ## ]]

                === user ===
                [[ ## image ## ]]
                <image white>

                [[ ## question ## ]]
                And now?

                Answer with `[[ ## answer ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }

    @Test
    void listOfThreeImages() {
        assertThat(render(a.format(GALLERY, List.of(), Map.of("images", List.of(RED, GREEN, BLUE)))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `images` (list[Image])

                Your outputs:
                - `caption` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## images ## ]]
                {images}

                [[ ## caption ## ]]
                {caption}

                [[ ## completed ## ]]

                Your task: Caption the images.

                === user ===
                [[ ## images ## ]]
                [<image red>, <image green>, <image blue>]

                Answer with `[[ ## caption ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }

    @Test
    void dictOfImages() {
        assertThat(render(a.format(
                        NAMED, List.of(), Map.of("views", new TreeMap<>(Map.of("front", RED, "back", GREEN))))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `views` (dict[str, Image])

                Your outputs:
                - `caption` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## views ## ]]
                {views}

                [[ ## caption ## ]]
                {caption}

                [[ ## completed ## ]]

                Your task: Caption the views.

                === user ===
                [[ ## views ## ]]
                {"back": <image green>, "front": <image red>}

                Answer with `[[ ## caption ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }

    @Test
    void audio() {
        assertThat(render(a.format(TRANSCRIBE, List.of(), Map.of("clip", CLIP))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `clip` (Audio)

                Your outputs:
                - `transcript` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## clip ## ]]
                {clip}

                [[ ## transcript ## ]]
                {transcript}

                [[ ## completed ## ]]

                Your task: Transcribe the clip.

                === user ===
                [[ ## clip ## ]]
                <audio clip.wav>

                Answer with `[[ ## transcript ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }

    @Test
    void file() {
        assertThat(render(a.format(SUMMARIZE_FILE, List.of(), Map.of("data", CSV))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `data` (File)

                Your outputs:
                - `summary` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## data ## ]]
                {data}

                [[ ## summary ## ]]
                {summary}

                [[ ## completed ## ]]

                Your task: Summarize the file.

                === user ===
                [[ ## data ## ]]
                <file data.csv>

                Answer with `[[ ## summary ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }

    @Test
    void pdfDocument() {
        assertThat(render(a.format(SUMMARIZE_PDF, List.of(), Map.of("report", PDF))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `report` (Document)

                Your outputs:
                - `summary` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## report ## ]]
                {report}

                [[ ## summary ## ]]
                {summary}

                [[ ## completed ## ]]

                Your task: Summarize the report.

                === user ===
                [[ ## report ## ]]
                <document report.pdf>

                Answer with `[[ ## summary ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }

    @Test
    void mixOfAll() {
        assertThat(render(a.format(MIX, mixDemos(), mixInput()))).isEqualTo("""
                === system ===
                Your inputs:
                - `photo` (Image)
                - `clip` (Audio)
                - `data` (File)
                - `report` (Document)
                - `gallery` (list[Image])
                - `question` (str)

                Your outputs:
                - `answer` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## photo ## ]]
                {photo}

                [[ ## clip ## ]]
                {clip}

                [[ ## data ## ]]
                {data}

                [[ ## report ## ]]
                {report}

                [[ ## gallery ## ]]
                {gallery}

                [[ ## question ## ]]
                {question}

                [[ ## answer ## ]]
                {answer}

                [[ ## completed ## ]]

                Your task: Use every input.

                === user ===
                This example is partial: some of its fields were not provided.

                [[ ## photo ## ]]
                <image white>

                [[ ## clip ## ]]
                (not given)

                [[ ## data ## ]]
                (not given)

                [[ ## report ## ]]
                (not given)

                [[ ## gallery ## ]]
                [<image red>]

                [[ ## question ## ]]
                Same?

                === assistant ===
                [[ ## answer ## ]]
                no

                [[ ## completed ## ]]

                === user ===
                [[ ## photo ## ]]
                <image blue>

                [[ ## clip ## ]]
                <audio clip.wav>

                [[ ## data ## ]]
                <file data.csv>

                [[ ## report ## ]]
                <document report.pdf>

                [[ ## gallery ## ]]
                [<image green>]

                [[ ## question ## ]]
                Anything in common?

                === assistant ===
                [[ ## answer ## ]]
                blue

                [[ ## completed ## ]]

                === user ===
                [[ ## photo ## ]]
                <image green>

                [[ ## question ## ]]
                Colour?

                === assistant ===
                [[ ## answer ## ]]
                green

                [[ ## completed ## ]]

                === user ===
                [[ ## photo ## ]]
                <image red>

                [[ ## clip ## ]]
                <audio clip.wav>

                [[ ## data ## ]]
                <file data.csv>

                [[ ## report ## ]]
                <document report.pdf>

                [[ ## gallery ## ]]
                [<image blue>, <image white>]

                [[ ## question ## ]]
                What do they share?

                Answer with `[[ ## answer ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }
}
