package dev.dspy4j.state;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.media.Media;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;

/**
 * A minimal adapter for state tests, independent of the real adapters: instructions and field
 * descriptions in the system message, each demo as a user/assistant pair, values as text and
 * media as media parts.
 */
final class TestAdapter implements Adapter {
    @Override
    public Prompt format(Signature signature, List<Example> demos, Map<String, ?> inputs) {
        Prompt.Builder b = Prompt.builder().system().text(signature.instructions());
        for (Field f : signature.fields()) {
            b.text("\n" + f.name() + " (" + f.type().typeName() + "): " + f.description());
        }
        b.end();
        for (Example d : demos) {
            b.user();
            values(b, signature.inputs(), d.toMap());
            b.end().assistant();
            values(b, signature.outputs(), d.toMap());
            b.end();
        }
        b.user();
        values(b, signature.inputs(), inputs);
        return b.build();
    }

    private static void values(Prompt.Builder b, List<Field> fields, Map<String, ?> values) {
        for (Field f : fields) {
            Object v = values.get(f.name());
            if (v == null) continue;
            b.text("[" + f.name() + "] ");
            if (v instanceof Media m) {
                b.media(m);
            } else {
                b.text(String.valueOf(v));
            }
            b.text("\n");
        }
    }

    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
        throw new UnsupportedOperationException();
    }
}
