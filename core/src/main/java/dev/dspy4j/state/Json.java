package dev.dspy4j.state;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checked access to a parsed state file: every failure names the file, the JSON path and the problem. */
final class Json {
    final Path file;

    Json(Path file) {
        this.file = file;
    }

    ProgramStateException error(String at, String problem) {
        return new ProgramStateException(file, at, problem);
    }

    ProgramStateException error(String at, String problem, Throwable cause) {
        return new ProgramStateException(file, at, problem, cause);
    }

    static String kind(JsonNode n) {
        if (n == null || n.isMissingNode()) return "nothing";
        if (n.isNull()) return "null";
        if (n.isObject()) return "an object";
        if (n.isArray()) return "an array";
        if (n.isTextual()) return "a string";
        if (n.isBoolean()) return "a boolean";
        if (n.isIntegralNumber()) return "an integer";
        if (n.isNumber()) return "a number";
        return n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    JsonNode object(JsonNode n, String at) {
        if (n == null || !n.isObject()) throw error(at, "expected an object, found " + kind(n));
        return n;
    }

    /** Fails on any key not in {@code allowed}. */
    void onlyKeys(JsonNode obj, String at, Set<String> allowed) {
        Iterator<String> it = obj.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw error(at, "unknown key '" + k + "'; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    JsonNode required(JsonNode obj, String key, String at) {
        JsonNode v = obj.get(key);
        if (v == null) throw error(at, "missing key '" + key + "'");
        return v;
    }

    String text(JsonNode obj, String key, String at) {
        JsonNode v = required(obj, key, at);
        if (!v.isTextual()) throw error(at + "." + key, "expected a string, found " + kind(v));
        return v.textValue();
    }

    /** The string at {@code key}, or null if absent or null. */
    String optText(JsonNode obj, String key, String at) {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw error(at + "." + key, "expected a string, found " + kind(v));
        return v.textValue();
    }

    Integer optInt(JsonNode obj, String key, String at) {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw error(at + "." + key, "expected an integer, found " + kind(v));
        }
        return v.intValue();
    }

    JsonNode optArray(JsonNode obj, String key, String at) {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw error(at + "." + key, "expected an array, found " + kind(v));
        return v;
    }

    JsonNode optObject(JsonNode obj, String key, String at) {
        JsonNode v = obj.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw error(at + "." + key, "expected an object, found " + kind(v));
        return v;
    }

    /** A plain JSON value as Java: String, Integer/Long/BigInteger, Double, Boolean, List, Map, or null. */
    static Object plain(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        if (n.isTextual()) return n.textValue();
        if (n.isBoolean()) return n.booleanValue();
        if (n.isNumber()) return n.numberValue();
        if (n.isArray()) {
            List<Object> l = new ArrayList<>(n.size());
            for (JsonNode x : n) l.add(plain(x));
            return l;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        n.properties().forEach(e -> m.put(e.getKey(), plain(e.getValue())));
        return m;
    }

    /**
     * The real path of a media file named in the state file, which must lie inside the state file's
     * folder once every symlink is resolved: a shared state file must not make dspy4j read, and send
     * to an LM, any other file of the user's.
     */
    Path inside(String rel, String at) {
        Path baseDir = file.toAbsolutePath().normalize().getParent();
        Path given;
        try {
            given = Path.of(rel);
        } catch (java.nio.file.InvalidPathException e) {
            throw error(at, "media file '" + rel + "' is not a valid path: " + e.getMessage(), e);
        }
        if (given.isAbsolute() || given.getRoot() != null) {
            throw error(
                    at,
                    "media file " + rel + " is an absolute path; a state file refers to its media by paths "
                            + "relative to its own folder " + baseDir);
        }
        Path real;
        Path folder;
        try {
            folder = baseDir.toRealPath();
            real = baseDir.resolve(given).toRealPath();
        } catch (NoSuchFileException e) {
            throw error(
                    at,
                    "media file " + rel + " cannot be used: "
                            + baseDir.resolve(given).normalize() + " does not exist",
                    e);
        } catch (IOException e) {
            throw error(at, "media file " + rel + " cannot be resolved: " + e, e);
        }
        if (!real.startsWith(folder)) {
            throw error(
                    at,
                    "media file " + rel + " resolves to " + real + ", outside the state file's folder " + folder
                            + "; a state file may only use media inside its own folder (symlinks included)");
        }
        if (!Files.isRegularFile(real)) {
            throw error(at, "media file " + rel + " is not a regular file");
        }
        return real;
    }
}
