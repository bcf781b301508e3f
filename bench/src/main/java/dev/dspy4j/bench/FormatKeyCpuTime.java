package dev.dspy4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A companion to {@link FormatKeyBenchmark} for a shared, loaded machine: runs format + key for
 * each image size on one thread and reports the thread's CPU time per operation (which excludes
 * time spent descheduled) next to the wall time. Not a substitute for JMH, a cross-check of it.
 *
 * <pre>java -cp bench/target/dspy4j-bench.jar dev.dspy4j.bench.FormatKeyCpuTime [ops per round]</pre>
 */
public final class FormatKeyCpuTime {
    private FormatKeyCpuTime() {}

    public static void main(String[] args) throws Exception {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] sizes = {10_240, 102_400, 1_048_576, 4_194_304};
        FormatKeyBenchmark[] benches = new FormatKeyBenchmark[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            benches[i] = new FormatKeyBenchmark();
            benches[i].imageBytes = sizes[i];
            benches[i].setup();
        }
        try {
            Object sink = null;
            for (int round = 0; round < 6; round++) {
                StringBuilder line = new StringBuilder(round < 3 ? "warmup " : "round  ");
                for (int i = 0; i < sizes.length; i++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    for (int k = 0; k < ops; k++) sink = benches[i].formatAndKey();
                    long c1 = mx.getCurrentThreadCpuTime();
                    long w1 = System.nanoTime();
                    line.append(String.format(
                            "  %7d B: cpu %6.2f us wall %6.2f us",
                            sizes[i], (c1 - c0) / 1e3 / ops, (w1 - w0) / 1e3 / ops));
                }
                System.out.println(line);
            }
            if (sink == null) System.out.println();
        } finally {
            for (FormatKeyBenchmark b : benches) b.tearDown();
        }
    }
}
