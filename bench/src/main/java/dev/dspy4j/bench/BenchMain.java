package dev.dspy4j.bench;

import java.util.Arrays;

/**
 * Entry point of {@code dspy4j-bench.jar}: {@code peer [--json] [--rounds N]} runs the comparison
 * with LangChain4j ({@link PeerBenchmark}); any other arguments go to JMH.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.out.println("usage: java -jar bench/target/dspy4j-bench.jar peer [--json] [--rounds N] [--size PX]");
            System.out.println("       java -jar bench/target/dspy4j-bench.jar <jmh options>");
            return;
        }
        if (args[0].equals("peer")) {
            System.exit(PeerBenchmark.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        org.openjdk.jmh.Main.main(args);
    }
}
