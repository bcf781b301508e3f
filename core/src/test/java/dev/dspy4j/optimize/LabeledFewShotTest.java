package dev.dspy4j.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LabeledFewShotTest {

    private static final List<Example> TRAIN = IntStream.range(0, 20)
            .mapToObj(i -> Example.of("question", "q" + i, "answer", "a" + i).withInputs("question"))
            .toList();

    @Test
    void theSameSeedGivesTheSameDemosAndAnotherSeedOthers() {
        Predict student = Predict.of("question -> answer");
        List<Example> a = demos(new LabeledFewShot(5, 7).compile(student, TRAIN));
        List<Example> b = demos(new LabeledFewShot(5, 7).compile(student, TRAIN));
        List<Example> c = demos(new LabeledFewShot(5, 8).compile(student, TRAIN));
        assertThat(a).hasSize(5).doesNotHaveDuplicates().isSubsetOf(TRAIN);
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
        // each demo is the training example itself, not a copy
        for (Example d : a) assertThat(TRAIN).anySatisfy(t -> assertThat(t).isSameAs(d));
    }

    @Test
    void kLargerThanTheTrainsetTakesEveryExample() {
        List<Example> d = demos(new LabeledFewShot(50).compile(Predict.of("question -> answer"), TRAIN));
        assertThat(d).hasSize(20).containsExactlyInAnyOrderElementsOf(TRAIN);
    }

    @Test
    void theStudentIsLeftUntouched() {
        ChainOfThought student = ChainOfThought.of("question -> answer");
        Module compiled = new LabeledFewShot(3).compile(student, TRAIN);
        assertThat(compiled).isNotSameAs(student).isInstanceOf(ChainOfThought.class);
        assertThat(student.predict().demos()).isEmpty();
        assertThat(compiled.predictors().get("predict").demos()).hasSize(3);
        assertThat(compiled.predictors().get("predict").signature())
                .isEqualTo(student.predict().signature());
    }

    private static List<Example> demos(Module m) {
        return m.predictors().get("self").demos();
    }
}
