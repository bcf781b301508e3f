package dev.dspy4j.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.media.History;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.signature.SignatureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks a state file in dspy4j's format, or hands a DSPy file to {@link DspyStateReader}:
 * the file's size and JSON, then each section (signature, adapter, params, LM settings, demos and
 * their values), leaving {@code $media} values to {@link MediaReader}.
 */
final class StateReader {
    private static final Set<String> ROOT_KEYS = Set.of("dspy4j_state", "program", "predictors");
    private static final Set<String> PREDICTOR_KEYS =
            Set.of("signature", "adapter", "json_fallback", "params", "n", "rollout_id", "lm", "demos");
    private static final Set<String> SIGNATURE_KEYS = Set.of("name", "string", "instructions", "descriptions");
    private static final Set<String> LM_KEYS = Set.of("provider", "model", "base_url", "params");
    private static final Set<String> DEMO_KEYS = Set.of("values", "input_keys");

    private final Json json;
    private final MediaReader media;
    private final boolean trustBaseUrl;
    private final Map<String, String> ignoredBaseUrls = new LinkedHashMap<>();

    private StateReader(Path file, boolean trustBaseUrl) {
        this.json = new Json(file);
        this.media = new MediaReader(json);
        this.trustBaseUrl = trustBaseUrl;
    }

    static ProgramState read(Path file, boolean trustBaseUrl) {
        JsonNode root;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            long size = Files.size(file);
            if (size > StateLimits.MAX_FILE_BYTES) {
                throw new ProgramStateException(
                        file,
                        null,
                        "has " + size + " bytes, over the limit of "
                                + StateLimits.MAX_FILE_BYTES + " bytes for a state file (StateLimits.MAX_FILE_BYTES: "
                                + StateLimits.MAX_INLINE_BYTES + " bytes of inline media plus "
                                + StateLimits.MAX_TEXT_BYTES
                                + " of text); a program with more media is saved with MediaStorage.FILES");
            }
            root = StateTree.read(in);
        } catch (NoSuchFileException e) {
            throw new ProgramStateException(file, null, "does not exist", e);
        } catch (StreamConstraintsException e) {
            throw new ProgramStateException(
                    file,
                    null,
                    "is over a limit on state files: " + e.getOriginalMessage()
                            + " (the limits are in StateLimits and follow the payload limit of "
                            + StateLimits.MAX_INLINE_BYTES
                            + " bytes)",
                    e);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw new ProgramStateException(file, null, "is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ProgramStateException(file, null, "cannot be read: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new ProgramStateException(file, "$", "expected a JSON object, found " + Json.kind(root));
        }
        if (root.has("dspy4j_state")) {
            return new StateReader(file, trustBaseUrl).readOwn(root);
        }
        return new DspyStateReader(file).read(root);
    }

    private ProgramState readOwn(JsonNode root) {
        json.onlyKeys(root, "$", ROOT_KEYS);
        JsonNode version = root.get("dspy4j_state");
        if (!version.isIntegralNumber()) {
            throw json.error("$.dspy4j_state", "expected the format version (an integer), found " + Json.kind(version));
        }
        if (version.intValue() < 1 || version.intValue() > ProgramState.VERSION) {
            throw json.error(
                    "$.dspy4j_state",
                    "format version " + version.intValue() + " is not supported (this dspy4j reads version 1 to "
                            + ProgramState.VERSION + ")");
        }
        String program = json.optText(root, "program", "$");
        JsonNode preds = json.object(json.required(root, "predictors", "$"), "$.predictors");
        if (preds.isEmpty()) throw json.error("$.predictors", "no predictor is saved");
        Map<String, PredictorState> out = new LinkedHashMap<>();
        preds.properties()
                .forEach(e -> out.put(e.getKey(), predictor(e.getKey(), e.getValue(), "$.predictors." + e.getKey())));
        return new ProgramState(ProgramState.Format.DSPY4J, program, out, json.file, ignoredBaseUrls);
    }

