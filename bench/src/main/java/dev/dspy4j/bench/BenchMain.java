package dev.dspy4j.bench;

/** Entry point of {@code dspy4j-bench.jar}. */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.out.println("usage: java -jar bench/target/dspy4j-bench.jar <jmh options>");
            return;
        }
        org.openjdk.jmh.Main.main(args);
    }
}
