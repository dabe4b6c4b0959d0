package io.securefirehose;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.WebIdentity;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.internal.text.ConfigValues;
import io.securefirehose.records.Coalescing;
import io.securefirehose.transport.TlsEngine;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The table behind {@link ProducerProperties}: for each key, its documentation and the builder call it makes. Keys
 * that together make one setting ({@code assume-role.*}) form a group, started by its first key. Stateless.
 */
final class PropertyRules {

    private PropertyRules() {}

    /** Sets one option on a target, returning the target (a copy, for immutable settings). */
    interface Setter<T> {
        @Nullable
        T set(T target, String nameSuffix, String value);
    }

    record Rule<T>(ProducerProperties.Key key, Setter<T> setter) {
        @Nullable
        String suffixOf(String name) {
            String pattern = key.name();
            if (pattern.endsWith(".<name>")) {
                String prefix = pattern.substring(0, pattern.length() - "<name>".length());
                return name.startsWith(prefix) && name.length() > prefix.length()
                        ? name.substring(prefix.length())
                        : null;
            }
            return pattern.equals(name) ? "" : null;
        }
    }

    /** Keys that together make one setting: the first key starts it, the others refine it. */
    record Group<T>(Rule<T> start, List<Rule<T>> members, Finish<T> finish) {}

    interface Finish<T> {
        void apply(ProducerBuilder builder, @Nullable T built);
    }

    private static final String DURATION = "duration";
    private static final String SIZE = "size";
    private static final String BOOLEAN = "boolean";

