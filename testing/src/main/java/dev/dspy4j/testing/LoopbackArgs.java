package dev.dspy4j.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of {@link LoopbackChatServer#main}: {@code [--batch-polls N] [--batch-error-when TEXT]
 * [PORT] [FIELD VALUE]...}, turned into a configured builder.
 */
final class LoopbackArgs {
    /** The one-line usage {@code main} prints after a bad argument. */
    static final String USAGE =
            "usage: LoopbackChatServer [--batch-polls N] [--batch-error-when TEXT] [PORT] [FIELD VALUE]..."
                    + "   e.g. 8765 answer cat";

    private LoopbackArgs() {}

    /**
     * A builder set from the arguments: PORT defaults to 8765 (an odd count of the other arguments
     * means the first is PORT); each FIELD VALUE pair becomes one section of the chat-format answer.
     *
     * @throws IllegalArgumentException naming the argument, for a PORT or N that is not a number or a
     *     PORT outside 0..65535
     */
    static LoopbackChatServer.Builder parse(String[] all) {
        LoopbackChatServer.Builder builder = LoopbackChatServer.builder();
        List<String> rest = new ArrayList<>();
        for (int k = 0; k < all.length; k++) {
            if (all[k].equals("--batch-polls") && k + 1 < all.length) {
                try {
                    builder.batchPolls(Integer.parseInt(all[++k]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--batch-polls takes a number, got '" + all[k] + "'");
                }
            } else if (all[k].equals("--batch-error-when") && k + 1 < all.length) {
                String marker = all[++k];
                builder.batchErrors(r -> r.bodyText().contains(marker));
            } else {
                rest.add(all[k]);
            }
        }
        String[] args = rest.toArray(String[]::new);
        int port = 8765;
        int i = 0;
        if (args.length % 2 == 1) {
            try {
                port = Integer.parseInt(args[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("PORT must be a number from 0 to 65535, got '" + args[0] + "'");
            }
            i = 1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PORT must be a number from 0 to 65535, got " + port);
        }
        StringBuilder text = new StringBuilder();
        for (; i < args.length; i += 2) {
            text.append("[[ ## ")
                    .append(args[i])
                    .append(" ## ]]\n")
                    .append(args[i + 1])
                    .append("\n\n");
        }
        String answer = text.isEmpty() ? LoopbackChatServer.chatAnswer("answer", "ok") : text + "[[ ## completed ## ]]";
        return builder.port(port).answer(answer);
    }
}
