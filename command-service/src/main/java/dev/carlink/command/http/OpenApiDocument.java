package dev.carlink.command.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The API's OpenAPI document, read once at start-up from the classpath and served as written (YAML) and
 * converted to JSON. A missing or unreadable document stops the start: an API that cannot describe itself
 * is a packaging mistake, not something to find out from a client.
 */
final class OpenApiDocument {

    /** Where the document is on the classpath. */
    static final String RESOURCE = "openapi/carlink-api.yaml";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String yaml;
    private final String json;

    private OpenApiDocument(String yaml, String json) {
        this.yaml = yaml;
        this.json = json;
    }

    /** The document at {@link #RESOURCE}. */
    static OpenApiDocument load() {
        return load(RESOURCE);
    }

    /** The document at a classpath resource; throws {@link IllegalStateException} saying what is wrong. */
    static OpenApiDocument load(String resource) {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + resource + " is not on the classpath");
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI document " + resource + " could not be read", e);
        }
    }

    /** Parses a document's text; {@code name} says which document in the message of a failure. */
    static OpenApiDocument parse(String name, String yaml) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "the OpenAPI document " + name + " is not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (tree == null || !tree.isObject() || !tree.path("openapi").isTextual()) {
            throw new IllegalStateException(
                    "the OpenAPI document " + name + " is not an OpenAPI document: it has no openapi field");
        }
        try {
            return new OpenApiDocument(yaml, JSON.writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the OpenAPI document " + name + " cannot be written as JSON", e);
        }
    }

    /** The document as written. */
    String yaml() {
        return yaml;
    }

    /** The same document as JSON. */
    String json() {
        return json;
    }
}
