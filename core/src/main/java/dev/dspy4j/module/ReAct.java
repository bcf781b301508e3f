package dev.dspy4j.module;

import dev.dspy4j.adapter.AdapterParseException;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.ContextWindowExceededException;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ToolCall;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent that reasons and acts: in each step the LM writes a thought, picks a tool and gives its
 * arguments; the tool's result (the observation) is added to the trajectory, and the next step sees
 * it. The loop ends when the LM picks {@code finish}, after {@code maxIters} steps, or when a step's
 * answer cannot be parsed; then a {@link ChainOfThought} over the original signature plus the
 * trajectory extracts the outputs. The prediction holds those outputs and {@code trajectory}.
 *
 * <p><b>Trajectory.</b> A map, in order, with {@code thought_N}, {@code tool_name_N},
 * {@code tool_args_N} and {@code observation_N} for each step N, passed to both predictors as the
 * {@code trajectory} input. It is rendered by the adapter's value formatting: as JSON text, with a
 * media observation (a tool that returns an {@link dev.dspy4j.media.Image}, for instance) placed as a
 * media part where its value goes. A tool that throws, or that gets arguments it cannot take, yields
 * the observation {@code "error: ..."}; the agent can react to it.
 *
 * <p><b>Context window.</b> When the LM reports that the prompt exceeds its context window
 * ({@link ContextWindowExceededException}), the oldest step is dropped from the trajectory and the
 * call retried, until it fits or no step is left.
 *
 * <p><b>Native tool calling.</b> With {@link #withNativeTools(boolean) withNativeTools(true)} and an
 * LM whose {@link LanguageModel#supportsNativeTools()} is true, each step sends the tools (and
 * {@code finish}) as the request's {@code tools} parameter and reads the LM's tool call; the text
 * answer only holds the thought. Otherwise the text protocol above is used.
 *
 * <p>Predictors: {@code react} (one step) and {@code extract.predict} (the final outputs).
 *
 * <pre>{@code
 * ReAct agent = ReAct.of(Signature.parse("question -> answer"), Tool.fromObject(new Search()), 5).withLm(lm);
 * String answer = agent.call(Map.of("question", "...")).getString("answer");
 * }</pre>
 */
public final class ReAct implements Module {
    /** The tool that ends the loop. */
    public static final String FINISH = "finish";
    /** The input field holding the trajectory, and the prediction key holding the final one. */
    public static final String TRAJECTORY = "trajectory";

    static final String THOUGHT = "next_thought";
    static final String TOOL_NAME = "next_tool_name";
    static final String TOOL_ARGS = "next_tool_args";
    private static final Logger LOG = LoggerFactory.getLogger(ReAct.class);

    private final Signature signature;
    private final List<Tool> tools;
    private final Map<String, Tool> byName;
    private final int maxIters;
    private final Predict react;
    private final ChainOfThought extract;
    private final boolean nativeTools;

    private ReAct(
            Signature signature,
            List<Tool> tools,
            int maxIters,
            Predict react,
            ChainOfThought extract,
            boolean nativeTools) {
        this.signature = signature;
        this.tools = tools;
        Map<String, Tool> m = new LinkedHashMap<>();
        for (Tool t : tools) m.put(t.name(), t);
        this.byName = Collections.unmodifiableMap(m);
        this.maxIters = maxIters;
        this.react = react;
        this.extract = extract;
        this.nativeTools = nativeTools;
    }

    /**
     * An agent for {@code signature} with these tools and at most {@code maxIters} steps.
     *
     * @param signature the task; its outputs are what the extraction step writes
     * @param tools the tools the LM may call; copied
     * @param maxIters the most steps; at least 1
     * @return the agent, with no LM yet
     * @throws IllegalArgumentException for a tool named {@code finish}, two tools of one name, a
     *                                  signature with a {@code trajectory} field, or {@code maxIters < 1}
     */
    public static ReAct of(Signature signature, List<Tool> tools, int maxIters) {
        Objects.requireNonNull(signature, "signature");
        List<Tool> list = List.copyOf(tools);
        if (maxIters < 1) throw new IllegalArgumentException("maxIters must be at least 1, not " + maxIters);
        Set<String> names = new LinkedHashSet<>();
        for (Tool t : list) {
            if (t.name().equals(FINISH)) {
                throw new IllegalArgumentException("'" + FINISH + "' is ReAct's own tool; rename the tool");
            }
            if (!names.add(t.name())) throw new IllegalArgumentException("two tools are named '" + t.name() + "'");
        }
        for (Field f : signature.fields()) {
            if (f.name().equals(TRAJECTORY)) {
                throw new IllegalArgumentException(
                        "the signature already has a field '" + TRAJECTORY + "', which ReAct needs for itself");
            }
        }
        Predict react = Predict.of(ReActPrompts.stepSignature(signature, list));
        ChainOfThought extract = ChainOfThought.of(signature.appendInput(ReActPrompts.trajectoryField()));
        return new ReAct(signature, list, maxIters, react, extract, false);
    }

    /**
     * An agent for a signature string, as {@link #of(Signature, List, int)}.
     *
     * @param signature the signature in DSPy's string form, e.g. {@code "question -> answer"}
     * @param tools the tools the LM may call
     * @param maxIters the most steps; at least 1
     * @return the agent, with no LM yet
     * @throws IllegalArgumentException if the string is not a signature, or as {@link #of(Signature, List, int)}
     */
    public static ReAct of(String signature, List<Tool> tools, int maxIters) {
        return of(Signature.parse(signature), tools, maxIters);
    }

    /**
     * An agent for a record signature, as {@link #of(Signature, List, int)}.
     *
     * @param signature the record class describing the fields
     * @param tools the tools the LM may call
     * @param maxIters the most steps; at least 1
     * @return the agent, with no LM yet
     * @throws IllegalArgumentException if the record is not a signature, or as {@link #of(Signature, List, int)}
     */
    public static ReAct of(Class<? extends Record> signature, List<Tool> tools, int maxIters) {
        return of(Signature.of(signature), tools, maxIters);
    }

    /**
     * This agent using native tool calls when its LM supports them (see the class comment).
     *
     * @param on true to send the tools as the request's {@code tools} parameter; false (the default)
     *     for the text protocol
     * @return a new agent
     */
    public ReAct withNativeTools(boolean on) {
        return new ReAct(signature, tools, maxIters, react, extract, on);
    }

    /** {@return the task's own signature, without ReAct's fields} */
    public Signature signature() {
        return signature;
    }

    /** {@return the tools, without {@code finish}, in the order given} */
    public List<Tool> tools() {
        return tools;
    }

    /** {@return the most steps before the outputs are extracted} */
    public int maxIters() {
        return maxIters;
    }

    /** {@return whether steps use native tool calls when the LM supports them} */
    public boolean nativeTools() {
        return nativeTools;
    }

    /** {@return the step predictor (named {@code react}): thought, tool name and arguments} */
    public Predict react() {
        return react;
    }

    /** {@return the extraction module (predictor {@code extract.predict}): the outputs from the trajectory} */
    public ChainOfThought extract() {
        return extract;
    }

    @Override
    public Prediction call(Map<String, ?> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        Map<String, Object> in = new LinkedHashMap<>();
        for (Field f : signature.inputs()) {
            if (inputs.containsKey(f.name())) in.put(f.name(), inputs.get(f.name()));
        }
        Map<String, Object> trajectory = new LinkedHashMap<>();
        boolean useNative = nativeTools && react.lm() != null && react.lm().supportsNativeTools();
        for (int idx = 0; idx < maxIters; idx++) {
            Step step;
            try {
                step = withTruncation(in, trajectory, useNative ? this::nativeStep : this::textStep);
            } catch (AdapterParseException e) {
                LOG.warn(
                        "ReAct ends the trajectory after {} steps: the step could not be parsed: {}",
                        idx,
                        firstLine(e.getMessage()));
                break;
            }
            trajectory.put("thought_" + idx, step.thought());
            trajectory.put("tool_name_" + idx, step.toolName());
            trajectory.put("tool_args_" + idx, step.args());
            trajectory.put(
                    "observation_" + idx, step.error() != null ? step.error() : observe(step.toolName(), step.args()));
            if (step.toolName().equals(FINISH)) break;
        }
        Prediction out = withTruncation(in, trajectory, extract::call);
        return out.with(TRAJECTORY, Collections.unmodifiableMap(new LinkedHashMap<>(trajectory)));
    }

    /** One step's decision; {@code error} is set when the arguments could not be read. */
    private record Step(String thought, String toolName, Map<String, Object> args, String error) {}

    private Step textStep(Map<String, Object> inputs) {
        Prediction p = react.call(inputs);
        String name = p.getString(TOOL_NAME);
        Object raw = p.get(TOOL_ARGS);
        Map<String, Object> args = Map.of();
        String error = null;
        try {
            args = ToolResults.parseArgs(raw);
        } catch (IllegalArgumentException e) {
            error = "error: the arguments of " + name + " " + e.getMessage();
        }
        return new Step(String.valueOf(p.get(THOUGHT)), name, args, error);
    }

    private Step nativeStep(Map<String, Object> inputs) {
        LanguageModel lm = react.lm();
        Signature thoughtOnly = react.signature().without(TOOL_NAME).without(TOOL_ARGS);
        Prompt prompt = react.adapter().format(thoughtOnly, react.demos(), inputs);
        List<Object> specs = new ArrayList<>();
        for (Tool t : tools) specs.add(t.toFunctionSpec());
        specs.add(Tool.builder(FINISH)
                .description(ReActPrompts.finishDescription(signature))
                .handler(a -> null)
                .build()
                .toFunctionSpec());
        Map<String, Object> params = new TreeMap<>(react.params());
        params.put("tools", specs);
        LmRequest request = new LmRequest(prompt, new TreeMap<>(params), 1, react.rolloutId(), react.cacheEnabled())
                .withDefaults(react.adapter().requestParams(thoughtOnly, lm));
        LmResponse response = lm.complete(request);
        Completion c = response.first();
        dev.dspy4j.adapter.RefusalException.check(thoughtOnly, c);
        String thought;
        String name;
        Map<String, Object> args = Map.of();
        String error = null;
        if (!c.toolCalls().isEmpty()) {
            ToolCall call = c.toolCalls().get(0);
            name = call.name();
            try {
                args = ToolResults.parseArgs(call.argumentsJson());
            } catch (IllegalArgumentException e) {
                error = "error: the arguments of " + name + " " + e.getMessage();
            }
            thought = thoughtOf(thoughtOnly, c.text());
        } else {
            Map<String, Object> full;
            try {
                full = react.adapter().parse(react.signature(), c.text());
                name = String.valueOf(full.get(TOOL_NAME));
                thought = String.valueOf(full.get(THOUGHT));
                try {
                    args = ToolResults.parseArgs(full.get(TOOL_ARGS));
                } catch (IllegalArgumentException e) {
                    error = "error: the arguments of " + name + " " + e.getMessage();
                }
            } catch (AdapterParseException e) {
                name = FINISH; // no tool call and no step: the LM considers itself done
                thought = thoughtOf(thoughtOnly, c.text());
            }
        }
        Map<String, Object> outputs = new LinkedHashMap<>();
        outputs.put(THOUGHT, thought);
        outputs.put(TOOL_NAME, name);
        outputs.put(TOOL_ARGS, ToolResults.describeArgs(args));
        Trace.record(react, inputs, Prediction.of(List.of(outputs), response.usage(), response.cacheHit()));
        return new Step(thought, name, args, error);
    }

    private String thoughtOf(Signature thoughtOnly, String text) {
        if (text.isBlank()) return "";
        try {
            return String.valueOf(react.adapter().parse(thoughtOnly, text).get(THOUGHT));
        } catch (AdapterParseException e) {
            return text.strip();
        }
    }

    /** Runs the tool and turns its result into an observation: text, a media value, or "error: ...". */
    Object observe(String toolName, Map<String, Object> args) {
        if (toolName.equals(FINISH)) return "Completed.";
        Tool tool = byName.get(toolName);
        if (tool == null) {
            List<String> names = new ArrayList<>(byName.keySet());
            names.add(FINISH);
            return "error: there is no tool '" + toolName + "'; the tools are " + String.join(", ", names);
        }
        Object result;
        try {
            result = tool.invoke(args);
        } catch (ToolException e) {
            return "error: " + e.getMessage();
        } catch (RuntimeException e) {
            return "error: " + e;
        }
        return ToolResults.observation(result);
    }

    /**
     * Calls {@code fn} with the inputs and a snapshot of the trajectory; while the LM reports the
     * context window exceeded, drops the oldest step and tries again.
     */
    private <T> T withTruncation(
            Map<String, Object> in, Map<String, Object> trajectory, Function<Map<String, Object>, T> fn) {
        while (true) {
            Map<String, Object> args = new LinkedHashMap<>(in);
            args.put(TRAJECTORY, Collections.unmodifiableMap(new LinkedHashMap<>(trajectory)));
            try {
                return fn.apply(args);
            } catch (RuntimeException e) {
                if (!contextWindowExceeded(e) || !dropOldestStep(trajectory)) throw e;
                LOG.warn("ReAct dropped the oldest step of the trajectory: the prompt exceeded the context window");
            }
        }
    }

    static boolean contextWindowExceeded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ContextWindowExceededException) return true;
            if (t.getCause() == t) break;
        }
        return false;
    }

    /** Removes the oldest step's four entries; false if the trajectory is empty. */
    static boolean dropOldestStep(Map<String, Object> trajectory) {
        String first = null;
        for (String k : trajectory.keySet()) {
            if (k.startsWith("thought_")) {
                first = k.substring("thought_".length());
                break;
            }
        }
        if (first == null) return false;
        for (String prefix : List.of("thought_", "tool_name_", "tool_args_", "observation_")) {
            trajectory.remove(prefix + first);
        }
        return true;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public Map<String, Predict> predictors() {
        Map<String, Predict> m = new LinkedHashMap<>();
        m.put("react", react);
        m.put("extract.predict", extract.predict());
        return Collections.unmodifiableMap(m);
    }

    @Override
    public ReAct withPredictors(Map<String, Predict> replacements) {
        for (String k : replacements.keySet()) {
            if (!k.equals("react") && !k.equals("extract.predict")) {
                throw new IllegalArgumentException(
                        "ReAct has predictors 'react' and 'extract.predict', not '" + k + "'");
            }
        }
        Predict r = replacements.getOrDefault("react", react);
        ChainOfThought x = replacements.containsKey("extract.predict")
                ? extract.withPredictors(Map.of("predict", replacements.get("extract.predict")))
                : extract;
        return new ReAct(signature, tools, maxIters, r, x, nativeTools);
    }

    @Override
    public String toString() {
        return "ReAct(" + signature.toSignatureString() + ", tools=" + byName.keySet() + ", maxIters=" + maxIters + ")";
    }
}
