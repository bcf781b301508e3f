package dev.dspy4j.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved state fits a program whose signature has the same fields, however the types are spelled. */
class SignatureStructureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A state file for {@code program}, with its signature string replaced by {@code savedAs}. */
    private Path savedAs(Predict program, String savedAs) throws IOException {
        Path file = dir.resolve("p.json");
        ProgramState.save(program, file);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ((ObjectNode) root.at("/predictors/self/signature")).put("string", savedAs);
        JSON.writeValue(file.toFile(), root);
        return file;
    }

    @Test
    void aStateSavedWithAnUntypedOutputLoadsOntoTheSameFieldsSpelledOut() throws IOException {
        Predict saved =
                Predict.of("question -> answer").withDemos(List.of(Example.of("question", "2+2?", "answer", "4")));
        Path file = savedAs(saved, "question -> answer");

        Predict loaded = ProgramState.load(Predict.of("question: str -> answer: str"), file);

        assertThat(loaded.demos()).hasSize(1);
        assertThat(loaded.demos().get(0).get("answer")).isEqualTo("4");
    }

    @Test
    void aStateSavedWithImageToLabelLoadsOntoImageToLabelStr() throws IOException {
        Path file = savedAs(Predict.of("image: Image -> label: str"), "image: Image -> label");

        Predict loaded = ProgramState.load(Predict.of("image: Image -> label: str"), file);

        assertThat(loaded.signature().toSignatureString()).isEqualTo("image: Image -> label: str");
    }

    @Test
    void otherSpellingsOfTheSameTypesFit() throws IOException {
        String program = "passages: list[str], meta: dict[str, int] -> answer: Optional[int]";
        Path file = savedAs(Predict.of(program), "passages:List[str],meta : Dict[str,int] -> answer: Optional[ int ]");

        assertThat(ProgramState.load(Predict.of(program), file).signature().toSignatureString())
                .isEqualTo("passages: list[str], meta: dict[str, int] -> answer: Optional[int]");
    }

    @Test
    void anotherTypeOrOrderOrNameIsStillRefused() throws IOException {
        Path file = savedAs(Predict.of("image: Image -> label"), "image: Image -> label");

        for (String other : List.of(
                "image: Image -> label: int",
                "image: Image -> tag",
                "image: Image, hint -> label",
                "image: Image -> label, score: float")) {
            assertThatThrownBy(() -> ProgramState.load(Predict.of(other), file))
                    .as(other)
                    .isInstanceOf(ProgramStateException.class)
                    .hasMessageContaining("was saved with signature 'image: Image -> label'");
        }
    }

    @Test
    void aProgramWithQuotesInALiteralIsSavedBuiltAndLoaded() throws IOException {
        String sig = "text -> mood: Literal[\"she's here\", 'okay', 'say \\'hi\\' \"now\"']";
        Predict program = Predict.of(sig).withDemos(List.of(Example.of("text", "hello", "mood", "she's here")));
        Path file = dir.resolve("q.json");
        ProgramState.save(program, file);

        Predict built = (Predict) ProgramState.read(file).build();
        assertThat(built.signature()).isEqualTo(program.signature());
        assertThat(built.demos().get(0).get("mood")).isEqualTo("she's here");
        assertThat(ProgramState.load(Predict.of(sig), file).signature()).isEqualTo(program.signature());
    }

    @Test
    void aStateSavedWithTheModernOptionalLoadsOntoOptional() throws IOException {
        Path file =
                savedAs(Predict.of("q -> a: Optional[int], b: Union[int, str]"), "q -> a: int | None, b: int | str");
        assertThat(ProgramState.load(Predict.of("q: str -> a: Optional[int], b: Union[int, str]"), file)
                        .signature()
                        .toSignatureString())
                .isEqualTo("q: str -> a: Optional[int], b: Union[int, str]");
    }
}
