package dev.dspy4j.module;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import dev.dspy4j.signature.Signature;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@link ReAct} asks of the LM: the signature of one step (the task's inputs and the trajectory
 * in; thought, tool name and arguments out) and its instructions, which list the tools with their
 * argument schemas and {@code finish}.
 */
final class ReActPrompts {
    private static final Type ARGS_TYPE = new TypeReference<Map<String, Object>>() {}.getType();

    private ReActPrompts() {}

    static Field trajectoryField() {
        return new Field(
                ReAct.TRAJECTORY,
                new FieldType.DictOf(FieldType.Scalar.STR),
                "the steps so far: thought_N, tool_name_N, tool_args_N and observation_N for each step N",
                ARGS_TYPE);
    }

    /** The signature of one step: the task's inputs and the trajectory in; thought, tool and arguments out. */
    static Signature stepSignature(Signature task, List<Tool> tools) {
        List<String> choices = new ArrayList<>();
        for (Tool t : tools) choices.add(t.name());
        choices.add(ReAct.FINISH);
        List<Field> ins = new ArrayList<>(task.inputs());
        ins.add(trajectoryField());
        List<Field> outs = List.of(
                Field.of(ReAct.THOUGHT, FieldType.Scalar.STR, "what you know, what is missing, and what to do next"),
                Field.of(ReAct.TOOL_NAME, new FieldType.Literal(choices), "the tool to call next"),
                Field.of(
                        ReAct.TOOL_ARGS,
                        FieldType.Scalar.STR,
                        "the tool's arguments as a JSON object matching its argument schema, e.g. {\"city\": \"Paris\"}"));
        return Signature.of(task.name(), instructions(task, tools), ins, outs);
    }

    private static String instructions(Signature task, List<Tool> tools) {
        String inputs = task.inputs().stream().map(f -> "`" + f.name() + "`").collect(Collectors.joining(", "));
        String outputs = task.outputs().stream().map(f -> "`" + f.name() + "`").collect(Collectors.joining(", "));
        StringBuilder sb = new StringBuilder();
        sb.append(task.instructions()).append("\n\n");
        sb.append("You are an agent that works with tools. You receive ")
                .append(inputs.isEmpty() ? "no inputs" : inputs)
                .append(" and the `")
                .append(ReAct.TRAJECTORY)
                .append("` of your steps so far. Use the tools below, ")
                .append("one call per step, to gather what you need to produce ")
                .append(outputs)
                .append(".\n");
        sb.append("In each step, write `")
                .append(ReAct.THOUGHT)
                .append("` (what you know, what is missing, what to do next), ")
                .append("choose `")
                .append(ReAct.TOOL_NAME)
                .append("`, and give `")
                .append(ReAct.TOOL_ARGS)
                .append("` as a JSON object matching that tool's arguments. ")
                .append("The tool's result is added to the trajectory as the step's observation.\n");
        sb.append("When you have what you need, choose `").append(ReAct.FINISH).append("`.\n\nTools:");
        int i = 1;
        for (Tool t : tools) {
            sb.append("\n(").append(i++).append(") ").append(t.name());
            if (!t.description().isBlank())
                sb.append(": ").append(t.description().strip());
            sb.append(" Arguments: ").append(t.argsSchemaJson());
        }
        sb.append("\n(")
                .append(i)
                .append(") ")
                .append(ReAct.FINISH)
                .append(": ")
                .append(finishDescription(task))
                .append(" Arguments: {}");
        return sb.toString();
    }

    static String finishDescription(Signature task) {
        String outputs = task.outputs().stream().map(f -> "`" + f.name() + "`").collect(Collectors.joining(", "));
        return "Ends the task: everything needed to produce " + outputs + " is now known.";
    }
}