    static final List<Rule<ProducerBuilder>> OPTIONS = List.of(
            rule("stream", "string", "required", "the delivery stream", (b, s, v) -> b.deliveryStream(v)),
            rule("region", "region id", "required", "the stream's region", (b, s, v) -> b.region(v)),
            rule("endpoint", "https URI", "the region's", "the Firehose endpoint", (b, s, v) -> b.endpoint(uri(v))),
            rule(
                    "vpc-endpoint",
                    "DNS name",
                    "none",
                    "a Firehose VPC endpoint, verified and pinned",
                    (b, s, v) -> b.vpcEndpoint(v)),
            rule(
                    "private-dns",
                    "true, false or vpce-<id>",
                    "false",
                    "the regional name through a VPC endpoint's private DNS, verified and pinned; with an id, the"
                            + " session requires that endpoint",
                    (b, s, v) -> v.startsWith("vpce-") ? b.privateDns(v) : ConfigValues.bool(v) ? b.privateDns() : b),
            rule(
                    "allowed-cidrs",
                    "comma-separated CIDRs",
                    "the private ranges",
                    "where endpoint addresses may lie",
                    (b, s, v) -> b.allowedCidrs(ConfigValues.list(v).toArray(new String[0]))),
            rule(
                    "tls-policy",
                    "MODERN, TLS13_ONLY or FIPS",
                    "MODERN",
                    "the TLS versions and suites",
                    (b, s, v) -> b.tlsPolicy(TlsPolicy.named(v))),
            rule(
                    "fips-enabled",
                    BOOLEAN,
                    "false",
                    "FIPS endpoints and TLS policy",
                    (b, s, v) -> b.fipsEnabled(ConfigValues.bool(v))),
            rule(
                    "dual-stack-enabled",
                    BOOLEAN,
                    "false",
                    "dual-stack (IPv4 and IPv6) endpoints",
                    (b, s, v) -> b.dualStackEnabled(ConfigValues.bool(v))),
            rule(
                    "linger",
                    DURATION,
                    "5ms",
                    "how long a batch waits for more records",
                    (b, s, v) -> b.linger(ConfigValues.duration(v))),
            rule(
                    "max-batch-records",
                    "1 to 500",
                    "500",
                    "records per call",
                    (b, s, v) -> b.maxBatchRecords(ConfigValues.integer(v))),
            rule(
                    "max-batch-bytes",
                    SIZE,
                    "4MiB",
                    "bytes per call",
                    (b, s, v) -> b.maxBatchBytes(ConfigValues.intBytes(v))),
            rule(
                    "max-buffered-bytes",
                    SIZE,
                    "32MiB",
                    "memory for records not yet acknowledged",
                    (b, s, v) -> b.maxBufferedBytes(ConfigValues.bytes(v))),
            rule(
                    "max-block",
                    DURATION,
                    "60s",
                    "how long send waits for buffer space",
                    (b, s, v) -> b.maxBlock(ConfigValues.duration(v))),
            rule(
                    "max-in-flight-requests",
                    "1 or more",
                    "5",
                    "calls in flight at once",
                    (b, s, v) -> b.maxInFlightRequests(ConfigValues.integer(v))),
            rule(
                    "delivery-timeout",
                    DURATION,
                    "120s",
                    "bound on a record's delivery, retries included",
                    (b, s, v) -> b.deliveryTimeout(ConfigValues.duration(v))),
            rule(
                    "request-timeout",
                    DURATION,
                    "30s",
                    "bound on one call",
                    (b, s, v) -> b.requestTimeout(ConfigValues.duration(v))),
            rule(
                    "retry-backoff",
                    DURATION,
                    "100ms",
                    "the first retry's delay",
                    // Widens the largest delay for now, so that retry-backoff-max, applied next, can set it; alone,
                    // a widened delay is refused by ProducerProperties.apply.
                    (b, s, v) -> {
                        Duration initial = ConfigValues.duration(v);
                        return b.retryBackoff(
                                initial, initial.compareTo(b.retryBackoffMax) > 0 ? initial : b.retryBackoffMax);
                    }),
            rule(
                    "retry-backoff-max",
                    DURATION,
                    "5s",
                    "the largest retry delay",
                    (b, s, v) -> b.retryBackoff(b.retryBackoff, ConfigValues.duration(v))),
            rule(
                    "request-path",
                    "LEAN or SDK_CLIENT",
                    "LEAN",
                    "how calls are written",
                    (b, s, v) -> b.requestPath(requestPath(v))),
            rule(
                    "tls-engine",
                    "JDK or BORINGSSL",
                    "JDK",
                    "the TLS implementation of the producer's own Firehose connections",
                    (b, s, v) -> b.tlsEngine(tlsEngine(v))),
            rule(
                    "rate-control",
                    BOOLEAN,
                    "true",
                    "pacing below the stream's throughput limit",
                    (b, s, v) -> b.rateControl(ConfigValues.bool(v))),
            rule(
                    "require-server-side-encryption",
                    BOOLEAN,
                    "false",
                    "refuse a stream without SSE",
                    (b, s, v) -> b.requireServerSideEncryption(ConfigValues.bool(v))));

    private static final Group<TrustMaterial> TRUST = new Group<>(
            rule(
                    "trust-pem",
                    "file path",
                    "the JDK's trust store",
                    "the only CAs trusted",
                    (t, s, v) -> TrustMaterial.fromPemFile(path(v))),
            List.of(rule(
                    "trust-system-defaults",
                    BOOLEAN,
                    "false",
                    "with trust-pem, trust the JDK's CAs too",
                    (t, s, v) -> ConfigValues.bool(v) ? t.plusSystemDefaults() : t)),
            (b, trust) -> b.trustMaterial(Objects.requireNonNull(trust)));

    private static final Group<WebIdentity.Builder> WEB_IDENTITY = new Group<>(
            rule(
                    "web-identity.role-arn",
                    "role ARN",
                    "AWS_ROLE_ARN",
                    "the role a web identity token assumes",
                    (w, s, v) -> WebIdentity.role(v)),
            List.of(
                    rule(
                            "web-identity.token-file",
                            "file path",
                            "required with the role",
                            "the token file",
                            (w, s, v) -> w.tokenFile(path(v))),
                    rule(
                            "web-identity.session-name",
                            "string",
                            "generated",
                            "the session's name",
                            (w, s, v) -> w.sessionName(v)),
                    rule(
                            "web-identity.duration",
                            DURATION,
                            "1h",
                            "the session's life",
                            (w, s, v) -> w.duration(ConfigValues.duration(v))),
                    rule(
                            "web-identity.refresh-before",
                            DURATION,
                            "5m",
                            "refresh this long before expiry",
                            (w, s, v) -> w.refreshBefore(ConfigValues.duration(v))),
                    rule(
                            "web-identity.sts-endpoint",
                            "https URI",
                            "the region's STS",
                            "where STS is called",
                            (w, s, v) -> w.stsEndpoint(uri(v)))),
            (b, identity) -> b.webIdentity(Objects.requireNonNull(identity).build()));

