package dev.dspy4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.adapter.AdapterParseException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.UnsupportedInputException;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Field;
import java.util.List;
import java.util.Map;

/**
 * One input line of {@code dspy4j run} turned into its output object: {@code {"row":N,"outputs":{...},
 * "cached":bool}}, or {@code {"row":N,"error":"...","error_type":"input|lm|parse|error","cached":bool}} for a
 * line that is not a row, a row whose inputs do not fit, or a call that failed. Never throws for a
 * problem with the row or its call. Thread-safe: rows run on several threads at once.
 *
 * @param program     the program, with its LM (and through it the cache)
 * @param inputs      the program's input fields, read from each row
 * @param dataset     reads media fields relative to the dataset file
 * @param cache       the command's cache (for which rows it served), or null with {@code --no-cache}
 * @param retryParsed ask again past the cache once when a cached answer cannot be parsed ({@code --retry-failed}
 *                    without {@code --batch})
 */
record RowAttempt(Module program, List<Field> inputs, Dataset dataset, CliCache cache, boolean retryParsed) {

    /** The output object of the row on line {@code row}, whose text is {@code line}. */
    ObjectNode run(long row, String line) {
        ObjectNode result = attempt(row, line, false);
        if (retryParsed
                && cache != null
                && "parse".equals(result.path("error_type").asText())
                && result.path("cached").asBoolean(false)) {
            // the cached answer could not be parsed: ask again past the cache (the new answer replaces it)
            result = attempt(row, line, true);
        }
        return result;
    }

    private ObjectNode attempt(long row, String line, boolean skipCacheReads) {
        if (cache != null) cache.startRow(skipCacheReads);
        ObjectNode out = Jsons.MAPPER.createObjectNode();
        out.put("row", row);
        JsonNode node;
        try {
            node = Jsons.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            return error(out, "input", "line " + row + ": " + Jsons.notValidJson(e), false);
        }
        if (node != null && node.isObject() && node.has("id")) out.set("id", node.get("id"));
        Map<String, Object> values;
        try {
            values = dataset.inputs(node, inputs);
        } catch (Dataset.RowException e) {
            return error(out, "input", e.getMessage(), false);
        }
        try {
            Prediction p = program.call(values);
            out.set("outputs", Jsons.MAPPER.valueToTree(p.toMap()));
            out.put("cached", p.cacheHit());
            return out;
        } catch (PayloadException | UnsupportedInputException e) {
            return error(out, "input", e.getMessage(), rowHit());
        } catch (AdapterParseException e) {
            return error(out, "parse", e.getMessage(), rowHit());
        } catch (LmException e) {
            return error(out, "lm", e.getMessage(), rowHit());
        } catch (RuntimeException e) {
            return error(out, "error", e.getMessage() == null ? e.toString() : e.getMessage(), rowHit());
        }
    }

    private boolean rowHit() {
        return cache != null && cache.rowHit();
    }

    private static ObjectNode error(ObjectNode out, String type, String message, boolean cached) {
        out.put("error", message);
        out.put("error_type", type);
        out.put("cached", cached);
        return out;
    }
}
