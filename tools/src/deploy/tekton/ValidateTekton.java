// Deserialises Tekton objects into Tekton's API types as fabric8 generates them from Tekton's OpenAPI
// schema (io.fabric8:tekton-model), refusing what the types do not have: a field Tekton does not know
// (fabric8 would keep it aside in additionalProperties), or a value of the wrong type.
// Input on stdin: a JSON array of {"where": "...", "object": {...}}; output on stdout: a JSON array of
// the problems found, each "where: path: message". Run by tools/src/deploy/tekton.ts:
//   java -cp '<libs>/*' ValidateTekton.java < objects.json
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import java.util.ArrayList;
import java.util.List;

public class ValidateTekton {
  public static void main(String[] args) throws Exception {
    ObjectMapper strict = new ObjectMapper();
    strict.setAnnotationIntrospector(
        new JacksonAnnotationIntrospector() {
          // No catch-all map: an unknown field is an error, not an additional property.
          @Override
          public Boolean hasAnySetter(Annotated annotated) {
            return Boolean.FALSE;
          }

          @Override
          public JsonIgnoreProperties.Value findPropertyIgnoralByName(
              MapperConfig<?> config, Annotated annotated) {
            return JsonIgnoreProperties.Value.empty();
          }
        });
    strict.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    strict.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    strict.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
    JsonNode input = strict.readTree(System.in);
    List<String> problems = new ArrayList<>();
    for (JsonNode item : input) {
      String where = item.path("where").asText();
      JsonNode object = item.path("object");
      String apiVersion = object.path("apiVersion").asText();
      String kind = object.path("kind").asText();
      if (!apiVersion.startsWith("tekton.dev/")) {
        problems.add(where + ": " + apiVersion + " " + kind + " is not a Tekton object");
        continue;
      }
      String version = apiVersion.substring("tekton.dev/".length());
      Class<?> type;
      try {
        type = Class.forName("io.fabric8.tekton." + version + "." + kind);
      } catch (ClassNotFoundException e) {
        problems.add(where + ": Tekton has no " + apiVersion + " " + kind);
        continue;
      }
      try {
        strict.treeToValue(object, type);
      } catch (JsonMappingException e) {
        String path = e.getPath().stream()
            .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .reduce("", (a, b) -> b.startsWith("[") || a.isEmpty() ? a + b : a + "." + b);
        problems.add(where + ": " + path + ": " + e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", ""));
      }
    }
    System.out.println(strict.writeValueAsString(problems));
  }
}
