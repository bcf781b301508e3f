package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.signature.Signature;

/** One output {@code v} of a given type, read from a chat or JSON answer, for value tests. */
final class OneValue {
    private OneValue() {}

    /** {@code v} read by {@link ChatAdapter} from {@code text} under its marker. */
    static Object chatValue(String type, String text) {
        return ChatAdapter.create()
                .parse(Signature.parse("q -> v: " + type), "[[ ## v ## ]]\n" + text + "\n\n[[ ## completed ## ]]")
                .get("v");
    }

    /** {@code v} read by {@link JsonAdapter} from the JSON (or Python) value {@code jsonValue}. */
    static Object jsonValue(String type, String jsonValue) {
        return JsonAdapter.create()
                .parse(Signature.parse("q -> v: " + type), "{\"v\": " + jsonValue + "}")
                .get("v");
    }

    /** Why {@link ChatAdapter} could not read {@code v} from {@code text}; fails if it could. */
    static String chatError(String type, String text) {
        AdapterParseException e = catchThrowableOfType(
                AdapterParseException.class,
                () -> ChatAdapter.create().parse(Signature.parse("q -> v: " + type), "[[ ## v ## ]]\n" + text));
        assertThat(e).as(type + " / " + text).isNotNull();
        return e.unparsable().get("v");
    }
}
