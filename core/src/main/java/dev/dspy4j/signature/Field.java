package dev.dspy4j.signature;

import java.lang.reflect.Type;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One input or output field of a {@link Signature}.
 *
 * @param name        identifier, unique within its signature
 * @param type        the field type
 * @param description what the field holds, shown to the LM; may be empty
 * @param javaType    the Java type parsed values are converted to (for the string form, the type's default)
 */
public record Field(String name, FieldType type, String description, Type javaType) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(javaType, "javaType");
        description = description == null ? "" : description;
        if (!NAME.matcher(name).matches()) {
            throw new SignatureException("field name '" + name + "' is not an identifier", -1);
        }
    }

    /** A field with the type's default Java type. */
    public static Field of(String name, FieldType type, String description) {
        return new Field(name, type, description, type.defaultJavaType());
    }

    /** A string field. */
    public static Field of(String name) {
        return of(name, FieldType.Scalar.STR, "");
    }

    /** This field with another description. */
    public Field withDescription(String newDescription) {
        return new Field(name, type, newDescription, javaType);
    }

    /** True if the value may be absent. */
    public boolean optional() {
        return type instanceof FieldType.OptionalOf;
    }
}
