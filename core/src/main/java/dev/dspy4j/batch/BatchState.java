package dev.dspy4j.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.batch.BatchClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a batch run must remember to resume: each batch it created (provider, base URL without
 * credentials, model, batch id, the custom ids it holds and the rows each came from, whether its
 * results were applied), and the requests that failed in a batch. One JSON file, rewritten whole
 * through a temporary file and an atomic rename, so a crash leaves the old or the new file, never
 * half of one. Holds no secret. Thread-safe.
 *
 * <pre>{@code
 * {"format":"dspy4j-batch-run","version":1,
 *  "batches":[{"provider":"anthropic","account":"https://api.anthropic.com","model":"claude-haiku-4-5",
 *              "id":"msgbatch_...","created":"2026-11-30T01:00:00Z","applied":false,
 *              "requests":{"<custom_id>":[<row>,...]}}],
 *  "errors":{"<custom_id>":"<message>"}}
 * }</pre>
 */
final class BatchState {
    static final String FORMAT = "dspy4j-batch-run";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One batch this run created. */
    static final class Entry {
        final String provider;
        final String account;
        final String model;
        final String id;
        final String created;
        boolean applied;
        final Map<String, Set<Long>> requests;

        Entry(
                String provider,
                String account,
                String model,
                String id,
                String created,
                boolean applied,
                Map<String, Set<Long>> requests) {
            this.provider = provider;
            this.account = account;
            this.model = model;
            this.id = id;
            this.created = created;
            this.applied = applied;
            this.requests = requests;
        }

        String where() {
            return provider + " at " + account + " (model " + model + ")";
        }

        /**
         * The client of this run whose provider, account (base URL) and model made this batch.
         *
         * @throws IllegalArgumentException naming the batch and this run's LMs, if none did
         */
        BatchClient clientIn(Collection<BatchClient> clients) {
            for (BatchClient c : clients) {
                if (c.provider().equals(provider)
                        && c.account().equals(account)
                        && c.model().equals(model)) return c;
            }
            throw new IllegalArgumentException("the batch state records batch " + id + " of " + where()
                    + ", but this run's LM"
                    + (clients.isEmpty() ? " is not set" : clients.size() == 1 ? " is " : "s are ")
                    + clients.stream()
                            .map(c -> c.provider() + " at " + c.account() + " (model " + c.model() + ")")
                            .toList()
                    + ": run with the same LM and base URL to resume it, or delete the state file to start over (the batch"
                    + " keeps running at the provider until it ends)");
        }
    }

    private final Path file;
    private final List<Entry> batches = new ArrayList<>();
    private final Map<String, String> errors = new LinkedHashMap<>();

    private BatchState(Path file) {
        this.file = file;
    }

    /** The state in {@code file} (null: kept in memory only); a missing file is a new, empty state. */
    static BatchState load(Path file) {
        BatchState s = new BatchState(file);
        if (file == null || !Files.exists(file)) return s;
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "batch state " + file + " is not valid JSON (" + e.getMessage()
                            + "); it is written by dspy4j's batch runs only: delete it to start over (a batch it names keeps running"
                            + " at the provider)",
                    e);
        }
        if (root == null
                || !FORMAT.equals(root.path("format").asText())
                || root.path("version").asInt() != 1) {
            throw new IllegalArgumentException("batch state " + file + " is not a dspy4j batch state (format " + FORMAT
                    + ", version 1); delete it or choose another output");
        }
        for (JsonNode b : root.path("batches")) {
            Map<String, Set<Long>> requests = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            b.path("requests").properties().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> r = it.next();
                Set<Long> rows = new TreeSet<>();
                r.getValue().forEach(n -> rows.add(n.asLong()));
                requests.put(r.getKey(), rows);
            }
            s.batches.add(new Entry(
                    b.path("provider").asText(),
                    b.path("account").asText(),
                    b.path("model").asText(),
                    b.path("id").asText(),
                    b.path("created").asText(),
                    b.path("applied").asBoolean(),
                    requests));
        }
        root.path("errors")
                .properties()
                .forEach(e -> s.errors.put(e.getKey(), e.getValue().asText()));
        return s;
    }

    synchronized List<Entry> unapplied() {
        return batches.stream().filter(b -> !b.applied).toList();
    }

    synchronized List<Entry> all() {
        return List.copyOf(batches);
    }

    synchronized Map<String, String> errors() {
        return Map.copyOf(errors);
    }

    synchronized void clearErrors() {
        errors.clear();
        save();
    }

    /** Records a batch just created, and saves at once: a crash after this resumes by polling it. */
    synchronized Entry created(
            String provider, String account, String model, String id, Map<String, Set<Long>> requests) {
        Entry e = new Entry(provider, account, model, id, Instant.now().toString(), false, requests);
        batches.add(e);
        save();
        return e;
    }

    /** Marks a batch's results as stored and records its failed requests; saves. */
    synchronized void applied(Entry e, Map<String, String> failures) {
        e.applied = true;
        errors.putAll(failures);
        save();
    }

    /** Deletes the file: the run finished and the output holds everything. */
    synchronized void delete() {
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete batch state " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    private void save() {
        if (file == null) return;
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT).put("version", 1);
        ArrayNode arr = root.putArray("batches");
        for (Entry e : batches) {
            ObjectNode b = arr.addObject();
            b.put("provider", e.provider)
                    .put("account", e.account)
                    .put("model", e.model)
                    .put("id", e.id)
                    .put("created", e.created)
                    .put("applied", e.applied);
            ObjectNode r = b.putObject("requests");
            e.requests.forEach((cid, rows) -> rows.forEach(r.withArray(cid)::add));
        }
        ObjectNode errs = root.putObject("errors");
        errors.forEach(errs::put);
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                JSON.writeValue(tmp.toFile(), root);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write batch state " + file + ": " + e.getMessage(), e);
        }
    }
}
