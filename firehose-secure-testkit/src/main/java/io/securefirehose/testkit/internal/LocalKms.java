package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.securefirehose.testkit.CapturedKmsCall;
import io.securefirehose.testkit.IssuedSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * KMS {@code GenerateDataKey} and {@code Decrypt} (awsJson1.1, {@code TrentService.*}) for {@link LocalFirehose},
 * with master keys that exist only in this process. A data key is wrapped with AES-256-GCM under its master key,
 * with the key id and the encryption context as additional data, so {@code Decrypt} succeeds only with exactly the
 * context given at {@code GenerateDataKey}, as in KMS. Thread-safe.
 *
 * <p>The wrapped form ("ciphertext blob") is this class's own: {@code 'L' 'K' 0x01}, key id length (1 byte), key
 * id (UTF-8), 12-byte nonce, encrypted data key with its 16-byte tag. Clients must treat it as opaque, as they
 * must with KMS.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class LocalKms {

    private static final JsonFactory JSON = new JsonFactory();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] BLOB_MAGIC = {'L', 'K', 1};

    /** What an answer is: status, JSON body and the error code when refused. Never compared or hashed. */
    @SuppressWarnings("ArrayRecordComponent")
    record Answer(int status, byte[] body, @Nullable String errorCode) {}

    /** One master key: its id, its ARN and its secret. Never leaves this class. */
    private record MasterKey(String id, String arn, SecretKeySpec secret) {}

    private final Map<String, MasterKey> keysByName; // id, ARN, alias name and alias ARN -> key
    private final Queue<CapturedKmsCall> calls = new ConcurrentLinkedQueue<>();
    private volatile boolean available = true;
    private volatile double throttledFraction;
    private final AtomicLong throttleCounter = new AtomicLong();

    public LocalKms(Map<String, List<String>> keysAndAliases, String region, String accountId) {
        Map<String, MasterKey> names = new LinkedHashMap<>();
        keysAndAliases.forEach((id, aliases) -> {
            byte[] secret = new byte[32];
            RANDOM.nextBytes(secret);
            MasterKey key = new MasterKey(id, keyArn(region, accountId, id), new SecretKeySpec(secret, "AES"));
            names.put(id, key);
            names.put(key.arn(), key);
            for (String alias : aliases) {
                names.put(alias, key);
                names.put("arn:" + Partitions.of(region) + ":kms:" + region + ":" + accountId + ":" + alias, key);
            }
        });
        this.keysByName = Map.copyOf(names);
    }

    public static String keyArn(String region, String accountId, String keyId) {
        return "arn:" + Partitions.of(region) + ":kms:" + region + ":" + accountId + ":key/" + keyId;
    }

    public void available(boolean available) {
        this.available = available;
    }

    public void throttling(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the throttled fraction must be within [0, 1], was " + fraction);
        }
        this.throttledFraction = fraction;
    }

    /** Whether this call is throttled: evenly spread, so that any run of calls sees the fraction asked for. */
    private boolean throttleThisCall() {
        double fraction = throttledFraction;
        if (fraction <= 0) {
            return false;
        }
        long n = throttleCounter.getAndIncrement();
        return Math.floor((n + 1) * fraction) > Math.floor(n * fraction);
    }

    public List<CapturedKmsCall> calls() {
        return List.copyOf(calls);
    }

    void reset() {
        calls.clear();
        available = true;
        throttledFraction = 0;
    }

    /** The request's fields as far as KMS reads them. Never compared or hashed. */
    @SuppressWarnings("ArrayRecordComponent")
    private record Request(
            @Nullable String keyId,
            @Nullable String keySpec,
            int numberOfBytes,
            Map<String, String> context,
            byte @Nullable [] blob) {}

    /** Decides whether the session that signed a call may act on a key ({@link ServerState#denial}). */
    @FunctionalInterface
    interface Access {
        @Nullable
        String denial(@Nullable String caller, String action, String keyArn, Map<String, String> conditionKeys);
    }

    Answer serve(String operation, byte[] body, int length, @Nullable String caller, Access access) {
        Request request;
        try {
            request = parse(body, length);
        } catch (IOException | IllegalArgumentException e) {
            calls.add(new CapturedKmsCall(operation, null, Map.of(), caller, "SerializationException"));
            return error(400, "SerializationException", "cannot read the request: " + e.getMessage());
        }
        Answer answer;
        if (!available) {
            answer = error(500, "KMSInternalException", "Injected KMS outage.");
        } else if (throttleThisCall()) {
            answer = error(400, "ThrottlingException", "Rate exceeded.");
        } else {
            answer = switch (operation) {
                case "GenerateDataKey" -> generateDataKey(request, denial(access, caller, operation, request));
                case "Decrypt" -> decrypt(request, denial(access, caller, operation, request));
                default ->
                    error(400, "UnknownOperationException", "operation '" + operation + "' is not served by LocalKms");
            };
        }
        calls.add(new CapturedKmsCall(
                operation,
                request.keyId(),
                request.context(),
                caller,
                answer.errorCode() == null ? "OK" : answer.errorCode()));
        return answer;
    }

    /** The session check of one call, given the key it acts on. */
    private static Function<MasterKey, @Nullable String> denial(
            Access access, @Nullable String caller, String operation, Request request) {
        Map<String, String> conditionKeys = new LinkedHashMap<>();
        request.context().forEach((name, value) -> conditionKeys.put("kms:EncryptionContext:" + name, value));
        return key -> access.denial(caller, "kms:" + operation, key.arn(), conditionKeys);
    }

    private Answer generateDataKey(Request request, Function<MasterKey, @Nullable String> access) {
        MasterKey key = request.keyId() == null ? null : keysByName.get(request.keyId());
        if (key == null) {
            return error(400, "NotFoundException", "Key '" + request.keyId() + "' does not exist");
        }
        String denied = access.apply(key);
        if (denied != null) {
            return error(400, "AccessDeniedException", denied);
        }
        int bytes;
        if (request.keySpec() != null) {
            if (request.numberOfBytes() > 0) {
                return error(400, "ValidationException", "KeySpec and NumberOfBytes are mutually exclusive");
            }
            bytes = switch (request.keySpec()) {
                case "AES_256" -> 32;
                case "AES_128" -> 16;
                default -> -1;
            };
        } else {
            bytes = request.numberOfBytes();
        }
        if (bytes < 1 || bytes > 1024) {
            return error(400, "ValidationException", "give KeySpec AES_256/AES_128 or NumberOfBytes 1..1024");
        }
        byte[] dataKey = new byte[bytes];
        RANDOM.nextBytes(dataKey);
        if (bytes >= 32) {
            // Marked, so that a test can search for it anywhere (IssuedSecrets); 160 random bits remain.
            byte[] marker = IssuedSecrets.dataKeyMarker();
            System.arraycopy(marker, 0, dataKey, 0, marker.length);
        }
        try {
            byte[] blob = wrap(key, dataKey, request.context());
            return json(out -> {
                out.put("CiphertextBlob", Base64.getEncoder().encodeToString(blob));
                out.put("Plaintext", Base64.getEncoder().encodeToString(dataKey));
                out.put("KeyId", key.arn());
            });
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private Answer decrypt(Request request, Function<MasterKey, @Nullable String> access) {
        byte[] blob = request.blob();
        if (blob == null) {
            return error(400, "ValidationException", "CiphertextBlob is required");
        }
        ByteBuffer in = ByteBuffer.wrap(blob);
        if (blob.length < BLOB_MAGIC.length + 1 + 12 + 16
                || !Arrays.equals(Arrays.copyOf(blob, BLOB_MAGIC.length), BLOB_MAGIC)) {
            return error(400, "InvalidCiphertextException", "the ciphertext blob was not made by this KMS");
        }
        in.position(BLOB_MAGIC.length);
        int idLength = Byte.toUnsignedInt(in.get());
        if (in.remaining() < idLength + 12 + 16) {
            return error(400, "InvalidCiphertextException", "the ciphertext blob is truncated");
        }
        byte[] id = new byte[idLength];
        in.get(id);
        MasterKey key = keysByName.get(new String(id, StandardCharsets.UTF_8));
        if (key == null) {
            return error(400, "InvalidCiphertextException", "the ciphertext blob names a key this KMS does not have");
        }
        String denied = access.apply(key);
        if (denied != null) {
            return error(400, "AccessDeniedException", denied);
        }
        if (request.keyId() != null && !key.equals(keysByName.get(request.keyId()))) {
            return error(400, "IncorrectKeyException", "the ciphertext was not encrypted under " + request.keyId());
        }
        byte[] nonce = new byte[12];
        in.get(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secret(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad(key, request.context()));
            byte[] dataKey = cipher.doFinal(blob, in.position(), in.remaining());
            try {
                return json(out -> {
                    out.put("KeyId", key.arn());
                    out.put("Plaintext", Base64.getEncoder().encodeToString(dataKey));
                    out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
                });
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
        } catch (AEADBadTagException e) {
            // As in KMS: a different encryption context and a damaged blob look the same.
            return error(400, "InvalidCiphertextException", "the ciphertext or the encryption context does not match");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    private static byte[] wrap(MasterKey key, byte[] dataKey, Map<String, String> context) {
        byte[] id = key.id().getBytes(StandardCharsets.UTF_8);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secret(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad(key, context));
            byte[] sealed = cipher.doFinal(dataKey);
            return ByteBuffer.allocate(BLOB_MAGIC.length + 1 + id.length + nonce.length + sealed.length)
                    .put(BLOB_MAGIC)
                    .put((byte) id.length)
                    .put(id)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /** Key id and the context in key order, each string length-prefixed so that no two contexts share bytes. */
    private static byte[] aad(MasterKey key, Map<String, String> context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeString(out, key.id());
        for (Map.Entry<String, String> entry : new TreeMap<>(context).entrySet()) {
            writeString(out, entry.getKey());
            writeString(out, entry.getValue());
        }
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >>> 8);
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static Request parse(byte[] body, int length) throws IOException {
        String keyId = null;
        String keySpec = null;
        int numberOfBytes = 0;
        Map<String, String> context = new LinkedHashMap<>();
        byte[] blob = null;
        try (JsonParser json = JSON.createParser(body, 0, length)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the body is not a JSON object");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "KeyId" -> keyId = json.getValueAsString();
                    case "KeySpec" -> keySpec = json.getValueAsString();
                    case "NumberOfBytes" -> numberOfBytes = json.getIntValue();
                    case "CiphertextBlob" -> blob = Base64.getDecoder().decode(json.getValueAsString(""));
                    case "EncryptionContext" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw new IOException("EncryptionContext must be an object");
                        }
                        while (json.nextToken() == JsonToken.FIELD_NAME) {
                            String name = json.currentName();
                            json.nextToken();
                            context.put(name, json.getValueAsString(""));
                        }
                    }
                    default -> json.skipChildren();
                }
            }
        }
        return new Request(keyId, keySpec, numberOfBytes, context, blob);
    }

    private static Answer json(Consumer<Map<String, String>> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        fields.accept(out);
        byte[] body = FirehoseJson.render(
                json -> {
                    json.writeStartObject();
                    for (Map.Entry<String, String> field : out.entrySet()) {
                        json.writeStringField(field.getKey(), field.getValue());
                    }
                    json.writeEndObject();
                },
                256);
        return new Answer(200, body, null);
    }

    private static Answer error(int status, String code, String message) {
        byte[] body = FirehoseJson.render(
                json -> {
                    json.writeStartObject();
                    json.writeStringField("__type", code);
                    json.writeStringField("message", message);
                    json.writeEndObject();
                },
                128);
        return new Answer(status, body, code);
    }
}
