package dev.dspy4j.adapter;

import dev.dspy4j.module.Example;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;

/** Placeholder until the field-marker adapter lands. */
public final class ChatAdapter implements Adapter {
    public static ChatAdapter create() {
        return new ChatAdapter();
    }

    @Override
    public Prompt format(Signature signature, List<Example> demos, Map<String, ?> inputs) {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
        throw new UnsupportedOperationException("not yet");
    }
}
