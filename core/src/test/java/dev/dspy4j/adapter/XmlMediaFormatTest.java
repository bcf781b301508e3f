package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.MediaFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.prompt.Prompt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Exact prompts with media from {@link XmlAdapter}: each media value becomes a part exactly where its
 * field's value goes, shown here by name ({@code <image red>}); the text around it is ordinary text.
 */
class XmlMediaFormatTest {
    private final Adapter a = XmlAdapter.create();

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

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <image>
                {image}
                </image>

                <question>
                {question}
                </question>

                <answer>
                {answer}
                </answer>

                Your task: Answer about the image.

                === user ===
                <image>
                <image red>
                </image>

                <question>
                What colour is it?
                </question>

                Answer with `<answer>`, closing each tag.
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

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <image>
                {image}
                </image>

                <question>
                {question}
                </question>

                <answer>
                {answer}
                </answer>

                Your task: Answer about the image.

                === user ===
                This example is partial: some of its fields were not provided.

                <image>
                <image green>
                </image>

                <question>
                (not given)
                </question>

                === assistant ===
                <answer>
                green
                </answer>

                === user ===
                <image>
                <image red>
                </image>

                <question>
                What colour is it?
                </question>

                === assistant ===
                <answer>
                red
                </answer>

                === user ===
                <image>
                <image blue>
                </image>

                <question>
                What colour is it?
                </question>

                Answer with `<answer>`, closing each tag.
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

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <image>
                {image}
                </image>

                <question>
                {question}
                </question>

                <answer>
                {answer}
                </answer>

                Your task: Answer about the image.

                === user ===
                <image>
                <image blue>
                </image>

                <question>
                And this one?
                </question>

                === assistant ===
                <answer>
                blue
                </answer>

                === user ===
                <image>
                <image remote-cat>
                </image>

                <question>
                What animal?
                </question>

                === assistant ===
                <answer>
                a cat
                </answer>

                === user ===
                <image>
                <image white>
                </image>

                <question>
                And now?
                </question>

                Answer with `<answer>`, closing each tag.
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

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <images>
                {images}
                </images>

                <caption>
                {caption}
                </caption>

                Your task: Caption the images.

                === user ===
                <images>
                [<image red>, <image green>, <image blue>]
                </images>

                Answer with `<caption>`, closing each tag.
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

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <photo>
                {photo}
                </photo>

                <clip>
                {clip}
                </clip>

                <data>
                {data}
                </data>

                <report>
                {report}
                </report>

                <gallery>
                {gallery}
                </gallery>

                <question>
                {question}
                </question>

                <answer>
                {answer}
                </answer>

                Your task: Use every input.

                === user ===
                This example is partial: some of its fields were not provided.

                <photo>
                <image white>
                </photo>

                <clip>
                (not given)
                </clip>

                <data>
                (not given)
                </data>

                <report>
                (not given)
                </report>

                <gallery>
                [<image red>]
                </gallery>

                <question>
                Same?
                </question>

                === assistant ===
                <answer>
                no
                </answer>

                === user ===
                <photo>
                <image blue>
                </photo>

                <clip>
                <audio clip.wav>
                </clip>

                <data>
                <file data.csv>
                </data>

                <report>
                <document report.pdf>
                </report>

                <gallery>
                [<image green>]
                </gallery>

                <question>
                Anything in common?
                </question>

                === assistant ===
                <answer>
                blue
                </answer>

                === user ===
                <photo>
                <image green>
                </photo>

                <question>
                Colour?
                </question>

                === assistant ===
                <answer>
                green
                </answer>

                === user ===
                <photo>
                <image red>
                </photo>

                <clip>
                <audio clip.wav>
                </clip>

                <data>
                <file data.csv>
                </data>

                <report>
                <document report.pdf>
                </report>

                <gallery>
                [<image blue>, <image white>]
                </gallery>

                <question>
                What do they share?
                </question>

                Answer with `<answer>`, closing each tag.
                """);
    }
}
