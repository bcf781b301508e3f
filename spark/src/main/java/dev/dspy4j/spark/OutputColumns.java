package dev.dspy4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a run adds to its input: one per output field of the program, then {@code error},
 * {@code error_type} ({@code input}, {@code lm}, {@code parse} or {@code error}, as in
 * {@code dspy4j run}) and {@code cached}. {@code str}, {@code int}, {@code float} and {@code bool}
 * outputs (and their optional forms) get string, long, double and boolean columns; a {@code Literal}
 * the text of its choice; any other type its JSON text. Output columns are null on error rows.
 */
final class OutputColumns {
    static final String ERROR = "error";
    static final String ERROR_TYPE = "error_type";
    static final String CACHED = "cached";

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module());

    private OutputColumns() {}

    /**
     * The input schema followed by the added columns.
     *
     * @throws IllegalArgumentException if an added column is already an input column
     */
    static StructType schema(StructType input, List<Field> outputs) {
        Set<String> taken = new HashSet<>();
        for (String n : input.fieldNames()) taken.add(n.toLowerCase(java.util.Locale.ROOT));
        List<StructField> fields = new ArrayList<>(List.of(input.fields()));
        List<String> added = new ArrayList<>();
        for (Field f : outputs) added.add(f.name());
        added.addAll(List.of(ERROR, ERROR_TYPE, CACHED));
        for (String name : added) {
            if (taken.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("the input already has a column '" + name + "', which the run adds "
                        + (name.equals(ERROR) || name.equals(ERROR_TYPE) || name.equals(CACHED)
                                ? "for every row"
                                : "for the program's output field '" + name + "'")
                        + "; rename or drop it first (e.g. withColumnRenamed(\"" + name + "\", \"expected_" + name
                        + "\"))");
            }
        }
        for (Field f : outputs) fields.add(DataTypes.createStructField(f.name(), type(f.type()), true));
        fields.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(ERROR_TYPE, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(CACHED, DataTypes.BooleanType, false));
        return DataTypes.createStructType(fields);
    }

    static DataType type(FieldType t) {
        if (t instanceof FieldType.OptionalOf o) return type(o.inner());
        if (t == FieldType.Scalar.STR) return DataTypes.StringType;
        if (t == FieldType.Scalar.INT) return DataTypes.LongType;
        if (t == FieldType.Scalar.FLOAT) return DataTypes.DoubleType;
        if (t == FieldType.Scalar.BOOL) return DataTypes.BooleanType;
        return DataTypes.StringType;
    }

    /** An output value in its column's type. */
    static Object value(Object v, FieldType t) {
        if (v == null) return null;
        if (t instanceof FieldType.OptionalOf o) return value(v, o.inner());
        // the adapter parsed the value to the field's type; anything else would fail the whole task in the encoder
        if (t == FieldType.Scalar.INT) return v instanceof Number n ? n.longValue() : null;
        if (t == FieldType.Scalar.FLOAT) return v instanceof Number n ? n.doubleValue() : null;
        if (t == FieldType.Scalar.BOOL) return v instanceof Boolean b ? b : null;
        if (t == FieldType.Scalar.STR || t instanceof FieldType.Literal) return String.valueOf(v);
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            return String.valueOf(v);
        }
    }
}
