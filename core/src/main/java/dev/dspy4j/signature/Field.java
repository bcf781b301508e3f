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

    /**
     * Checks the name; a null description becomes empty.
     *
     * @param name an identifier: a letter or {@code _}, then letters, digits or {@code _}
     * @param type the field type; not null
     * @param description the description, or null for none
     * @param javaType the Java type of parsed values; not null
     * @throws SignatureException if the name is not an identifier
     */
    public Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(javaType, "javaType");
        description = description == null ? "" : description;
        if (!NAME.matcher(name).matches()) {
            throw new SignatureException("field name '" + name + "' is not an identifier", -1);
        }
    }

    /**
     * A field with the type's default Java type.
     *
     * @param name an identifier
     * @param type the field type
     * @param description what the field holds, or null for none
     * @return the field
     * @throws SignatureException if the name is not an identifier
     */
    public static Field of(String name, FieldType type, String description) {
        return new Field(name, type, description, type.defaultJavaType());
    }

    /**
     * A string field without a description.
     *
     * @param name an identifier
     * @return the field
     * @throws SignatureException if the name is not an identifier
     */
    public static Field of(String name) {
        return of(name, FieldType.Scalar.STR, "");
    }

    /**
     * Returns this field with another description.
     *
     * @param newDescription the description, or null for none
     * @return a new field
     */
    public Field withDescription(String newDescription) {
        return new Field(name, type, newDescription, javaType);
    }

    /** {@return true if the value may be absent (an {@code Optional[...]} type)} */
    public boolean optional() {
        return type instanceof FieldType.OptionalOf;
    }
}
