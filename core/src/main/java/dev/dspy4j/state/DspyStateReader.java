package dev.dspy4j.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.FieldType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON state file written by Python DSPy's {@code module.save("prog.json")}: one entry per
 * predictor name holding {@code signature} ({@code instructions}, {@code fields} of
 * {@code prefix}/{@code description} in field order), {@code demos} (dicts of field values, with an
 * {@code augmented} flag on bootstrapped ones), {@code lm}, {@code traces} and {@code train}; plus a
 * {@code metadata} entry. Media values in demos are strings wrapping a JSON list of content parts
 * between {@code <<CUSTOM-TYPE-START-IDENTIFIER>>} and {@code <<CUSTOM-TYPE-END-IDENTIFIER>>}; they
 * are decoded once here into payloads.
 */
final class DspyStateReader {
    static final String START = "<<CUSTOM-TYPE-START-IDENTIFIER>>";
    static final String END = "<<CUSTOM-TYPE-END-IDENTIFIER>>";

    private static final Set<String> PREDICTOR_KEYS = Set.of("signature", "demos", "lm", "traces", "train");
    private static final Set<String> SIGNATURE_KEYS = Set.of("instructions", "fields");
    private static final Set<String> FIELD_KEYS = Set.of("prefix", "description");
    /** DSPy LM state keys that are not request parameters (or must not be trusted from a file). */
    private static final Set<String> LM_NON_PARAMS = Set.of(
            "model",
            "model_type",
            "cache",
            "num_retries",
            "finetuning_model",
            "launch_kwargs",
            "train_kwargs",
            "use_developer_role",
            "_dspy_lm_class",
            "api_base",
            "base_url",
            "model_list",
            "provider",
            "callbacks",
            "cache_in_memory");

    private final Json json;

    DspyStateReader(Path file) {
        this.json = new Json(file);
    }

    ProgramState read(JsonNode root) {
        Map<String, PredictorState> out = new LinkedHashMap<>();
        root.properties().forEach(e -> {
            if (e.getKey().equals("metadata")) return;
            out.put(e.getKey(), predictor(e.getValue(), "$." + e.getKey()));
        });
        if (out.isEmpty()) {
            throw json.error(
                    "$",
                    "holds no predictor state (neither a dspy4j state file, which has 'dspy4j_state', "
                            + "nor a DSPy one, which has an entry per predictor)");
        }
        return new ProgramState(ProgramState.Format.DSPY, null, out, json.file);
    }

    private PredictorState predictor(JsonNode node, String at) {
        json.object(node, at);
        if (node.has("extended_signature") || node.has("signature_instructions")) {
            throw json.error(
                    at,
                    "is in the DSPy 2.5 (or older) format, which is not supported; "
                            + "re-save the program with DSPy 2.6 or later");
        }
        json.onlyKeys(node, at, PREDICTOR_KEYS);
        String sat = at + ".signature";
        JsonNode sig = json.object(json.required(node, "signature", at), sat);
        json.onlyKeys(sig, sat, SIGNATURE_KEYS);
        String instructions = json.optText(sig, "instructions", sat);
        List<PredictorState.FieldState> fields = new ArrayList<>();
        JsonNode fs = json.optArray(sig, "fields", sat);
        if (fs != null) {
            for (int i = 0; i < fs.size(); i++) {
                String fat = sat + ".fields[" + i + "]";
                JsonNode f = json.object(fs.get(i), fat);
                json.onlyKeys(f, fat, FIELD_KEYS);
                json.optText(f, "prefix", fat);
                fields.add(new PredictorState.FieldState(null, json.optText(f, "description", fat)));
            }
        }
        for (String k : List.of("traces", "train")) {
            json.optArray(node, k, at);
        }
        List<Example> demos = new ArrayList<>();
        JsonNode ds = json.optArray(node, "demos", at);
        if (ds != null) {
            for (int i = 0; i < ds.size(); i++) {
                String dat = at + ".demos[" + i + "]";
                JsonNode d = json.object(ds.get(i), dat);
                Map<String, Object> values = new LinkedHashMap<>();
                d.properties().forEach(e -> values.put(e.getKey(), value(e.getValue(), dat + "." + e.getKey())));
                demos.add(Example.of(values));
            }
        }
        LmSettings lm = lm(json.optObject(node, "lm", at), at + ".lm");
        return new PredictorState(null, null, instructions, fields, demos, null, null, null, null, null, lm);
    }

