package dev.dspy4j.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CosineIndexTest {

    @Test
    void nearestByCosineNotByLengthWithTiesInIndexOrder() {
        CosineIndex index = CosineIndex.of(List.of(
                new float[] {10, 0}, new float[] {1, 1}, new float[] {0, 3}, new float[] {2, 2}, new float[] {-1, 0}));
        List<CosineIndex.Hit> hits = index.nearest(new float[] {1, 0.9f}, 3);
        assertThat(hits).extracting(CosineIndex.Hit::index).containsExactly(1, 3, 0);
        assertThat(hits.get(0).similarity()).isCloseTo(hits.get(1).similarity(), within(1e-6));
        assertThat(index.nearest(new float[] {-5, 0}, 1).get(0).index()).isEqualTo(4);
        assertThat(index.nearest(new float[] {1, 0}, 10)).hasSize(5);
        assertThat(index.nearest(new float[] {0, 1}, 5).get(4).similarity()).isCloseTo(0.0, within(1e-6));
    }

    @Test
    void badVectorsAreRefusedWithTheirPosition() {
        assertThatThrownBy(() -> CosineIndex.of(List.of())).hasMessageContaining("at least one vector");
        assertThatThrownBy(() -> CosineIndex.of(List.of(new float[] {1, 2}, new float[] {1})))
                .hasMessageContaining("vector 1 has 1 dimensions; vector 0 has 2");
        assertThatThrownBy(() -> CosineIndex.of(List.of(new float[] {0, 0})))
                .hasMessageContaining("vector 0 is all zeros");
        CosineIndex index = CosineIndex.of(List.<float[]>of(new float[] {1, 2}));
        assertThatThrownBy(() -> index.nearest(new float[] {1}, 1)).hasMessageContaining("the query has 1 dimensions");
        assertThatThrownBy(() -> index.nearest(new float[] {Float.NaN, 1}, 1)).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> index.nearest(new float[] {1, 1}, 0)).hasMessageContaining("k must be at least 1");
    }
}
