package dev.dspy4j.langchain4j;

import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.AuthenticationException;
import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.ContentBlockedException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.LmTimeoutException;
import dev.dspy4j.lm.RateLimitException;
import dev.dspy4j.lm.ServerException;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Role;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.message.VideoContent;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Any LangChain4j {@link ChatModel} as a dspy4j language model, so every provider LangChain4j reaches
 * runs dspy4j programs, with dspy4j's cache, history and rate limits in front of it.
 *
 * <pre>{@code
 * ChatModel model = OpenAiChatModel.builder().apiKey(key).modelName("gpt-4o-mini").build();
 * var lm = LangChain4jLm.builder(model).model("gpt-4o-mini").build();
 * var qa = Predict.of("question -> answer").withLm(lm);
 * }</pre>
 *
 * <p><b>Media are copied here.</b> LangChain4j's message types hold media as base64 strings, so each
 * call encodes every image, audio clip, video and PDF of its prompt into a new string (about 1.33
 * times the payload, as UTF-16 chars: 2.7 bytes of heap per payload byte), and the LangChain4j client
 * then builds its whole request body in memory around them. dspy4j's own clients ({@code OpenAiChat},
 * {@code AnthropicChat}, {@code GeminiChat}) stream base64 to the socket instead; use them for large
 * media. Cache hits cost nothing either way: the cache key holds payload digests, and a hit never
 * reaches this class.
 *
 * <p>Mapping: system messages become {@link SystemMessage}s, user messages {@link UserMessage}s of
 * {@link TextContent}, {@link ImageContent} (a remote image as its URL), {@link AudioContent},
 * {@link VideoContent} and {@link PdfFileContent}; text documents and text files become text (headed by
 * their title or name); assistant messages {@link AiMessage}s (text only). Parameters
 * {@code temperature}, {@code top_p}, {@code top_k}, {@code max_tokens}/{@code max_completion_tokens},
 * {@code stop}, {@code presence_penalty}, {@code frequency_penalty} and {@code response_format} (any
 * JSON format becomes {@link ResponseFormat#JSON}, without the schema) map to the request; any other
 * parameter is refused. {@code n} above 1 makes n calls. Usage comes from {@link TokenUsage}; finish
 * reasons are lower-cased ({@code stop}, {@code length}, {@code tool_execution}, {@code content_filter}).
 * LangChain4j's exceptions become the matching dspy4j ones ({@link RateLimitException},
 * {@link AuthenticationException}, ...); retries are LangChain4j's (its {@code maxRetries}).
 *
 * <p>Refused before calling: provider file ids, media in system or assistant messages, native tools.
 * Thread-safe if the wrapped model is (LangChain4j's HTTP models are).
 */
public final class LangChain4jLm extends AbstractLanguageModel {

    private static final Set<String> ACCEPTED = Set.of(
            "temperature",
            "top_p",
            "top_k",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "presence_penalty",
            "frequency_penalty",
            "response_format");

    private final ChatModel chat;

    private LangChain4jLm(Builder b) {
        super(b);
        this.chat = b.chat;
    }

    /**
     * A builder around a LangChain4j model; {@link Builder#model(String)} (required) names the model for
     * cache keys and history.
     *
     * @param chat the LangChain4j chat model every call goes to; not null
     * @return the builder
     */
    public static Builder builder(ChatModel chat) {
        return new Builder(Objects.requireNonNull(chat, "chat"));
    }

    /** {@return the wrapped LangChain4j chat model} */
    public ChatModel chatModel() {
        return chat;
    }

    @Override
    protected LmResponse send(LmRequest request) {
        ChatRequest chatRequest = toChatRequest(request);
        List<Completion> completions = new ArrayList<>(request.n());
        Usage usage = Usage.ZERO;
        String model = null;
        for (int i = 0; i < request.n(); i++) {
            ChatResponse r;
            try {
                r = chat.chat(chatRequest);
            } catch (RuntimeException e) {
                throw translate(e);
            }
            AiMessage ai = r.aiMessage();
            String finish =
                    r.finishReason() == null ? null : r.finishReason().name().toLowerCase(Locale.ROOT);
            completions.add(new Completion(ai == null || ai.text() == null ? "" : ai.text(), finish, List.of()));
            TokenUsage t = r.tokenUsage();
            if (t != null) {
                usage = usage.plus(new Usage(
                        t.inputTokenCount() == null ? 0 : t.inputTokenCount(),
                        t.outputTokenCount() == null ? 0 : t.outputTokenCount()));
            }
            if (model == null) model = r.modelName();
        }
        return new LmResponse(completions, usage, model, false);
    }

    ChatRequest toChatRequest(LmRequest request) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Message m : request.prompt().messages()) {
            if (m.role() == Role.SYSTEM || m.role() == Role.ASSISTANT) {
                if (!m.isText()) {
                    throw new IllegalArgumentException(
                            "LangChain4jLm: a " + m.role().wireName() + " message holds media; "
                                    + "LangChain4j takes media in user messages only");
                }
                messages.add(m.role() == Role.SYSTEM ? SystemMessage.from(m.text()) : AiMessage.from(m.text()));
            } else {
                List<Content> contents = new ArrayList<>(m.parts().size());
                for (Part p : m.parts()) contents.add(content(p));
                messages.add(UserMessage.from(contents));
            }
        }
        ChatRequest.Builder b = ChatRequest.builder().messages(messages);
        Map<String, Object> params = request.params();
        for (String name : params.keySet()) {
            if (name.equals("tools") || name.equals("tool_choice")) {
                throw new IllegalArgumentException("LangChain4jLm does not pass native tools; ReAct works without them"
                        + " (nativeTools is false for this LM)");
            }
            if (!ACCEPTED.contains(name)) {
                throw new IllegalArgumentException(
                        "parameter '" + name + "' cannot be passed to a LangChain4j ChatModel; accepted: "
                                + new java.util.TreeSet<>(ACCEPTED));
            }
        }
        if (params.get("temperature") instanceof Number n) b.temperature(n.doubleValue());
        if (params.get("top_p") instanceof Number n) b.topP(n.doubleValue());
        if (params.get("top_k") instanceof Number n) b.topK(n.intValue());
        if (params.get("presence_penalty") instanceof Number n) b.presencePenalty(n.doubleValue());
        if (params.get("frequency_penalty") instanceof Number n) b.frequencyPenalty(n.doubleValue());
        Object max = params.containsKey("max_tokens") ? params.get("max_tokens") : params.get("max_completion_tokens");
        if (max instanceof Number n) b.maxOutputTokens(n.intValue());
        Object stop = params.get("stop");
        if (stop instanceof CharSequence s) b.stopSequences(List.of(s.toString()));
        else if (stop instanceof List<?> l)
            b.stopSequences(l.stream().map(String::valueOf).toList());
        if (params.containsKey("response_format")) b.responseFormat(ResponseFormat.JSON);
        return b.build();
    }

    private static Content content(Part part) {
        if (part instanceof Part.Text t) return TextContent.from(t.text());
        if (part instanceof Part.ImagePart ip) {
            Image img = ip.image();
            ImageContent.DetailLevel detail = img.detail() == null
                    ? null
                    : ImageContent.DetailLevel.valueOf(img.detail().toUpperCase(Locale.ROOT));
            if (img.isRemote())
                return detail == null ? new ImageContent(img.url()) : new ImageContent(img.url(), detail);
            return detail == null
                    ? new ImageContent(base64(img.payload()), type(img.payload()))
                    : new ImageContent(base64(img.payload()), type(img.payload()), detail);
        }
        if (part instanceof Part.AudioPart ap)
            return new AudioContent(
                    base64(ap.audio().payload()), type(ap.audio().payload()));
        if (part instanceof Part.VideoPart vp)
            return new VideoContent(
                    base64(vp.video().payload()), type(vp.video().payload()));
        if (part instanceof Part.DocumentPart dp) {
            Document d = dp.document();
            if (d.payload().mediaType().equals(MediaType.PDF))
                return new PdfFileContent(base64(d.payload()), "application/pdf");
            String heading = d.title() == null || d.title().isEmpty() ? "" : "Document: " + d.title() + "\n\n";
            return TextContent.from(heading + text(d.payload()));
        }
        File f = ((Part.FilePart) part).file();
        if (f.payload() == null) {
            throw new IllegalArgumentException(
                    "LangChain4jLm cannot send provider file id " + f.fileId() + "; give the file's bytes instead");
        }
        MediaType t = f.payload().mediaType();
        if (t.isImage()) return new ImageContent(base64(f.payload()), t.value());
        if (t.equals(MediaType.PDF)) return new PdfFileContent(base64(f.payload()), "application/pdf");
        if (t.isText()) return TextContent.from("File: " + f.filename() + "\n\n" + text(f.payload()));
        if (t.isAudio()) return new AudioContent(base64(f.payload()), t.value());
        if (t.isVideo()) return new VideoContent(base64(f.payload()), t.value());
        throw new IllegalArgumentException("file " + f.filename() + " is " + t + "; LangChain4jLm sends files that are"
                + " images, PDF, text, audio or video");
    }

    /** The copy LangChain4j needs: the whole payload as a base64 string (see the class comment). */
    private static String base64(Payload p) {
        return Base64.getEncoder().encodeToString(p.readAllBytes());
    }

    private static String text(Payload p) {
        return new String(p.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String type(Payload p) {
        return p.mediaType().value();
    }

    private LmException translate(RuntimeException e) {
        String msg = "LangChain4j " + chat.getClass().getSimpleName() + " (" + model() + ") failed: " + e.getMessage();
        if (e instanceof dev.langchain4j.exception.RateLimitException)
            return new RateLimitException(msg, 429, e.getMessage(), null, e);
        if (e instanceof dev.langchain4j.exception.AuthenticationException)
            return new AuthenticationException(msg, 401, e.getMessage(), e);
        if (e instanceof dev.langchain4j.exception.ContentFilteredException) {
            return new ContentBlockedException(msg, 400, e.getMessage(), "content_filter", List.of(), true);
        }
        if (e instanceof dev.langchain4j.exception.TimeoutException)
            return new LmTimeoutException(msg, 0, e.getMessage(), e);
        if (e instanceof dev.langchain4j.exception.InternalServerException)
            return new ServerException(msg, 500, e.getMessage(), e);
        if (e instanceof dev.langchain4j.exception.InvalidRequestException
                || e instanceof dev.langchain4j.exception.ModelNotFoundException) {
            return new BadRequestException(msg, 400, e.getMessage(), e);
        }
        if (e instanceof LmException l) return l;
        if (e instanceof IllegalArgumentException) throw e;
        return new LmException(msg, 0, e.getMessage(), e);
    }

    /** LangChain4j's response format carries no dspy4j JSON schema here: the adapter asks for plain JSON. */
    @Override
    public boolean supportsStructuredOutputs() {
        return false;
    }

    @Override
    public boolean supportsNativeTools() {
        return false;
    }

    /** Builds a {@link LangChain4jLm}; {@link #model(String)} is required. */
    public static final class Builder extends AbstractLanguageModel.Builder<Builder> {
        private final ChatModel chat;

        private Builder(ChatModel chat) {
            this.chat = chat;
        }

        /**
         * Builds the LM.
         *
         * @return the LM
         * @throws IllegalStateException if no {@link #model(String)} was given
         */
        public LangChain4jLm build() {
            if (model() == null) {
                throw new IllegalStateException(
                        "LangChain4jLm needs a model name for cache keys and history: call model(\"...\")");
            }
            return new LangChain4jLm(this);
        }
    }
}
