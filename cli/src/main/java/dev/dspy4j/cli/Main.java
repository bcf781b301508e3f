package dev.dspy4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dspy4j} command. */
@Command(name = "dspy4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Declarative LM programs for the JVM: run programs over datasets, inspect the cache, benchmark.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code (for tests). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Reads the version written into the jar at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/dspy4j-version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"dspy4j " + p.getProperty("version", "unknown")};
        }
    }
}
