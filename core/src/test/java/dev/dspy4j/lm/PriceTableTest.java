package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
    @TempDir
    Path dir;

    @Test
    void theShippedTableIsDatedAndPricesTheReadmeModel() {
        PriceTable t = PriceTable.defaults();
        assertThat(t.asOf()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(t.priceOf("gpt-4o-mini")).isEqualTo(new PriceTable.Price(0.15, 0.075, 0.15, 0.60));
    }

    @Test
    void versionedAndProviderPrefixedNamesMatchTheLongestEntry() {
        PriceTable t = PriceTable.defaults();
        assertThat(t.priceOf("gpt-4o-mini-2024-07-18")).isEqualTo(t.priceOf("gpt-4o-mini"));
        assertThat(t.priceOf("openai/gpt-4o-2024-08-06")).isEqualTo(t.priceOf("gpt-4o"));
        assertThat(t.priceOf("gpt-4o-minimal")).isNull();
        assertThat(t.priceOf("gpt-4o-audio-preview")).isNull();
        assertThat(t.priceOf("claude-3-5-haiku-latest")).isEqualTo(t.priceOf("claude-3-5-haiku"));
        assertThat(t.priceOf("llama3")).isNull();
    }

    @Test
    void costSplitsUncachedCachedCacheWriteAndOutput() {
        PriceTable.Price p = new PriceTable.Price(3.0, 0.3, 3.75, 15.0);
        // 1000 prompt tokens of which 200 read from and 300 written to the provider's cache, 100 out
        Usage u = new Usage(1000, 100, 200, 300, 0);
        assertThat(p.cost(u)).isCloseTo((500 * 3.0 + 200 * 0.3 + 300 * 3.75 + 100 * 15.0) / 1e6, within(1e-12));
    }

    @Test
    void aUserTableOverridesAndExtendsTheShippedOne() throws Exception {
        Path f = dir.resolve("prices.json");
        Files.writeString(
                f,
                "{\"as_of\":\"2026-11-01\",\"models\":{\"gpt-4o-mini\":{\"input\":1,\"output\":2},"
                        + "\"my-model\":{\"input\":0.5,\"cached_input\":0.1,\"output\":1}}}");
        PriceTable t = PriceTable.defaults().with(PriceTable.load(f));
        assertThat(t.asOf()).isEqualTo("2026-11-01");
        assertThat(t.priceOf("gpt-4o-mini")).isEqualTo(new PriceTable.Price(1, 1, 1, 2));
        assertThat(t.priceOf("my-model")).isEqualTo(new PriceTable.Price(0.5, 0.1, 0.5, 1));
        assertThat(t.priceOf("gpt-4o")).isEqualTo(PriceTable.defaults().priceOf("gpt-4o"));
    }

    @Test
    void badTablesNameTheFileModelAndField() throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"models\":{\"m\":{\"input\":\"cheap\",\"output\":1}}}");
        assertThatThrownBy(() -> PriceTable.load(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("model m")
                .hasMessageContaining("\"input\" must be a number");
        Files.writeString(f, "{\"models\":{\"m\":{\"input\":1}}}");
        assertThatThrownBy(() -> PriceTable.load(f)).hasMessageContaining("\"output\" is missing");
        Files.writeString(f, "[1,2]");
        assertThatThrownBy(() -> PriceTable.load(f)).hasMessageContaining("needs an object \"models\"");
        Files.writeString(f, "{not json");
        assertThatThrownBy(() -> PriceTable.load(f)).hasMessageContaining("is not valid JSON");
    }
}
