package dev.dspy4j.lm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Finding recursion among {@code $defs}, and making each cycle pass through a property that is not required. */
class SchemaCyclesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    private static final String DEPT = "{'type':'object','properties':{'name':{'type':'string'},"
            + "'staff':{'type':'array','items':{'$ref':'#/$defs/Emp'}},'site':{'$ref':'#/$defs/Site'}},"
            + "'required':%s,'additionalProperties':false}";
    private static final String EMP = "{'type':'object','properties':{'name':{'type':'string'},"
            + "'heads':{'anyOf':[{'$ref':'#/$defs/Dept'},{'type':'null'}]}},'required':%s,'additionalProperties':false}";
    private static final String SITE = "{'type':'object','properties':{'city':{'type':'string'}},'required':['city'],"
            + "'additionalProperties':false}";

    @Test
    void mutualRecursionIsFoundAndEachCycleIsMadeOptionalWhereItPasses() throws Exception {
        JsonNode schema = json("{'$ref':'#/$defs/Dept','$defs':{'Dept':" + DEPT.formatted("['name','staff','site']")
                + ",'Emp':" + EMP.formatted("['name','heads']") + ",'Site':" + SITE + "}}");
        assertThat(SchemaCycles.recursive(schema)).isTrue();
        // staff and heads carry the cycle (a nullable heads is not enough for Gemini); site leads to no cycle
        assertThat(SchemaCycles.cyclesOptional(schema))
                .isEqualTo(json("{'$ref':'#/$defs/Dept','$defs':{'Dept':" + DEPT.formatted("['name','site']")
                        + ",'Emp':" + EMP.formatted("['name']") + ",'Site':" + SITE + "}}"));
        assertThat(schema.path("$defs").path("Dept").path("required")).hasSize(3); // the input is not changed
    }

    @Test
    void definitionsWithoutACycleAreLeftAlone() throws Exception {
        JsonNode schema = json("{'type':'object','properties':{'at':{'$ref':'#/$defs/Site'}},'required':['at'],"
                + "'additionalProperties':false,'$defs':{'Site':" + SITE + "}}");
        assertThat(SchemaCycles.recursive(schema)).isFalse();
        assertThat(SchemaCycles.cyclesOptional(schema)).isSameAs(schema);
        JsonNode plain = json("{'type':'object','properties':{'a':{'type':'string'}},'required':['a']}");
        assertThat(SchemaCycles.recursive(plain)).isFalse();
        assertThat(SchemaCycles.cyclesOptional(plain)).isSameAs(plain);
    }
}