    private LmSettings lm(JsonNode node, String at) {
        if (node == null) return null;
        String model = json.text(node, "model", at);
        int slash = model.indexOf('/');
        String provider = slash > 0 ? model.substring(0, slash) : null;
        String name = slash > 0 ? model.substring(slash + 1) : model;
        Map<String, Object> params = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            if (!LM_NON_PARAMS.contains(e.getKey()) && !e.getValue().isNull()) {
                params.put(e.getKey(), Json.plain(e.getValue()));
            }
        });
        // base URLs are ignored, as DSPy itself does by default: a state file must not redirect requests
        return new LmSettings(provider, name, null, params);
    }

    private Object value(JsonNode n, String at) {
        if (n.isTextual()) {
            String s = n.textValue();
            int start = s.indexOf(START);
            if (start < 0) return s;
            if (start != 0 || !s.endsWith(END) || s.indexOf(START, 1) >= 0) {
                throw json.error(
                        at, "a custom-type value must be exactly " + START + "[...]" + END + " with nothing around it");
            }
            return customType(s.substring(START.length(), s.length() - END.length()), at);
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) l.add(value(n.get(i), at + "[" + i + "]"));
            return l;
        }
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), value(e.getValue(), at + "." + e.getKey())));
            return m;
        }
        return Json.plain(n);
    }

    private Object customType(String jsonText, String at) {
        JsonNode parts;
        try {
            parts = StateWriter.MAPPER.readTree(jsonText);
        } catch (JsonProcessingException e) {
            throw json.error(at, "the custom-type content is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!parts.isArray() || parts.isEmpty()) {
            throw json.error(
                    at, "the custom-type content must be a non-empty list of content parts, found " + Json.kind(parts));
        }
        List<Media> media = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) media.add(part(parts.get(i), at + "<part " + i + ">"));
        return media.size() == 1 ? media.get(0) : media;
    }

    private Media part(JsonNode p, String at) {
        json.object(p, at);
        String type = json.text(p, "type", at);
        try {
            switch (type) {
                case "image_url": {
                    JsonNode iu = json.object(json.required(p, "image_url", at), at + ".image_url");
                    String url = json.text(iu, "url", at + ".image_url");
                    String detail = json.optText(iu, "detail", at + ".image_url");
                    // the same forms as a plain demo value: a relative path must stay inside the file's folder
                    Image img = (Image)
                            new DspyMedia(json).fromString(url, FieldType.Media.Kind.IMAGE, at + ".image_url.url");
                    return detail == null ? img : img.withDetail(detail);
                }
                case "input_audio": {
                    JsonNode ia = json.object(json.required(p, "input_audio", at), at + ".input_audio");
                    String format = json.text(ia, "format", at + ".input_audio");
                    String data = json.text(ia, "data", at + ".input_audio");
                    return new Audio(Payload.ofBase64(data, MediaType.of("audio/" + format)));
                }
                case "file": {
                    JsonNode f = json.object(json.required(p, "file", at), at + ".file");
                    String id = json.optText(f, "file_id", at + ".file");
                    if (id != null) return File.ofId(id);
                    String data = json.text(f, "file_data", at + ".file");
                    Payload payload = Payload.ofDataUri(data);
                    String name = json.optText(f, "filename", at + ".file");
                    // DSPy may leave the name out; a File with bytes needs one
                    if (name == null || name.isBlank()) name = "file." + MediaWriter.extension(payload.mediaType());
                    return new File(payload, name, null);
                }
                default:
                    throw json.error(
                            at + ".type",
                            "unsupported content part type '" + type + "'; expected image_url, input_audio or file");
            }
        } catch (PayloadException | IllegalArgumentException e) {
            throw json.error(at, e.getMessage(), e);
        }
    }
}