    private static final Group<AssumeRole.Builder> ASSUME_ROLE = new Group<>(
            rule(
                    "assume-role.role-arn",
                    "role ARN",
                    "none",
                    "the role assumed, narrowed to the stream",
                    (r, s, v) -> AssumeRole.role(v)),
            List.of(
                    rule(
                            "assume-role.external-id",
                            "string",
                            "none",
                            "the external id the role requires",
                            (r, s, v) -> r.externalId(v)),
                    rule(
                            "assume-role.session-name",
                            "string",
                            "firehose-secure-<host>",
                            "the session's name",
                            (r, s, v) -> r.sessionName(v)),
                    rule(
                            "assume-role.source-identity",
                            "string",
                            "none",
                            "the source identity",
                            (r, s, v) -> r.sourceIdentity(v)),
                    rule(
                            "assume-role.session-tag.<name>",
                            "string",
                            "none",
                            "a session tag",
                            (r, s, v) -> r.sessionTag(s, v)),
                    rule(
                            "assume-role.session-policy-condition.<name>",
                            "<operator> <key> <value>",
                            "none",
                            "a condition on every session policy statement",
                            (r, s, v) -> condition(r, v)),
                    rule(
                            "assume-role.duration",
                            DURATION,
                            "1h",
                            "the session's life",
                            (r, s, v) -> r.duration(ConfigValues.duration(v))),
                    rule(
                            "assume-role.refresh-before",
                            DURATION,
                            "5m",
                            "refresh this long before expiry",
                            (r, s, v) -> r.refreshBefore(ConfigValues.duration(v))),
                    rule(
                            "assume-role.sts-endpoint",
                            "https URI",
                            "the region's STS",
                            "where STS is called",
                            (r, s, v) -> r.stsEndpoint(uri(v))),
                    rule(
                            "assume-role.sts-vpc-endpoint",
                            "DNS name",
                            "none",
                            "an STS VPC endpoint, pinned",
                            (r, s, v) -> r.stsVpcEndpoint(v)),
                    rule(
                            "assume-role.fips-enabled",
                            BOOLEAN,
                            "false",
                            "STS's FIPS endpoint for this role",
                            (r, s, v) -> r.fipsEnabled(ConfigValues.bool(v)))),
            (b, role) -> b.assumeRole(Objects.requireNonNull(role).build()));

    private static final Group<EnvelopeEncryption.Builder> ENCRYPTION = new Group<>(
            rule(
                    "encryption.kms-key",
                    "key ARN, id or alias",
                    "none (off)",
                    "envelope encryption with this key",
                    (e, s, v) -> EnvelopeEncryption.withKmsKey(v)),
            List.of(
                    rule(
                            "encryption.stream-arn",
                            "stream ARN",
                            "from the role",
                            "the stream bound into each record",
                            (e, s, v) -> e.streamArn(v)),
                    rule(
                            "encryption.context.<name>",
                            "string",
                            "none",
                            "an encryption context entry",
                            (e, s, v) -> e.encryptionContext(s, v)),
                    rule(
                            "encryption.max-records-per-data-key",
                            "1 to 2^32",
                            "4194304",
                            "records per data key",
                            (e, s, v) -> e.maxRecordsPerDataKey(ConfigValues.longInteger(v))),
                    rule(
                            "encryption.max-bytes-per-data-key",
                            SIZE,
                            "4GiB",
                            "bytes per data key",
                            (e, s, v) -> e.maxBytesPerDataKey(ConfigValues.bytes(v))),
                    rule(
                            "encryption.max-data-key-age",
                            DURATION,
                            "5m",
                            "a data key's life",
                            (e, s, v) -> e.maxDataKeyAge(ConfigValues.duration(v))),
                    rule(
                            "encryption.kms-endpoint",
                            "https URI",
                            "the region's KMS",
                            "where KMS is called",
                            (e, s, v) -> e.kmsEndpoint(uri(v))),
                    rule(
                            "encryption.kms-vpc-endpoint",
                            "DNS name",
                            "none",
                            "a KMS VPC endpoint, pinned",
                            (e, s, v) -> e.kmsVpcEndpoint(v)),
                    rule(
                            "encryption.fips-enabled",
                            BOOLEAN,
                            "false",
                            "KMS's FIPS endpoint",
                            (e, s, v) -> e.fipsEnabled(ConfigValues.bool(v)))),
            (b, encryption) ->
                    b.envelopeEncryption(Objects.requireNonNull(encryption).build()));

