package dev.dspy4j.prompt;

import dev.dspy4j.media.Media;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The messages sent to an LM. Immutable.
 *
 * <p>{@code stablePrefix} marks where the part of the prompt that is the same in every call of the
 * program that made it ends (the system message and the few-shot demos, as adapters mark it with
 * {@link Builder#markStablePrefix()}), so a provider's prompt cache can be told to keep that prefix
 * (Anthropic's {@code cache_control} breakpoints). It is a hint for the wire only: it takes no part in
 * {@link #equals}, {@link #hashCode} or the response cache key, since it does not change what the
 * model is asked.
 *
 * @param messages     the messages, in order
 * @param stablePrefix how many leading messages are the same in every call; 0 if not known
 */
public record Prompt(List<Message> messages, int stablePrefix) {

    /**
     * Copies the messages.
     *
     * @param messages the messages, in order; no null elements
     * @param stablePrefix between 0 and the number of messages
     * @throws IllegalArgumentException if {@code stablePrefix} is out of range
     */
    public Prompt {
        messages = List.copyOf(messages);
        if (stablePrefix < 0 || stablePrefix > messages.size()) {
            throw new IllegalArgumentException(
                    "stablePrefix must be between 0 and the " + messages.size() + " messages, not " + stablePrefix);
        }
    }

    /**
     * A prompt of the given messages, with no stable prefix marked.
     *
     * @param messages the messages, in order
     */
    public Prompt(List<Message> messages) {
        this(messages, 0);
    }

    /** True if {@code o} is a prompt of equal messages (the stable-prefix hint is not compared). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Prompt p && messages.equals(p.messages);
    }

    @Override
    public int hashCode() {
        return messages.hashCode();
    }

    /**
     * A prompt of the given messages, with no stable prefix marked.
     *
     * @param messages the messages, in order
     * @return the prompt
     */
    public static Prompt of(Message... messages) {
        return new Prompt(List.of(messages));
    }

    /**
     * This prompt as a record of a call keeps it: every media part through
     * {@link Part#withoutPayloadBytes()}, so it shows each payload (kind, media type, size, digest)
     * without keeping its bytes alive. O(parts).
     *
     * @return a prompt without payload bytes, or this prompt when nothing changes
     */
    public Prompt withoutPayloadBytes() {
        List<Message> out = null;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            List<Part> parts = null;
            for (int k = 0; k < m.parts().size(); k++) {
                Part p = m.parts().get(k);
                Part kept = p.withoutPayloadBytes();
                if (kept != p && parts == null) parts = new java.util.ArrayList<>(m.parts());
                if (parts != null) parts.set(k, kept);
            }
            if (parts != null && out == null) out = new java.util.ArrayList<>(messages);
            if (parts != null) out.set(i, new Message(m.role(), parts));
        }
        return out == null ? this : new Prompt(out, stablePrefix);
    }

    /** {@return a new, empty builder} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return every media value in the prompt, in message and part order} */
    public Stream<Media> media() {
        return messages.stream()
                .flatMap(m -> m.parts().stream())
                .map(Part::media)
                .filter(Objects::nonNull);
    }

    /**
     * Returns this prompt with one more message at the end.
     *
     * @param message the message to append
     * @return a new prompt with the same stable prefix
     */
    public Prompt with(Message message) {
        List<Message> all = new ArrayList<>(messages);
        all.add(message);
        return new Prompt(all, stablePrefix);
    }

    /**
     * Builds a prompt message by message. Text appended in several calls, and text around media,
     * becomes as few text parts as possible.
     *
     * <pre>{@code
     * Prompt p = Prompt.builder()
     *     .system("You label images.")
     *     .user().text("Label this: ").media(image).text("\nThanks.").end()
     *     .build();
     * }</pre>
     */
    public static final class Builder {
        private final List<Message> messages = new ArrayList<>();
        private Role role;
        private final List<Part> parts = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private int stablePrefix;

        private Builder() {}

        /**
         * Marks the messages so far (an open one is closed first) as the prompt's stable prefix: the
         * same in every call of the program, such as the system message and the demos.
         *
         * @return this builder
         */
        public Builder markStablePrefix() {
            ensureClosed();
            stablePrefix = messages.size();
            return this;
        }

        /**
         * Adds a whole system message (an open one is closed first).
         *
         * @param s the text
         * @return this builder
         */
        public Builder system(String s) {
            return message(Message.system(s));
        }

        /**
         * Adds a whole user message (an open one is closed first).
         *
         * @param s the text
         * @return this builder
         */
        public Builder user(String s) {
            return message(Message.user(s));
        }

        /**
         * Adds a whole assistant message (an open one is closed first).
         *
         * @param s the text
         * @return this builder
         */
        public Builder assistant(String s) {
            return message(Message.assistant(s));
        }

        /**
         * Adds a whole message (an open one is closed first).
         *
         * @param m the message
         * @return this builder
         */
        public Builder message(Message m) {
            ensureClosed();
            messages.add(m);
            return this;
        }

        /** {@return this builder, with a user message open to be built part by part; finish it with {@link #end()}} */
        public Builder user() {
            return start(Role.USER);
        }

        /** {@return this builder, with an assistant message open to be built part by part} */
        public Builder assistant() {
            return start(Role.ASSISTANT);
        }

        /** {@return this builder, with a system message open to be built part by part} */
        public Builder system() {
            return start(Role.SYSTEM);
        }

        /**
         * Starts a message built part by part (an open one is closed first).
         *
         * @param r who speaks
         * @return this builder
         */
        public Builder start(Role r) {
            ensureClosed();
            role = Objects.requireNonNull(r, "role");
            return this;
        }

        /**
         * Appends text to the open message.
         *
         * @param s the text; not null
         * @return this builder
         * @throws IllegalStateException if no message is open
         */
        public Builder text(CharSequence s) {
            Objects.requireNonNull(s, "text");
            requireOpen();
            text.append(s);
            return this;
        }

        /**
         * Appends one character to the open message.
         *
         * @param c the character
         * @return this builder
         * @throws IllegalStateException if no message is open
         */
        public Builder text(char c) {
            requireOpen();
            text.append(c);
            return this;
        }

        /**
         * Appends a media part to the open message.
         *
         * @param m the media value, referred to (never copied)
         * @return this builder
         * @throws IllegalStateException if no message is open
         */
        public Builder media(Media m) {
            return part(Part.of(m));
        }

        /**
         * Appends a part to the open message; text joins the text before it.
         *
         * @param p the part
         * @return this builder
         * @throws IllegalStateException if no message is open
         */
        public Builder part(Part p) {
            requireOpen();
            if (p instanceof Part.Text t) {
                text.append(t.text());
            } else {
                flushText();
                parts.add(p);
            }
            return this;
        }

        /**
         * Closes the open message.
         *
         * @return this builder
         * @throws IllegalStateException if no message is open
         * @throws IllegalArgumentException if the open message has no part yet (nothing, or only empty text)
         */
        public Builder end() {
            requireOpen();
            flushText();
            messages.add(new Message(role, List.copyOf(parts)));
            parts.clear();
            role = null;
            return this;
        }

        /** {@return true if a message is open} */
        public boolean isOpen() {
            return role != null;
        }

        /** {@return the prompt; an open message is closed first} */
        public Prompt build() {
            if (role != null) end();
            return new Prompt(messages, stablePrefix);
        }

        private void flushText() {
            if (text.length() > 0) {
                parts.add(new Part.Text(text.toString()));
                text.setLength(0);
            }
        }

        private void requireOpen() {
            if (role == null)
                throw new IllegalStateException("no open message: call user(), assistant() or system() first");
        }

        private void ensureClosed() {
            if (role != null) end();
        }
    }
}
