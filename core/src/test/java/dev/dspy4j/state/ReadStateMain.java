package dev.dspy4j.state;

import java.nio.file.Path;

/** Reads a state file in a child JVM (with a small heap): prints "ok" or the error, exit 0 or 2. */
public final class ReadStateMain {
    private ReadStateMain() {}

    public static void main(String[] args) {
        try {
            ProgramState s = ProgramState.read(Path.of(args[0]));
            System.out.println("ok " + s.predictors().keySet());
        } catch (ProgramStateException e) {
            System.out.println("error: " + e.getMessage());
            System.exit(2);
        }
    }
}