    private PredictorState predictor(String predictorName, JsonNode node, String at) {
        json.object(node, at);
        json.onlyKeys(node, at, PREDICTOR_KEYS);
        String sat = at + ".signature";
        JsonNode sig = json.object(json.required(node, "signature", at), sat);
        json.onlyKeys(sig, sat, SIGNATURE_KEYS);
        String string = json.text(sig, "string", sat);
        String instructions = json.optText(sig, "instructions", sat);
        Signature parsed;
        try {
            parsed = Signature.parse(string, instructions);
        } catch (SignatureException e) {
            throw json.error(sat + ".string", e.getMessage(), e);
        }
        String name = json.optText(sig, "name", sat);
        List<PredictorState.FieldState> fields = new ArrayList<>();
        JsonNode descs = json.optObject(sig, "descriptions", sat);
        if (descs != null) {
            descs.properties().forEach(e -> {
                String dat = sat + ".descriptions." + e.getKey();
                if (parsed.fields().stream().noneMatch(f -> f.name().equals(e.getKey()))) {
                    throw json.error(
                            dat,
                            "unknown field '" + e.getKey() + "'; the signature's fields are "
                                    + parsed.fields().stream().map(Field::name).toList());
                }
                if (!e.getValue().isTextual())
                    throw json.error(dat, "expected a string, found " + Json.kind(e.getValue()));
            });
        }
        for (Field f : parsed.fields()) {
            JsonNode d = descs == null ? null : descs.get(f.name());
            fields.add(new PredictorState.FieldState(f.name(), d == null ? "" : d.textValue()));
        }
        String adapter = json.optText(node, "adapter", at);
        JsonNode fallbackNode = node.get("json_fallback");
        Boolean jsonFallback = null;
        if (fallbackNode != null) {
            if (!fallbackNode.isBoolean()) {
                throw json.error(at + ".json_fallback", "expected true or false, found " + Json.kind(fallbackNode));
            }
            if (!"ChatAdapter".equals(adapter)) {
                throw json.error(at + ".json_fallback", "only a ChatAdapter has a JSON fallback, not " + adapter);
            }
            jsonFallback = fallbackNode.booleanValue();
        }
        JsonNode paramsNode = json.optObject(node, "params", at);
        @SuppressWarnings("unchecked")
        Map<String, Object> params = paramsNode == null ? Map.of() : (Map<String, Object>) Json.plain(paramsNode);
        Integer n = json.optInt(node, "n", at);
        if (n != null && n < 1) throw json.error(at + ".n", "must be at least 1, not " + n);
        String rollout = json.optText(node, "rollout_id", at);
        LmSettings lm = lm(predictorName, json.optObject(node, "lm", at), at + ".lm");
        List<Example> demos = new ArrayList<>();
        JsonNode demosNode = json.optArray(node, "demos", at);
        if (demosNode != null) {
            for (int i = 0; i < demosNode.size(); i++) demos.add(demo(demosNode.get(i), at + ".demos[" + i + "]"));
        }
        return new PredictorState(
                string,
                name,
                instructions,
                fields,
                demos,
                params,
                n == null ? 1 : n,
                rollout,
                adapter,
                jsonFallback,
                lm);
    }

    private LmSettings lm(String predictorName, JsonNode node, String at) {
        if (node == null) return null;
        json.onlyKeys(node, at, LM_KEYS);
        JsonNode params = json.optObject(node, "params", at);
        if (params != null) {
            params.fieldNames().forEachRemaining(k -> {
                if (LmSettings.isSecretName(k)) {
                    throw json.error(
                            at + ".params." + k,
                            "looks like a credential; state files never hold secrets "
                                    + "(pass the key at run time instead)");
                }
            });
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> p = params == null ? Map.of() : (Map<String, Object>) Json.plain(params);
        String baseUrl = json.optText(node, "base_url", at);
        if (baseUrl != null && !trustBaseUrl) {
            // the key comes from the user's environment: a file must not choose where it is sent
            ignoredBaseUrls.put(predictorName, baseUrl);
            baseUrl = null;
        }
        return new LmSettings(json.optText(node, "provider", at), json.text(node, "model", at), baseUrl, p);
    }

    private Example demo(JsonNode node, String at) {
        json.object(node, at);
        json.onlyKeys(node, at, DEMO_KEYS);
        JsonNode values = json.object(json.required(node, "values", at), at + ".values");
        Map<String, Object> m = new LinkedHashMap<>();
        values.properties().forEach(e -> m.put(e.getKey(), value(e.getValue(), at + ".values." + e.getKey())));
        Example ex = Example.of(m);
        JsonNode keys = json.optArray(node, "input_keys", at);
        if (keys != null) {
            Set<String> ks = new LinkedHashSet<>();
            for (int i = 0; i < keys.size(); i++) {
                JsonNode k = keys.get(i);
                String kat = at + ".input_keys[" + i + "]";
                if (!k.isTextual()) throw json.error(kat, "expected a string, found " + Json.kind(k));
                if (!m.containsKey(k.textValue())) {
                    throw json.error(
                            kat, "input key '" + k.textValue() + "' is not one of the demo's values " + m.keySet());
                }
                ks.add(k.textValue());
            }
            ex = ex.withInputs(new ArrayList<>(ks));
        }
        return ex;
    }

    /** A demo value: tagged objects become media or histories, the rest plain JSON values. */
    private Object value(JsonNode n, String at) {
        if (n.isObject() && n.has("$media")) return media.read(n, at);
        if (n.isObject() && n.has("$history")) {
            if (n.size() != 1) throw json.error(at, "a $history object has no other keys");
            JsonNode turns = n.get("$history");
            if (!turns.isArray()) throw json.error(at + ".$history", "expected an array, found " + Json.kind(turns));
            List<Map<String, Object>> list = new ArrayList<>();
            for (int i = 0; i < turns.size(); i++) {
                String tat = at + ".$history[" + i + "]";
                JsonNode t = json.object(turns.get(i), tat);
                Map<String, Object> turn = new LinkedHashMap<>();
                t.properties().forEach(e -> turn.put(e.getKey(), value(e.getValue(), tat + "." + e.getKey())));
                list.add(turn);
            }
            return new History(list);
        }
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.properties().forEach(e -> m.put(e.getKey(), value(e.getValue(), at + "." + e.getKey())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) l.add(value(n.get(i), at + "[" + i + "]"));
            return l;
        }
        return Json.plain(n);
    }
}
