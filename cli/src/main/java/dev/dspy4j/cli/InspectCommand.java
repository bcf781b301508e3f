package dev.dspy4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.media.Media;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.state.LmSettings;
import dev.dspy4j.state.PredictorState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dspy4j inspect}: shows a program file (signature with types, instructions, adapter, LM,
 * demos with media as kind/type/size/digest) and, with {@code --data} and {@code --row}, the exact
 * messages that would be sent for that row, media shown as one line each, never dumped. Calls no LM.
 */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Show a program file and, for one dataset row, the exact messages that would be sent.",
            "Media are shown as kind, media type, size and SHA-256 prefix; nothing is sent anywhere."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  dspy4j inspect --program vqa.json",
            "  dspy4j inspect --program vqa.json --data photos.jsonl --row 3"
        })
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--program", required = true, paramLabel = "P.json", description = "The program file.")
    Path program;

    @Option(names = "--data", paramLabel = "D.jsonl", description = "A dataset, to show the prompt of one of its rows.")
    Path data;

    @Option(
            names = "--row",
            paramLabel = "N",
            description = "The dataset line number to format (as run's output names rows).")
    Long row;

    @Option(
            names = "--signature",
            paramLabel = "SIG",
            description = "The signature, for DSPy state files that do not record it.")
    String signature;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            if ((data == null) != (row == null)) {
                throw new LmOptions.UsageException("--data and --row go together: --data rows.jsonl --row N");
            }
            LmOptions opts = new LmOptions();
            opts.signature = signature;
            opts.trustProgramBaseUrl = true; // shown, never used: inspect sends nothing
            LmOptions.Loaded loaded = opts.load(program);
            describe(out, loaded);
            if (data != null) showRow(out, loaded.program());
            return 0;
        } catch (LmOptions.UsageException e) {
            err.println("dspy4j inspect: " + e.getMessage());
            return 2;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private void describe(PrintWriter out, LmOptions.Loaded loaded) {
        out.println("program   " + program + " (" + loaded.program().getClass().getSimpleName() + ", "
                + loaded.state().format().name().toLowerCase(java.util.Locale.ROOT) + " format)");
        for (Map.Entry<String, Predict> e : loaded.program().predictors().entrySet()) {
            Predict p = e.getValue();
            PredictorState s = loaded.state().predictors().get(e.getKey());
            out.println("predictor " + e.getKey());
            out.println("  signature     " + p.signature().toSignatureString());
            out.println("  instructions  " + indent(p.signature().instructions()));
            for (Field f : p.signature().fields()) {
                if (f.description() != null && !f.description().isBlank()) {
                    out.println("  field " + f.name() + ": " + f.description());
                }
            }
            out.println("  adapter       " + p.adapter().getClass().getSimpleName());
            LmSettings lm = s == null ? null : s.lm();
            out.println("  lm            "
                    + (lm == null
                            ? "(none recorded; give --lm to run)"
                            : lm.qualifiedModel()
                                    + (lm.baseUrl() == null
                                            ? ""
                                            : " at " + lm.baseUrl() + " (used only with --trust-program-base-url)")
                                    + (lm.params().isEmpty() ? "" : " " + lm.params())));
            if (!p.params().isEmpty()) out.println("  params        " + p.params());
            out.println("  demos         " + p.demos().size());
            int i = 0;
            for (Example d : p.demos()) {
                out.println("    [" + i++ + "] "
                        + d.toMap().entrySet().stream()
                                .map(v -> v.getKey() + "=" + value(v.getValue()))
                                .collect(Collectors.joining("  ")));
            }
        }
    }

    private void showRow(PrintWriter out, Module prog) {
        String line = line(row);
        JsonNode node;
        try {
            node = Jsons.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new LmOptions.UsageException(data + " line " + row + ": " + Jsons.notValidJson(e));
        }
        Predict p = Programs.predictor(prog);
        Map<String, Object> inputs;
        try {
            inputs = new Dataset(data).inputs(node, p.signature().inputs());
        } catch (Dataset.RowException e) {
            throw new LmOptions.UsageException(data + " line " + row + ": " + e.getMessage());
        }
        Prompt prompt = p.format(inputs);
        out.println();
        out.println("messages for " + data + " line " + row + " ("
                + prompt.messages().size() + "):");
        for (Message m : prompt.messages()) {
            out.println("--- " + m.role().name().toLowerCase(java.util.Locale.ROOT) + " ---");
            for (Part part : m.parts()) {
                if (part instanceof Part.Text t) {
                    out.println(t.text());
                } else {
                    out.println("<" + Programs.describe(part.media()) + ">");
                }
            }
        }
    }

    private String line(long n) {
        if (n < 1) throw new LmOptions.UsageException("--row counts lines from 1, not " + n);
        try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String line;
            for (long i = 1; (line = in.readLine()) != null; i++) {
                if (i == n) {
                    if (i == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                    if (line.isBlank()) throw new LmOptions.UsageException(data + " line " + n + " is blank");
                    return line;
                }
            }
            throw new LmOptions.UsageException(data + " has fewer than " + n + " lines");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LmOptions.UsageException("dataset " + data + " does not exist");
        } catch (IOException e) {
            throw new LmOptions.UsageException(data + " cannot be read: " + e.getMessage());
        }
    }

    private static String value(Object v) {
        if (v instanceof Media m) return "<" + Programs.describe(m) + ">";
        if (v instanceof Collection<?> c)
            return c.stream().map(InspectCommand::value).collect(Collectors.joining(", ", "[", "]"));
        if (v instanceof String s) return Jsons.quote(s.length() > 80 ? s.substring(0, 80) + "..." : s);
        return String.valueOf(v);
    }

    private static String indent(String s) {
        return s == null ? "" : s.replace("\n", "\n                ");
    }
}
