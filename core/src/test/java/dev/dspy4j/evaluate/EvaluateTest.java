package dev.dspy4j.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.FnModule;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.ParallelException;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateTest {

    /** Answers "paris" to everything, except that it fails on "boom" and says "rome" for "italy". */
    private static final Module PROGRAM = new FnModule(in -> {
        String q = (String) in.get("question");
        if (q.equals("boom")) throw new IllegalStateException("the LM is down");
        return Prediction.of(Map.of("answer", q.contains("italy") ? "Rome" : "Paris"));
    });

    private static List<Example> devset() {
        return List.of(
                Example.of("question", "capital of france", "answer", "Paris").withInputs("question"),
                Example.of("question", "capital of italy", "answer", "Rome").withInputs("question"),
                Example.of("question", "capital of spain", "answer", "Madrid").withInputs("question"),
                Example.of("question", "boom", "answer", "x").withInputs("question"));
    }

    @Test
    void aggregateIsTheMeanAsAPercentageAndRowsKeepEveryExample() {
        EvaluationResult r = Evaluate.builder(devset(), Metrics.exactMatch())
                .threads(3)
                .build()
                .run(PROGRAM);
        assertThat(r.rows()).extracting(EvaluationResult.Row::index).containsExactly(0, 1, 2, 3);
        assertThat(r.rows()).extracting(EvaluationResult.Row::score).containsExactly(1.0, 1.0, 0.0, 0.0);
        assertThat(r.mean()).isCloseTo(0.5, within(1e-12));
        assertThat(r.score()).isCloseTo(50.0, within(1e-12));
        assertThat(r.failures()).isEqualTo(1);
        EvaluationResult.Row failed = r.rows().get(3);
        assertThat(failed.prediction()).isNull();
        assertThat(failed.error()).hasMessage("the LM is down");
        assertThat(r.rows().get(1).prediction().getString("answer")).isEqualTo("Rome");
        assertThat(r.rows().get(2).example().getString("answer")).isEqualTo("Madrid");
    }

    @Test
    void failuresCountWithTheConfiguredFailureScore() {
        EvaluationResult r = Evaluate.builder(devset(), Metrics.exactMatch())
                .failureScore(-1.0)
                .build()
                .run(PROGRAM);
        assertThat(r.rows().get(3).score()).isEqualTo(-1.0);
        assertThat(r.mean()).isCloseTo((1 + 1 + 0 - 1) / 4.0, within(1e-12));
    }

    @Test
    void aMetricThatThrowsMarksItsRowAsFailed() {
        Metric picky = (e, p) -> {
            if (p.getString("answer").equals("Rome")) throw new IllegalArgumentException("no Rome");
            return 1.0;
        };
        EvaluationResult r =
                Evaluate.builder(devset().subList(0, 2), picky).build().run(PROGRAM);
        assertThat(r.rows().get(1).error()).hasMessage("no Rome");
        assertThat(r.rows().get(1).prediction().getString("answer")).isEqualTo("Rome");
        assertThat(r.score()).isCloseTo(50.0, within(1e-12));
    }

    @Test
    void booleanMetricsAreAdapted() {
        Metric startsWithCapital =
                Metric.of((e, p) -> Character.isUpperCase(p.getString("answer").charAt(0)));
        EvaluationResult r = Evaluate.builder(devset().subList(0, 3), startsWithCapital)
                .build()
                .run(PROGRAM);
        assertThat(r.score()).isCloseTo(100.0, within(1e-12));
    }

    @Test
    void anErrorBudgetStopsTheEvaluation() {
        List<Example> many = new ArrayList<>(Collections.nCopies(
                5, Example.of("question", "boom", "answer", "x").withInputs("question")));
        assertThatThrownBy(() -> Evaluate.builder(many, Metrics.exactMatch())
                        .maxErrors(2)
                        .build()
                        .run(PROGRAM))
                .isInstanceOf(ParallelException.class);
    }

    @Test
    void progressReachesTheTotal() {
        List<Integer> done = Collections.synchronizedList(new ArrayList<>());
        Evaluate.builder(devset(), Metrics.exactMatch())
                .threads(2)
                .listener(p -> done.add(p.done()))
                .build()
                .run(PROGRAM);
        assertThat(done).contains(4).hasSize(5);
    }

    @Test
    void examplesWithoutInputsAreRejected() {
        assertThatThrownBy(() -> Evaluate.builder(List.of(Example.of("question", "q")), Metrics.exactMatch()))
                .hasMessageContaining("dev set example 0 has no input keys marked");
    }

    @Test
    void exportsCsvAndJsonWithMediaDescribedNotEmbedded(@TempDir Path dir) throws Exception {
        byte[] png = pngBytes();
        Image image = Image.of(png);
        List<Example> set = List.of(
                Example.of("question", "capital of france, please", "photo", image, "answer", "Paris")
                        .withInputs("question", "photo"),
                Example.of("question", "boom", "photo", image, "answer", "x").withInputs("question", "photo"));
        EvaluationResult r = Evaluate.builder(set, Metrics.exactMatch()).build().run(PROGRAM);

        Path csv = dir.resolve("eval.csv");
        r.writeCsv(csv);
        List<String> lines =
                List.of(Files.readString(csv, StandardCharsets.UTF_8).split("\r\n"));
        assertThat(lines.get(0)).isEqualTo("index,question,photo,answer,pred_answer,score,error");
        assertThat(lines.get(1))
                .isEqualTo(
                        "0,\"capital of france, please\",<Image image/png " + png.length + " bytes>,Paris,Paris,1.0,");
        assertThat(lines.get(2))
                .isEqualTo("1,boom,<Image image/png " + png.length
                        + " bytes>,x,,0.0,IllegalStateException: the LM is down");

        Path json = dir.resolve("eval.json");
        r.writeJson(json);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("score").asDouble()).isEqualTo(50.0);
        assertThat(doc.get("failures").asInt()).isEqualTo(1);
        assertThat(doc.get("rows")).hasSize(2);
        assertThat(doc.get("rows").get(0).get("prediction").get("answer").asText())
                .isEqualTo("Paris");
        assertThat(doc.get("rows").get(0).get("example").get("photo").asText()).startsWith("<Image image/png");
        assertThat(doc.get("rows").get(1).get("prediction").isNull()).isTrue();
        assertThat(Files.size(json)).isLessThan(png.length + 2000L);
    }

    static byte[] pngBytes() {
        return dev.dspy4j.module.Png.bytes(1, 0);
    }

    @Test
    void runSettingsAreCheckedWhenSetWithParallelsRules() {
        Evaluate.Builder b = Evaluate.builder(devset(), Metrics.exactMatch());
        assertThatThrownBy(() -> b.threads(0)).hasMessageContaining("threads must be at least 1");
        assertThatThrownBy(() -> b.maxErrors(0)).hasMessageContaining("maxErrors must be at least 1");
        assertThatThrownBy(() -> b.timeout(java.time.Duration.ZERO)).hasMessageContaining("timeout must be positive");
    }
}