    private static final Group<Coalescing> COALESCING = new Group<>(
            rule(
                    "coalescing",
                    "newline, length-prefixed or none",
                    "none",
                    "packing small records together",
                    (c, s, v) -> coalescing(v)),
            List.of(rule(
                    "coalescing.max-record-bytes",
                    SIZE,
                    "64000",
                    "the largest packed record",
                    (c, s, v) -> c.maxRecordBytes(ConfigValues.intBytes(v)))),
            (b, coalescing) -> {
                if (coalescing != null) {
                    b.coalescing(coalescing);
                }
            });

    private static final Group<Spill> SPILL = new Group<>(
            rule(
                    "spill.directory",
                    "directory path",
                    "none (off)",
                    "where records wait out an outage",
                    (p, s, v) -> Spill.toDirectory(path(v))),
            List.of(
                    rule(
                            "spill.max-bytes",
                            SIZE,
                            "1GiB",
                            "the spill's bound on disk",
                            (p, s, v) -> p.maxBytes(ConfigValues.bytes(v))),
                    rule(
                            "spill.replay-interval",
                            DURATION,
                            "30s",
                            "how often replay is tried",
                            (p, s, v) -> p.replayInterval(ConfigValues.duration(v))),
                    rule(
                            "spill.allow-plaintext",
                            BOOLEAN,
                            "false",
                            "spill without encryption",
                            (p, s, v) -> ConfigValues.bool(v) ? p.allowPlaintext() : p)),
            (b, spill) -> b.spill(Objects.requireNonNull(spill)));

    static final List<Group<?>> GROUPS = List.of(TRUST, WEB_IDENTITY, ASSUME_ROLE, ENCRYPTION, COALESCING, SPILL);

    private static <T> Rule<T> rule(String name, String type, String defaultValue, String description, Setter<T> set) {
        return new Rule<>(new ProducerProperties.Key(name, type, defaultValue, description), set);
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: " + e.getReason(), e);
        }
    }

    private static Path path(String text) {
        return Path.of(text);
    }

    private static RequestPath requestPath(String text) {
        for (RequestPath path : RequestPath.values()) {
            if (path.name().equalsIgnoreCase(text.replace('-', '_'))) {
                return path;
            }
        }
        throw new IllegalArgumentException("not a request path");
    }

    private static TlsEngine tlsEngine(String text) {
        for (TlsEngine engine : TlsEngine.values()) {
            if (engine.name().equalsIgnoreCase(text)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("not a TLS engine");
    }

    private static @Nullable Coalescing coalescing(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "newline" -> Coalescing.newlineDelimited();
            case "length-prefixed" -> Coalescing.lengthPrefixed();
            case "none" -> null;
            default -> throw new IllegalArgumentException("not a coalescing framing");
        };
    }

    private static AssumeRole.Builder condition(AssumeRole.Builder role, String text) {
        String[] parts = text.split("\\s+", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a condition is three words: operator, key, value");
        }
        return role.sessionPolicyCondition(parts[0], parts[1], parts[2]);
    }
}
