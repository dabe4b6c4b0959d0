package io.securefirehose.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses JSON into maps, lists and scalars, so that two documents compare as values, whatever their layout. */
final class JsonTree {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();

    private JsonTree() {}

    static Object parse(byte[] body, int length) {
        try (JsonParser json = JSON.createParser(body, 0, length)) {
            Object value = value(json, json.nextToken());
            if (json.nextToken() != null) {
                throw new IllegalArgumentException("content after the document");
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object value(JsonParser json, JsonToken token) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String name = json.currentName();
                    if (object.put(name, value(json, json.nextToken())) != null) {
                        throw new IllegalArgumentException("duplicate field " + name);
                    }
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                JsonToken next;
                while ((next = json.nextToken()) != JsonToken.END_ARRAY) {
                    array.add(value(json, next));
                }
                return array;
            }
            case VALUE_STRING -> {
                return json.getText();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return json.getDecimalValue();
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return json.getBooleanValue();
            }
            case VALUE_NULL -> {
                return "null";
            }
            default -> throw new IllegalArgumentException("unexpected " + token);
        }
    }
}
