package dev.dspy4j.cli;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.adapter.JsonAdapter;
import dev.dspy4j.adapter.XmlAdapter;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.signature.SignatureException;
import dev.dspy4j.state.LmSettings;
import dev.dspy4j.state.MediaStorage;
import dev.dspy4j.state.PredictorState;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.state.ProgramStateException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dspy4j new}: writes a program file from a signature, instructions, demos and LM settings. */
@Command(
        name = "new",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Write a program file: a signature, its instructions, optional demos and the LM to use.",
            "The file is the format documented in the README (JSON Schema: docs/program-file.schema.json); "
                    + "run, inspect, evaluate and optimize read it."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  dspy4j new --signature \"image: Image, question -> answer\" \\",
            "      --instructions \"Answer in one word.\" --demos demos.jsonl \\",
            "      --lm openai/gpt-4o-mini --out vqa.json",
            "  dspy4j new --signature \"question -> answer: int\" --module cot \\",
            "      --adapter json --out math.json",
            "demos.jsonl holds one demo per line, inputs and outputs: {\"image\": \"img/cat.jpg\", \"question\": "
                    + "\"What animal?\", \"answer\": \"cat\"}"
        })
final class NewCommand implements Callable<Integer> {

    /** The modules {@code new} can make. */
    enum ModuleKind {
        predict,
        cot
    }

    /** The adapters by their command-line names. */
    enum AdapterKind {
        chat,
        json,
        xml
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--signature",
            required = true,
            paramLabel = "SIG",
            description = "Inputs -> outputs with optional types, e.g. \"image: Image, question -> answer\" "
                    + "(types: str, int, float, bool, list[...], dict[str, ...], Literal[...], Optional[...], "
                    + "Image, Audio, File, Document, History; default str).")
    String signature;

    @Option(
            names = "--instructions",
            paramLabel = "TEXT",
            description = "What the LM should do (default: derived from the fields, as DSPy does).")
    String instructions;

    @Option(
            names = "--module",
            paramLabel = "predict|cot",
            defaultValue = "predict",
            description =
                    "predict (answer directly) or cot (ChainOfThought: reasoning first); default ${DEFAULT-VALUE}.")
    ModuleKind module;

    @Option(
            names = "--adapter",
            paramLabel = "chat|json|xml",
            defaultValue = "chat",
            description = "How prompts are laid out and answers parsed: chat ([[ ## field ## ]] markers), json or xml; "
                    + "default ${DEFAULT-VALUE}.")
    AdapterKind adapter;

    @Option(
            names = "--demos",
            paramLabel = "DEMOS.jsonl",
            description =
                    "Few-shot demos, one JSON object per line with every input and output field; media fields take "
                            + "run's forms (path relative to this file, data: URI, http(s) URL for images, {\"path\",\"media_type\"}).")
    Path demos;

    @Option(
            names = "--lm",
            paramLabel = "PROVIDER/MODEL",
            description = "The LM to record, e.g. openai/gpt-4o-mini (run can override it).")
    String lm;

    @Option(
            names = "--api-base",
            paramLabel = "URL",
            description =
                    "The server to record, e.g. http://127.0.0.1:8000/v1. Commands use a recorded server only with "
                            + "--trust-program-base-url (or when given --api-base again).")
    String apiBase;

    @Option(names = "--temperature", paramLabel = "T", description = "The sampling temperature to record.")
    Double temperature;

    @Option(
            names = "--inline-media",
            description = "Store demo media inside the JSON as data: URIs (default: files in <out>.media/).")
    boolean inlineMedia;

    @Option(names = "--out", required = true, paramLabel = "P.json", description = "The program file to write.")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        try {
            if (Files.exists(out) && !force) {
                throw new LmOptions.UsageException("--out " + out + " already exists; pass --force to replace it");
            }
            Signature sig;
            try {
                sig = Signature.parse(signature, instructions);
            } catch (SignatureException e) {
                throw new LmOptions.UsageException("--signature: " + e.getMessage());
            }
            List<Example> demoList = List.of();
            if (demos != null) {
                Examples.Read read = Examples.read(demos, sig, true);
                if (!read.problems().isEmpty()) {
                    throw new LmOptions.UsageException(String.join("\n  ", read.problems()));
                }
                demoList = read.examples();
            }
            Adapter a = switch (adapter) {
                case chat -> ChatAdapter.create();
                case json -> JsonAdapter.create();
                case xml -> XmlAdapter.create();
            };
            List<Example> finalDemos = demoList;
            Module prog = (module == ModuleKind.cot ? ChainOfThought.of(sig) : Predict.of(sig))
                    .mapPredictors(p -> p.withAdapter(a).withDemos(finalDemos));
            ProgramState state = ProgramState.of(prog);
            if (lm != null) state = withLm(state);
            state.save(out, inlineMedia ? MediaStorage.INLINE : MediaStorage.FILES);
            stdout.println("wrote " + out + " (" + (module == ModuleKind.cot ? "ChainOfThought" : "Predict") + ", "
                    + sig.toSignatureString() + ", " + demoList.size() + " demos" + (lm == null ? "" : ", " + lm)
                    + ")");
            return 0;
        } catch (LmOptions.UsageException | ProgramStateException e) {
            err.println("dspy4j new: " + e.getMessage());
            return 2;
        } finally {
            err.flush();
            stdout.flush();
        }
    }

    private ProgramState withLm(ProgramState state) {
        int slash = lm.indexOf('/');
        if (slash <= 0 || slash == lm.length() - 1) {
            throw new LmOptions.UsageException(
                    "--lm must be PROVIDER/MODEL, e.g. openai/gpt-4o-mini, not '" + lm + "'");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        if (temperature != null) params.put("temperature", temperature);
        LmSettings settings = new LmSettings(lm.substring(0, slash), lm.substring(slash + 1), apiBase, params);
        Map<String, PredictorState> predictors = new LinkedHashMap<>();
        state.predictors()
                .forEach((name, p) -> predictors.put(
                        name,
                        new PredictorState(
                                p.signature(),
                                p.signatureName(),
                                p.instructions(),
                                p.fields(),
                                p.demos(),
                                p.params(),
                                p.n(),
                                p.rolloutId(),
                                p.adapter(),
                                p.jsonFallback(),
                                settings)));
        return ProgramState.of(state.program(), predictors);
    }
}
