package dev.dspy4j.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTest {
    private static final byte[] PNG_HEAD = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0};

    @Test
    void builderMergesAdjacentTextAroundMedia() {
        Image img = Image.of(Payload.wrap(PNG_HEAD, MediaType.PNG));
        Prompt p = Prompt.builder()
                .system("sys")
                .user()
                .text("a")
                .text('b')
                .text("c")
                .media(img)
                .text("d")
                .part(new Part.Text("e"))
                .end()
                .assistant("ok")
                .build();
        assertThat(p.messages()).hasSize(3);
        Message user = p.messages().get(1);
        assertThat(user.role()).isEqualTo(Role.USER);
        assertThat(user.parts()).containsExactly(new Part.Text("abc"), new Part.ImagePart(img), new Part.Text("de"));
        assertThat(((Part.ImagePart) user.parts().get(1)).image()).isSameAs(img);
        assertThat(user.isText()).isFalse();
        assertThat(p.messages().get(0).text()).isEqualTo("sys");
        assertThat(p.media()).containsExactly(img);
    }

    @Test
    void messageConstructorMergesTextAndRejectsEmpty() {
        Message m = new Message(Role.USER, List.of(new Part.Text("x"), new Part.Text("y")));
        assertThat(m.parts()).containsExactly(new Part.Text("xy"));
        assertThat(m.isText()).isTrue();
        assertThatThrownBy(() -> new Message(Role.USER, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(Message.user("").parts()).containsExactly(new Part.Text(""));
    }

    @Test
    void textOfMultimodalMessageFails() {
        Image img = Image.of(Payload.wrap(PNG_HEAD, MediaType.PNG));
        Message m = new Message(Role.USER, List.of(new Part.ImagePart(img)));
        assertThatThrownBy(m::text).isInstanceOf(IllegalStateException.class).hasMessageContaining("not only text");
    }

    @Test
    void partsOutsideAnOpenMessageFail() {
        assertThatThrownBy(() -> Prompt.builder().text("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no open message");
    }

    @Test
    void nullTextIsRejectedNotWrittenAsTheWordNull() {
        // Part.Text and Message.of reject null; the builder must not turn it into the text "null"
        assertThatThrownBy(() -> Prompt.builder().user().text((CharSequence) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("text");
        assertThatThrownBy(() -> Prompt.builder().user((String) null)).isInstanceOf(NullPointerException.class);
    }
}
