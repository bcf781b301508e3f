package dev.dspy4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dspy4j} command: {@code run} a saved program over a JSONL dataset, inspect the
 * response {@code cache}, and {@code bench seed} (the seed scenario, end to end).
 */
@Command(
        name = "dspy4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Declarative LM programs for the JVM: make a program, look at its prompt, run it over a dataset, "
                    + "score it, improve it, run it again.",
            "Each command has --help with examples."
        },
        footerHeading = "%nThe loop:%n",
        footer = {
            "  dspy4j new --signature \"image: Image, question -> answer\" \\",
            "      --lm openai/gpt-4o-mini --out vqa.json",
            "  dspy4j inspect --program vqa.json --data photos.jsonl --row 1",
            "  dspy4j run --program vqa.json --data photos.jsonl --out answers.jsonl",
            "  dspy4j evaluate --program vqa.json --data dev.jsonl \\",
            "      --metric exact_match:answer",
            "  dspy4j optimize --program vqa.json --train train.jsonl --dev dev.jsonl \\",
            "      --metric exact_match:answer --optimizer bootstrap \\",
            "      --out vqa.optimized.json"
        },
        subcommands = {
            NewCommand.class,
            InspectCommand.class,
            RunCommand.class,
            EvaluateCommand.class,
            OptimizeCommand.class,
            CacheCommand.class,
            FilesCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs {@code dspy4j} and exits the JVM with the command's status: 0 success, 1 some rows or checks
     * failed, 2 a usage error, 130 interrupted (see each command's help).
     *
     * @param args the command line, e.g. {@code run --program p.json --data d.jsonl --out o.jsonl}
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * {@return the exit status of the command run on the process's standard streams} (the JVM keeps running)
     *
     * @param args the command line without the program name
     */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /**
     * {@return the exit status of the command run writing to {@code out} and {@code err}} (for tests and
     * embedding); both are flushed before it returns
     *
     * @param out  where results go (e.g. {@code --json} summaries, {@code cache stats})
     * @param err  where progress, warnings, summaries and errors go
     * @param args the command line without the program name
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * {@return a new picocli command line for {@code dspy4j} and its subcommands}, with this project's
     * handlers for bad command lines (a short error, see {@link #shortParameterError}) and failed commands
     * (see {@link #failedCommand})
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Main::shortParameterError);
        cl.setExecutionExceptionHandler(Main::failedCommand);
        // the optimizers are a registry others add to: list them in optimize --help from it
        CommandLine.Model.UsageMessageSpec usage =
                cl.getSubcommands().get("optimize").getCommandSpec().usageMessage();
        java.util.List<String> footer = new java.util.ArrayList<>(Optimizers.helpLines(usage.width()));
        footer.addAll(java.util.List.of(usage.footer()));
        usage.footer(footer.toArray(String[]::new));
        return cl;
    }

    /**
     * A command that failed with an exception it did not handle itself: one line naming the command
     * ({@code dspy4j optimize: ChatAdapter could not parse ...}), Redis passwords masked. Exit status 2
     * for a usage error ({@link LmOptions.UsageException}), 1 for anything that went wrong while running
     * (an LM answer that cannot be parsed, a server that fails, a file that cannot be written), as the
     * README's exit statuses say.
     */
    static int failedCommand(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        commandLine
                .getErr()
                .println(commandLine.getCommandSpec().qualifiedName() + ": "
                        + masked(e.getMessage() == null ? e.toString() : e.getMessage()));
        commandLine.getErr().flush();
        return e instanceof LmOptions.UsageException ? 2 : 1;
    }

    /**
     * A bad command line in two or three lines, as GNU tools report one: picocli's message (the option,
     * the value and what it takes, e.g. {@code Invalid value for option '--threads': 'abc' is not an int}),
     * picocli's "Possible solutions" for a mistyped option, then {@code Try 'dspy4j run --help' for more
     * information.}; exit status 2. Not picocli's default, which prints the whole usage below the message,
     * so the one line that matters scrolls away. Options picocli did not recognise are reported first:
     * it checks required options before unmatched ones, so {@code --dataa} was reported as a missing
     * {@code --data}. Redis URI passwords in the message are masked.
     */
    static int shortParameterError(CommandLine.ParameterException ex, String[] args) {
        CommandLine c = ex.getCommandLine();
        CommandLine.ParseResult parsed = c.getParseResult();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException)
                && parsed != null
                && !parsed.unmatched().isEmpty()) {
            ex = new CommandLine.UnmatchedArgumentException(c, parsed.unmatched());
        }
        PrintWriter err = c.getErr();
        err.println(masked(ex.getMessage()));
        String subcommands = subcommandNames(c);
        if (ex instanceof CommandLine.UnmatchedArgumentException && !subcommands.isEmpty()) {
            err.println(c.getCommandSpec().qualifiedName() + " takes a subcommand: " + subcommands);
        }
        StringWriter suggestions = new StringWriter();
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, new PrintWriter(suggestions, true));
        suggestions.toString().lines().forEach(l -> err.println(masked(l)));
        err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return c.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The names of {@code c}'s visible subcommands, comma-separated; empty when it has none. */
    private static String subcommandNames(CommandLine c) {
        return c.getSubcommands().values().stream()
                .filter(s -> !s.getCommandSpec().usageMessage().hidden())
                .map(s -> s.getCommandName())
                .distinct()
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static final java.util.regex.Pattern REDIS_USER_INFO =
            java.util.regex.Pattern.compile("(?i)\\b(rediss?://)([^\\s'\"/@]*)@");

    /**
     * {@code message} with the password of every Redis URI in it replaced by {@code ***}: picocli's
     * messages quote the arguments they could not use, and {@code --cache redis://user:password@host} may
     * be among them.
     */
    static String masked(String message) {
        if (message == null) return null;
        return REDIS_USER_INFO.matcher(message).replaceAll(m -> {
            String info = m.group(2);
            int colon = info.indexOf(':');
            String shown = colon < 0 ? "***" : info.substring(0, colon) + ":***";
            return java.util.regex.Matcher.quoteReplacement(m.group(1) + shown + "@");
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
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
