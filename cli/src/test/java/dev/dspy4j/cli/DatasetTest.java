package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.signature.Signature;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a JSONL row's media fields become values. */
class DatasetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aFileFieldTakesADataUriAndItGetsAName() throws Exception {
        byte[] pdf = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        String uri = "data:application/pdf;base64," + Base64.getEncoder().encodeToString(pdf);
        Dataset dataset = new Dataset(dir.resolve("rows.jsonl"));

        Map<String, Object> in = dataset.inputs(
                JSON.readTree("{\"report\": \"" + uri + "\"}"),
                Signature.parse("report: File -> answer").inputs());

        File f = (File) in.get("report");
        assertThat(f.payload().mediaType()).isEqualTo(MediaType.PDF);
        assertThat(f.payload().size()).isEqualTo(pdf.length);
        assertThat(f.filename()).isEqualTo("file.pdf");
    }

    @Test
    void aFileFieldTakesTextFormatsKnownByExtension() throws Exception {
        Files.writeString(dir.resolve("table.csv"), "a,b\n1,2\n");
        Files.writeString(dir.resolve("data.json"), "{\"a\": 1}\n");
        Dataset dataset = new Dataset(dir.resolve("rows.jsonl"));

        Map<String, Object> in = dataset.inputs(
                JSON.readTree("{\"table\": \"table.csv\", \"data\": \"data.json\"}"),
                Signature.parse("table: File, data: File -> answer").inputs());

        File table = (File) in.get("table");
        assertThat(table.payload().mediaType()).isEqualTo(MediaType.of("text/csv"));
        assertThat(table.filename()).isEqualTo("table.csv");
        assertThat(((File) in.get("data")).payload().mediaType()).isEqualTo(MediaType.of("application/json"));
    }

    @Test
    void anImageUrlIsRecognisedWhateverTheCaseOfItsScheme() throws Exception {
        Dataset dataset = new Dataset(dir.resolve("rows.jsonl"));
        Map<String, Object> in = dataset.inputs(
                JSON.readTree(
                        "{\"a\": \"HTTPS://images.example/cat.png\"," + " \"b\": \"Http://images.example/dog.png\"}"),
                Signature.parse("a: Image, b: Image -> answer").inputs());
        assertThat(((Image) in.get("a")).isRemote()).isTrue();
        assertThat(((Image) in.get("a")).url().toString()).isEqualTo("HTTPS://images.example/cat.png");
        assertThat(((Image) in.get("b")).isRemote()).isTrue();
    }
}
