package dev.dspy4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The peer comparison: the same cold request (signature {@code image: Image -> label}, 15 demos
 * and one input, each a 1000x1000 noise PNG, so 16 images) sent to the same loopback server by
 * dspy4j ({@link OpenAiChat}, cache off, through {@code Predict.call}) and by LangChain4j's
 * {@code OpenAiChatModel.chat}, alternating, for several rounds after a warm-up.
 *
 * <p>How it is measured, to be fair:
 * <ul>
 *   <li>Time: wall time of one call, from the call until the parsed answer is back.</li>
 *   <li>Allocation: {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, summed over
 *       every live thread of the JVM except the loopback server's handler threads (named
 *       {@value LoopbackChatServer#THREAD_PREFIX}...), read just before and just after the call; a
 *       thread started during the call counts all its allocation. This includes the HTTP client's
 *       own threads (selector, body writer), which a calling-thread-only figure would miss. A
 *       thread that starts and ends within one call is not seen (none does here: both clients keep
 *       their threads).</li>
 *   <li>dspy4j's call does all its work: formats the prompt from file-backed images, streams the
 *       body (base64 encoded from the files while sending), parses the completion.</li>
 *   <li>LangChain4j gets its most favourable setup: its messages are built once, outside the timed
 *       region, with each image's base64 string already prepared, and the same text as dspy4j's
 *       prompt; the timed call is {@code model.chat(request)} alone.</li>
 * </ul>
 * Both clients reuse one instance across calls; both see the same server, which answers at once.
 */
public final class PeerBenchmark {
    private static final String MODEL = "peer-loopback";
    private static final double MB = 1024.0 * 1024.0;

    private final int rounds;
    private final int size;
    private final int demos;
    private final PrintStream log;

    PeerBenchmark(int rounds, int size, int demos, PrintStream log) {
        this.rounds = rounds;
        this.size = size;
        this.demos = demos;
        this.log = log;
    }

    /** Runs the comparison; returns the exit code. */
    public static int run(String[] args) throws Exception {
        boolean json = false;
        int rounds = 10;
        int size = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json":
                    json = true;
                    break;
                case "--rounds":
                    rounds = Integer.parseInt(args[++i]);
                    break;
                case "--size":
                    size = Integer.parseInt(args[++i]);
                    break;
                default:
                    System.err.println("peer: unknown option " + args[i] + "; expected --json, --rounds N, --size PX");
                    return 2;
            }
        }
        PrintStream log = json ? System.err : System.out;
        Map<String, Object> r = new PeerBenchmark(rounds, size, 15, log).run();
        if (json) System.out.println(new ObjectMapper().writeValueAsString(r));
        return 0;
    }

    /** One measured call. */
    private record Sample(long nanos, long allocated) {}

    Map<String, Object> run() throws IOException {
        Path tmp = Files.createTempDirectory("dspy4j-peer-");
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .answer(LoopbackChatServer.chatAnswer("label", "noise"))
                .threads(2)
                .start()) {
            List<Image> images = new ArrayList<>();
            for (int i = 0; i <= demos; i++) {
                images.add(Image.of(NoiseImage.writePng(tmp, "img-" + i + ".png", size, size, 500 + i)));
            }
            List<Example> demoList = new ArrayList<>();
            for (int i = 0; i < demos; i++)
                demoList.add(Example.of("image", images.get(i), "label", "demo label " + i));
            Image input = images.get(demos);
            Map<String, Object> inputs = Map.of("image", input);

            Predict dspy4j = Predict.of(Signature.parse("image: Image -> label"))
                    .withDemos(demoList)
                    .withLm(OpenAiChat.builder()
                            .baseUrl(server.baseUrl())
                            .model(MODEL)
                            .cache(null)
                            .build());

            OpenAiChatModel lc4j = OpenAiChatModel.builder()
                    .baseUrl(server.baseUrl())
                    .apiKey("unused")
                    .modelName(MODEL)
                    .timeout(Duration.ofMinutes(2))
                    .maxRetries(0)
                    .build();
            ChatRequest lcRequest = ChatRequest.builder()
                    .messages(toLangChain4j(dspy4j.format(inputs)))
                    .build();

            Supplier<String> runDspy4j = () -> {
                Prediction p = dspy4j.call(inputs);
                return (String) p.get("label");
            };
            Supplier<String> runLc4j = () -> lc4j.chat(lcRequest).aiMessage().text();

            log.printf(
                    "peer comparison: %d images of %dx%d (%d demos + input), %d rounds after warm-up, server %s%n",
                    images.size(), size, size, demos, rounds, server.baseUrl());
            // warm-up: both paths, JIT and connections
            server.reset();
            measure(runDspy4j);
            long dspyBody = server.lastBodyBytes();
            measure(runLc4j);
            long lcBody = server.lastBodyBytes();
            for (int i = 0; i < 2; i++) {
                measure(runDspy4j);
                measure(runLc4j);
            }
            log.printf("  request body: dspy4j %.1f MB, LangChain4j %.1f MB%n", dspyBody / MB, lcBody / MB);

            List<Sample> d = new ArrayList<>();
            List<Sample> l = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                if (round % 2 == 0) {
                    d.add(measure(runDspy4j));
                    l.add(measure(runLc4j));
                } else {
                    l.add(measure(runLc4j));
                    d.add(measure(runDspy4j));
                }
                log.printf(
                        "  round %2d: dspy4j %7.1f ms %8.2f MB allocated | LangChain4j %7.1f ms %8.2f MB allocated%n",
                        round + 1,
                        d.get(round).nanos() / 1e6,
                        d.get(round).allocated() / MB,
                        l.get(round).nanos() / 1e6,
                        l.get(round).allocated() / MB);
            }
            double dMs = median(d.stream().mapToLong(Sample::nanos).toArray()) / 1e6;
            double lMs = median(l.stream().mapToLong(Sample::nanos).toArray()) / 1e6;
            double dMb = median(d.stream().mapToLong(Sample::allocated).toArray()) / MB;
            double lMb = median(l.stream().mapToLong(Sample::allocated).toArray()) / MB;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("images", images.size());
            r.put("size", size);
            r.put("rounds", rounds);
            r.put("dspy4j_request_mb", round(dspyBody / MB));
            r.put("langchain4j_request_mb", round(lcBody / MB));
            r.put("dspy4j_ms", round(dMs));
            r.put("dspy4j_alloc_mb", round(dMb));
            r.put("langchain4j_ms", round(lMs));
            r.put("langchain4j_alloc_mb", round(lMb));
            r.put("time_ratio", round(lMs / dMs));
            r.put("alloc_ratio", round(lMb / dMb));
            r.put(
                    "alloc_method",
                    "ThreadMXBean allocated bytes summed over all live threads except the loopback "
                            + "server's, read before and after each call");
            log.printf(
                    "  median: dspy4j %.1f ms, %.2f MB allocated per request; LangChain4j %.1f ms, %.2f MB allocated "
                            + "per request%n",
                    dMs, dMb, lMs, lMb);
            log.printf(
                    "  LangChain4j takes %.2fx the time and allocates %.1fx the bytes of dspy4j%n",
                    lMs / dMs, lMb / dMb);
            return r;
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The same messages as LangChain4j objects, each image's base64 prepared here, once. */
    static List<ChatMessage> toLangChain4j(Prompt prompt) {
        List<ChatMessage> out = new ArrayList<>();
        for (Message m : prompt.messages()) {
            switch (m.role()) {
                case SYSTEM:
                    out.add(SystemMessage.from(m.text()));
                    break;
                case ASSISTANT:
                    out.add(AiMessage.from(m.text()));
                    break;
                default:
                    List<Content> contents = new ArrayList<>();
                    for (Part p : m.parts()) {
                        if (p instanceof Part.Text t) {
                            contents.add(TextContent.from(t.text()));
                        } else if (p instanceof Part.ImagePart ip) {
                            String b64 = Base64.getEncoder()
                                    .encodeToString(ip.image().payload().readAllBytes());
                            contents.add(ImageContent.from(
                                    b64, ip.image().payload().mediaType().value()));
                        } else {
                            throw new IllegalArgumentException("unexpected part " + p);
                        }
                    }
                    out.add(UserMessage.from(contents));
            }
        }
        return out;
    }

    private Sample measure(Supplier<String> call) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = clientThreads(mx);
        long[] before = mx.getThreadAllocatedBytes(ids);
        long t0 = System.nanoTime();
        String label = call.get();
        long nanos = System.nanoTime() - t0;
        long[] after = mx.getThreadAllocatedBytes(ids);
        long total = 0;
        for (int i = 0; i < ids.length; i++) {
            if (before[i] >= 0 && after[i] >= 0) total += after[i] - before[i];
        }
        Set<Long> known = new HashSet<>();
        for (long id : ids) known.add(id);
        long[] now = clientThreads(mx);
        long[] fresh = Arrays.stream(now).filter(id -> !known.contains(id)).toArray();
        if (fresh.length > 0) {
            for (long b : mx.getThreadAllocatedBytes(fresh)) if (b > 0) total += b;
        }
        if (label == null || !label.contains("noise")) throw new IllegalStateException("unexpected answer " + label);
        return new Sample(nanos, total);
    }

    private static long[] clientThreads(java.lang.management.ThreadMXBean mx) {
        long[] all = mx.getAllThreadIds();
        ThreadInfo[] infos = mx.getThreadInfo(all);
        List<Long> keep = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            if (infos[i] != null && !infos[i].getThreadName().startsWith(LoopbackChatServer.THREAD_PREFIX))
                keep.add(all[i]);
        }
        return keep.stream().mapToLong(Long::longValue).toArray();
    }

    private static double median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
