package dev.dspy4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled rows read from a JSONL file (for demos, training and dev sets): each line holds the
 * signature's input fields (in {@code run}'s forms, media included) and output fields; other keys
 * are kept as plain JSON values. Inputs are marked as the example's input keys.
 */
final class Examples {
    private Examples() {}

    /** The readable rows, and a message per row that could not be read (with its line number). */
    record Read(List<Example> examples, List<Long> lines, List<String> problems) {}

    /**
     * Reads {@code file}.
     *
     * @param requireOutputs whether each row must hold every output field (demos) or may lack some (dev rows)
     * @throws LmOptions.UsageException if the file cannot be read
     */
    static Read read(Path file, Signature sig, boolean requireOutputs) {
        Dataset dataset = new Dataset(file);
        List<Example> examples = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            for (long n = 1; (line = in.readLine()) != null; n++) {
                String text = n == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
                if (text.isBlank()) continue;
                try {
                    examples.add(example(dataset, text, sig, requireOutputs));
                    lines.add(n);
                } catch (Dataset.RowException e) {
                    problems.add(file + " line " + n + ": " + e.getMessage());
                }
            }
        } catch (NoSuchFileException e) {
            throw new LmOptions.UsageException(file + " does not exist");
        } catch (IOException e) {
            throw new LmOptions.UsageException(file + " cannot be read: " + e.getMessage());
        }
        return new Read(examples, lines, problems);
    }

    private static Example example(Dataset dataset, String text, Signature sig, boolean requireOutputs) {
        JsonNode node;
        try {
            node = Jsons.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Dataset.RowException(Jsons.notValidJson(e));
        }
        Map<String, Object> values = new LinkedHashMap<>(dataset.inputs(node, sig.inputs()));
        for (Field f : sig.outputs()) {
            JsonNode v = node.get(f.name());
            if (v == null || v.isNull()) {
                if (requireOutputs && !f.optional()) {
                    throw new Dataset.RowException("missing output field '" + f.name() + "' ("
                            + f.type().typeName() + ")");
                }
                continue;
            }
            values.put(f.name(), dataset.value(v, f));
        }
        node.properties().forEach(e -> {
            if (!values.containsKey(e.getKey()) && sig.input(e.getKey()).isEmpty()) {
                values.put(e.getKey(), Jsons.MAPPER.convertValue(e.getValue(), Object.class));
            }
        });
        return Example.of(values)
                .withInputs(sig.inputs().stream().map(Field::name).toList());
    }
}
