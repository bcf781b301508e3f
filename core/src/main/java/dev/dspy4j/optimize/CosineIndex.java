package dev.dspy4j.optimize;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory nearest-neighbour index over vectors by cosine similarity, exact (a scan of every
 * vector: fine for the few thousand training examples an optimizer holds). Vectors are copied and
 * normalized once when the index is built. Immutable and thread-safe.
 */
final class CosineIndex {

    /**
     * One neighbour.
     *
     * @param index      the vector's position in the list the index was built from
     * @param similarity its cosine similarity to the query, in [-1, 1]
     */
    public record Hit(int index, double similarity) {}

    private final float[][] unit;
    private final int dimensions;

    private CosineIndex(float[][] unit, int dimensions) {
        this.unit = unit;
        this.dimensions = dimensions;
    }

    /**
     * An index of these vectors (at least one, all of one length).
     *
     * @throws IllegalArgumentException for no vectors, different lengths, or a zero or non-finite vector
     */
    public static CosineIndex of(List<float[]> vectors) {
        Objects.requireNonNull(vectors, "vectors");
        if (vectors.isEmpty()) throw new IllegalArgumentException("a cosine index needs at least one vector");
        int d = vectors.get(0).length;
        float[][] unit = new float[vectors.size()][];
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = vectors.get(i);
            if (v.length != d) {
                throw new IllegalArgumentException(
                        "vector " + i + " has " + v.length + " dimensions; vector 0 has " + d);
            }
            unit[i] = normalized(v, "vector " + i);
        }
        return new CosineIndex(unit, d);
    }

    public int size() {
        return unit.length;
    }

    public int dimensions() {
        return dimensions;
    }

    /**
     * The {@code k} vectors most similar to {@code query}, most similar first; equal similarities
     * keep index order, so results are deterministic.
     */
    public List<Hit> nearest(float[] query, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be at least 1, not " + k);
        if (query.length != dimensions) {
            throw new IllegalArgumentException(
                    "the query has " + query.length + " dimensions; the index has " + dimensions);
        }
        float[] q = normalized(query, "the query");
        List<Hit> hits = new ArrayList<>(unit.length);
        for (int i = 0; i < unit.length; i++) {
            double dot = 0;
            for (int j = 0; j < dimensions; j++) dot += unit[i][j] * q[j];
            hits.add(new Hit(i, dot));
        }
        hits.sort((a, b) -> a.similarity() != b.similarity()
                ? Double.compare(b.similarity(), a.similarity())
                : Integer.compare(a.index(), b.index()));
        return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
    }

    private static float[] normalized(float[] v, String what) {
        double norm = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) throw new IllegalArgumentException(what + " holds a non-finite value " + x);
            norm += (double) x * x;
        }
        if (norm == 0) throw new IllegalArgumentException(what + " is all zeros; cosine similarity needs a direction");
        double n = Math.sqrt(norm);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / n);
        return out;
    }
}
