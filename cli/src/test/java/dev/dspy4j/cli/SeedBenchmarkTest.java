package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.testing.NoiseImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeedBenchmarkTest {

    @Test
    void seedBenchmarkPrintsOneJsonObjectWithEveryFigure() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = Main.run(
                new PrintWriter(out),
                new PrintWriter(err),
                "bench",
                "seed",
                "--examples",
                "5",
                "--demos",
                "2",
                "--size",
                "64",
                "--json",
                "--sweep-reps",
                "20");

        assertThat(exit).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(out.toString());
        assertThat(out.toString().trim().lines().count()).isEqualTo(1);
        assertThat(r.get("examples").asInt()).isEqualTo(5);
        assertThat(r.get("demos").asInt()).isEqualTo(2);
        assertThat(r.get("image_bytes_total").asLong()).isEqualTo(7L * NoiseImage.png(64, 64, 0).length);
        for (String f :
                List.of("digest_ms", "format_ms", "key_ms", "cold_ms", "cold_request_mb", "warm_ms", "peak_heap_mb")) {
            assertThat(r.get(f)).as(f).isNotNull();
            assertThat(r.get(f).isNumber()).as(f).isTrue();
            assertThat(r.get(f).asDouble()).as(f).isPositive();
        }
        // one request carries 3 images of 64x64 (about 12 KB each, as base64 about 16 KB)
        assertThat(r.get("cold_request_mb").asDouble()).isBetween(0.04, 0.2);
        assertThat(r.get("cold_requests").asInt()).isEqualTo(5);
        assertThat(r.get("warm_http_requests").asInt()).isZero();
        assertThat(r.get("ok").asBoolean()).isTrue();
        JsonNode sweep = r.get("sweep");
        assertThat(sweep.isArray()).isTrue();
        assertThat(sweep).hasSize(4);
        long[] targets = {10 * 1024, 100 * 1024, 1024 * 1024, 4 * 1024 * 1024};
        for (int i = 0; i < 4; i++) {
            JsonNode s = sweep.get(i);
            assertThat(s.get("image_bytes").asLong()).isBetween(targets[i] * 9 / 10, targets[i] * 11 / 10);
            assertThat(s.get("format_key_us").asDouble()).isPositive();
        }
        assertThat(err.toString()).contains("cold pass").contains("warm pass").contains("sweep");
    }

    @Test
    void requestSizesUnderATenthOfAMegabyteArePrintedInKilobytes() {
        assertThat(SeedBenchmark.size(64_030_000L)).isEqualTo("61.1 MB");
        assertThat(SeedBenchmark.size(4_096L)).isEqualTo("4.0 KB"); // was "0.0 MB" with --uploads
        assertThat(SeedBenchmark.size(104_858L)).isEqualTo("0.1 MB");
    }

    @Test
    void inMemoryVariantMakesEachQueryImageWhenAskedAndReportsMemory() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = Main.run(
                new PrintWriter(out),
                new PrintWriter(err),
                "bench",
                "seed",
                "--in-memory",
                "--examples",
                "6",
                "--demos",
                "2",
                "--size",
                "64",
                "--json");

        assertThat(exit).as(err.toString()).isZero();
        JsonNode r = new ObjectMapper().readTree(out.toString());
        assertThat(r.get("in_memory").asBoolean()).isTrue();
        assertThat(r.get("examples").asInt()).isEqualTo(6);
        assertThat(r.get("cold_requests").asInt()).isEqualTo(6);
        assertThat(r.get("warm_http_requests").asInt()).isZero();
        assertThat(r.get("query_bytes_total").asLong()).isPositive();
        assertThat(r.get("history_entries").asInt()).isEqualTo(12);
        for (String f : List.of("cold_ms", "warm_ms", "peak_heap_mb")) {
            assertThat(r.get(f).asDouble()).as(f).isPositive();
        }
        // zero when no collection ran in so short a run
        assertThat(r.get("peak_heap_after_gc_mb").isNumber()).isTrue();
        assertThat(r.get("ok").asBoolean()).isTrue();
        assertThat(err.toString()).contains("cold pass").contains("warm pass").contains("memory");
    }

    private static JsonNode seed(String... extra) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new java.util.ArrayList<>(
                List.of("bench", "seed", "--examples", "6", "--demos", "3", "--size", "64", "--json", "--no-sweep"));
        args.addAll(List.of(extra));
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        assertThat(exit).as(err.toString()).isZero();
        return new ObjectMapper().readTree(out.toString());
    }

    @Test
    void withUploadsEachImageCrossesTheWireOnceAndColdWireMbCountsRequestsAndUploads() throws Exception {
        JsonNode plain = seed();
        JsonNode uploads = seed("--uploads");

        assertThat(plain.get("uploads").asBoolean()).isFalse();
        assertThat(plain.get("cold_uploads").asInt()).isZero();
        assertThat(plain.get("cold_wire_mb").asDouble())
                .isEqualTo(plain.get("cold_total_mb").asDouble());
        assertThat(uploads.get("uploads").asBoolean()).isTrue();
        assertThat(uploads.get("cold_uploads").asInt()).isEqualTo(9); // 3 demos + 6 queries, once each
        assertThat(uploads.get("cold_requests").asInt()).isEqualTo(6);
        assertThat(uploads.get("warm_http_requests").asInt()).isZero();
        assertThat(uploads.get("cold_wire_mb").asDouble())
                .isEqualTo(
                        uploads.get("cold_total_mb").asDouble()
                                + uploads.get("cold_upload_mb").asDouble(),
                        org.assertj.core.data.Offset.offset(0.0002));
        // each image once (plus multipart framing) instead of once per request that shows it, as base64
        long images = uploads.get("image_bytes_total").asLong();
        assertThat(uploads.get("cold_upload_mb").asDouble() * 1024 * 1024)
                .isBetween((double) images, images + 9 * 400.0);
        assertThat(uploads.get("cold_wire_mb").asDouble())
                .isLessThan(plain.get("cold_wire_mb").asDouble() / 2);
        assertThat(uploads.get("ok").asBoolean()).isTrue();
    }
}
