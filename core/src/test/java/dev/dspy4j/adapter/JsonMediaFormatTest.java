package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.MediaFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.prompt.Prompt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exact prompts with media from {@link JsonAdapter}: each media value becomes a part exactly where its
 * field's value goes, shown here by name ({@code <image red>}); the text around it is ordinary text.
 */
class JsonMediaFormatTest {
    private final Adapter a = JsonAdapter.create();

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

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with one JSON object that holds every output, in this order.

                [[ ## image ## ]]
                {image}

                [[ ## question ## ]]
                {question}

                {
                  "answer": <a string>
                }

                Your task: Answer about the image.

                === user ===
                [[ ## image ## ]]
                <image red>

                [[ ## question ## ]]
                What colour is it?

                Answer with one JSON object holding `answer`.
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

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with one JSON object that holds every output, in this order.

                [[ ## image ## ]]
                {image}

                [[ ## question ## ]]
                {question}

                {
                  "answer": <a string>
                }

                Your task: Answer about the image.

                === user ===
                This example is partial: some of its fields were not provided.

                [[ ## image ## ]]
                <image green>

                [[ ## question ## ]]
                (not given)

                === assistant ===
                {
                  "answer": "green"
                }

                === user ===
                [[ ## image ## ]]
                <image red>

                [[ ## question ## ]]
                What colour is it?

                === assistant ===
                {
                  "answer": "red"
                }

                === user ===
                [[ ## image ## ]]
                <image blue>

                [[ ## question ## ]]
                What colour is it?

                Answer with one JSON object holding `answer`.
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

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with one JSON object that holds every output, in this order.

                [[ ## images ## ]]
                {images}

                {
                  "caption": <a string>
                }

                Your task: Caption the images.

                === user ===
                [[ ## images ## ]]
                [<image red>, <image green>, <image blue>]

                Answer with one JSON object holding `caption`.
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

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with one JSON object that holds every output, in this order.

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

                {
                  "answer": <a string>
                }

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
                {
                  "answer": "no"
                }

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
                {
                  "answer": "blue"
                }

                === user ===
                [[ ## photo ## ]]
                <image green>

                [[ ## question ## ]]
                Colour?

                === assistant ===
                {
                  "answer": "green"
                }

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

                Answer with one JSON object holding `answer`.
                """);
    }
}
