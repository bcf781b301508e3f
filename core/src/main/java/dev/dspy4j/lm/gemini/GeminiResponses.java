package dev.dspy4j.lm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.ContentBlockedException;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ToolCall;
import dev.dspy4j.lm.Usage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a {@code GenerateContentResponse}.
 *
 * <ul>
 *   <li>Each candidate becomes a {@link Completion}: the text of its parts (parts marked
 *       {@code "thought": true} left out), its {@code functionCall} parts as tool calls, its
 *       {@code finishReason} lower-cased ({@code stop}, {@code max_tokens}, which
 *       {@link Completion#truncated()} knows, {@code safety}, ...).</li>
 *   <li>Usage from {@code usageMetadata}: prompt {@code promptTokenCount}, completion
 *       {@code candidatesTokenCount} + {@code thoughtsTokenCount}, cached {@code cachedContentTokenCount},
 *       reasoning {@code thoughtsTokenCount}.</li>
 *   <li>Blocks: a {@code promptFeedback.blockReason} (no candidates), or every candidate finished for a
 *       safety reason, throws {@link ContentBlockedException} naming the reason and the categories
 *       (safety ratings marked {@code blocked}, else those rated {@code HIGH} or {@code MEDIUM}). A blocked
 *       candidate next to answered ones becomes a completion whose refusal names the block.</li>
 * </ul>
 */
final class GeminiResponses {
    private GeminiResponses() {}

    /** Finish reasons that mean the safety system stopped the candidate. */
    static final Set<String> BLOCKED = Set.of(
            "SAFETY",
            "RECITATION",
            "BLOCKLIST",
            "PROHIBITED_CONTENT",
            "SPII",
            "IMAGE_SAFETY",
            "IMAGE_PROHIBITED_CONTENT",
            "IMAGE_RECITATION");

    /**
     * @param malformed makes the error for a body that is not a GenerateContentResponse
     * @param where     names the client, for messages
     */
    static LmResponse parse(JsonNode root, Function<String, RuntimeException> malformed, String where) {
        JsonNode feedback = root.path("promptFeedback");
        JsonNode candidates = root.path("candidates");
        if (feedback.path("blockReason").isTextual() && (!candidates.isArray() || candidates.isEmpty())) {
            String reason = feedback.path("blockReason").asText();
            List<String> categories = categories(feedback.path("safetyRatings"));
            throw new ContentBlockedException(
                    where + ": the prompt was blocked (" + reason + describe(categories) + ")"
                            + message(feedback.path("blockReasonMessage")),
                    200,
                    text(feedback.path("blockReasonMessage")),
                    reason,
                    categories,
                    true);
        }
        if (!candidates.isArray() || candidates.isEmpty()) throw malformed.apply("the response has no \"candidates\"");
        List<JsonNode> sorted = new ArrayList<>();
        candidates.forEach(sorted::add);
        sorted.sort(Comparator.comparingInt(c -> c.path("index").asInt(0)));
        List<Completion> out = new ArrayList<>(sorted.size());
        int blocked = 0;
        String firstReason = null;
        List<String> firstCategories = List.of();
        for (JsonNode c : sorted) {
            String finish = text(c.path("finishReason"));
            StringBuilder text = new StringBuilder();
            List<ToolCall> calls = new ArrayList<>();
            JsonNode parts = c.path("content").path("parts");
            for (JsonNode p : parts) {
                if (p.path("thought").asBoolean(false)) continue;
                if (p.path("text").isTextual()) text.append(p.path("text").asText());
                JsonNode fc = p.has("functionCall") ? p.get("functionCall") : p.path("function_call");
                if (fc.path("name").isTextual()) {
                    JsonNode args = fc.path("args");
                    calls.add(new ToolCall(
                            text(fc.path("id")),
                            fc.path("name").asText(),
                            args.isMissingNode() || args.isNull() ? "{}" : args.toString()));
                }
            }
            String refusal = null;
            if (finish != null && BLOCKED.contains(finish)) {
                List<String> categories = categories(c.path("safetyRatings"));
                if (blocked++ == 0) {
                    firstReason = finish;
                    firstCategories = categories;
                }
                refusal = "blocked (" + finish + describe(categories) + ")";
            }
            out.add(new Completion(
                    text.toString(),
                    finish == null ? null : finish.toLowerCase(Locale.ROOT),
                    calls,
                    refusal,
                    List.of()));
        }
        if (blocked == out.size()) {
            throw new ContentBlockedException(
                    where + ": the answer was blocked (" + firstReason + describe(firstCategories) + ")",
                    200,
                    null,
                    firstReason,
                    firstCategories,
                    false);
        }
        JsonNode u = root.path("usageMetadata");
        long thoughts = u.path("thoughtsTokenCount").asLong(0);
        Usage usage = new Usage(
                u.path("promptTokenCount").asLong(0),
                u.path("candidatesTokenCount").asLong(0) + thoughts,
                u.path("cachedContentTokenCount").asLong(0),
                0,
                thoughts);
        return new LmResponse(out, usage, text(root.path("modelVersion")), false);
    }

    /** Categories of ratings marked blocked; if none is, those rated HIGH or MEDIUM. */
    static List<String> categories(JsonNode ratings) {
        List<String> blocked = new ArrayList<>();
        List<String> likely = new ArrayList<>();
        for (JsonNode r : ratings) {
            String category = text(r.path("category"));
            if (category == null) continue;
            if (r.path("blocked").asBoolean(false)) blocked.add(category);
            String p = r.path("probability").asText("");
            if (p.equals("HIGH") || p.equals("MEDIUM")) likely.add(category);
        }
        return blocked.isEmpty() ? likely : blocked;
    }

    private static String describe(List<String> categories) {
        return categories.isEmpty() ? "" : ": " + String.join(", ", categories);
    }

    private static String message(JsonNode n) {
        String m = text(n);
        return m == null ? "" : ": " + m;
    }

    private static String text(JsonNode n) {
        return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }
}
