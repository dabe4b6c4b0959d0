package io.securefirehose.testkit.internal;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads requests and writes responses of Firehose's awsJson1.1 protocol, with a streaming parser so that a 4 MiB
 * batch is decoded in one pass.
 */
public final class FirehoseJson {

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(16 * 1024 * 1024).build())
          .build();

  private FirehoseJson() {}

  /** The body could not be read as the operation's input. */
  public static final class MalformedRequestException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedRequestException(String message) {
      super(message);
    }
  }

  /**
   * Input of {@code PutRecordBatch} and {@code PutRecord} (one record), and of {@code DescribeDeliveryStream}
   * (no records).
   *
   * @param streamName value of {@code DeliveryStreamName}, if present
   * @param records decoded {@code Data} of each record
   */
  public record Input(@Nullable String streamName, List<byte[]> records) {}

  /**
   * Parses a request body.
   *
   * @param body the request body
   * @param recordsField {@code Records} (array), {@code Record} (single object) or {@code null} for none
   * @return what the body holds
   * @throws MalformedRequestException if the body is not valid JSON of the expected shape
   */
  public static Input parse(byte[] body, @Nullable String recordsField) throws MalformedRequestException {
    String streamName = null;
    List<byte[]> records = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(body)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT, "request body");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("DeliveryStreamName".equals(field)) {
          expect(value, JsonToken.VALUE_STRING, "DeliveryStreamName");
          streamName = parser.getText();
        } else if ("Records".equals(field) && "Records".equals(recordsField)) {
          expect(value, JsonToken.START_ARRAY, "Records");
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            records.add(readRecord(parser));
          }
          expect(parser.currentToken(), JsonToken.END_ARRAY, "Records");
        } else if ("Record".equals(field) && "Record".equals(recordsField)) {
          expect(value, JsonToken.START_OBJECT, "Record");
          records.add(readRecord(parser));
        } else {
          parser.skipChildren();
        }
      }
      expect(parser.currentToken(), JsonToken.END_OBJECT, "request body");
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedRequestException("cannot parse request body: " + e.getMessage());
    }
    return new Input(streamName, records);
  }

  private static byte[] readRecord(JsonParser parser) throws IOException, MalformedRequestException {
    byte[] data = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if ("Data".equals(field)) {
        expect(value, JsonToken.VALUE_STRING, "Data");
        data = parser.getBinaryValue(Base64Variants.MIME_NO_LINEFEEDS);
      } else {
        parser.skipChildren();
      }
    }
    if (data == null) {
      throw new MalformedRequestException("a record has no Data member");
    }
    return data;
  }

  private static void expect(@Nullable JsonToken actual, JsonToken expected, String what)
      throws MalformedRequestException {
    if (actual != expected) {
      throw new MalformedRequestException(what + ": expected " + expected + ", found " + actual);
    }
  }

  /** Writes a JSON document. */
  public interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  /**
   * Renders a JSON document to bytes.
   *
   * @param body writes the document
   * @param sizeHint expected size in bytes
   * @return UTF-8 JSON
   */
  public static byte[] render(Body body, int sizeHint) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      body.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The body of an error answer.
   *
   * @param code AWS error code
   * @param message human-readable message
   * @return UTF-8 JSON
   */
  public static byte[] error(String code, String message) {
    return render(
        json -> {
          json.writeStartObject();
          json.writeStringField("__type", code);
          json.writeStringField("message", message);
          json.writeEndObject();
        },
        64 + message.length());
  }
}
