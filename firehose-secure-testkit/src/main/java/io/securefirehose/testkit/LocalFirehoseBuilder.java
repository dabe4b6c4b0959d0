package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** Configures and starts a {@link LocalFirehose} ({@link LocalFirehose#builder()}). Not thread-safe. */
@API(status = STABLE, since = "0.1.0")
public final class LocalFirehoseBuilder {

    // Package-private: LocalFirehose reads them when it starts.
    final Set<String> streams = new LinkedHashSet<>();
    final List<AwsBasicCredentials> credentials = new ArrayList<>();
    String region = LocalFirehose.DEFAULT_REGION;
    String accountId = LocalFirehose.DEFAULT_ACCOUNT_ID;
    String bindAddress = "127.0.0.1";
    int port;
    int ioThreads = 2;
    boolean captureRecords = true;
    boolean acknowledgeOnly;

    @Nullable
    Path outputDirectory;

    long objectBytes = 5L * 1024 * 1024;
    Duration objectAge = Duration.ofSeconds(60);
    boolean gzip;
    FaultPlan faultPlan = FaultPlan.none();
    Clock clock = Clock.systemUTC();
    String[] tlsProtocols = {"TLSv1.3", "TLSv1.2"};

    @Nullable
    List<String> tlsCipherSuites;

    List<String> certificateHostNames = List.of("localhost");
    Instant certificateNotBefore = Instant.now().minus(Duration.ofHours(1));
    Instant certificateNotAfter = Instant.now().plus(Duration.ofDays(30));
    String certificateKeyAlgorithm = "EC";
    final Map<String, Optional<String>> roles = new LinkedHashMap<>();
    final Map<String, String> webIdentityRoles = new LinkedHashMap<>();

    @Nullable
    Duration sessionDuration;

    boolean requireSessionCredentials;
    final Map<String, String> sourceVpces = new LinkedHashMap<>();
    final Map<String, List<String>> kmsKeys = new LinkedHashMap<>();
    final Map<String, StreamPosture> postures = new LinkedHashMap<>();
    final Map<String, StreamQuota> quotas = new LinkedHashMap<>();

    @Nullable
    StreamQuota quotaForAllStreams;

    LocalFirehoseBuilder() {}

    /**
     * A KMS master key that {@code GenerateDataKey} and {@code Decrypt} accept, by id, by ARN
     * ({@link LocalFirehose#kmsKeyArn}) or by one of its aliases. Its secret is random and lives only in this
     * server.
     *
     * @param keyId the key's id, for example a UUID
     * @param aliases alias names, each {@code alias/<name>}
     * @return this builder
     */
    public LocalFirehoseBuilder kmsKey(String keyId, String... aliases) {
        Objects.requireNonNull(keyId, "keyId");
        if (!keyId.matches("[a-zA-Z0-9-]{1,64}")) {
            throw new IllegalArgumentException("kmsKey id must be 1 to 64 letters, digits or '-', was '" + keyId + "'");
        }
        for (String alias : aliases) {
            if (!alias.matches("alias/[a-zA-Z0-9/_-]{1,250}")) {
                throw new IllegalArgumentException("kmsKey alias must be alias/<name>, was '" + alias + "'");
            }
        }
        kmsKeys.put(keyId, List.of(aliases));
        return this;
    }

    /**
     * Treats a service's calls as arriving through a VPC interface endpoint: session policies see this id as the
     * condition key {@code aws:SourceVpce} of that service's calls (without it, the key is absent, and a policy
     * that requires it denies the call, as IAM would for a call from outside the endpoint).
     *
     * @param service {@code firehose}, {@code kms} or {@code sts}
     * @param vpcEndpointId the endpoint's id, {@code vpce-<hex>}
     * @return this builder
     */
    public LocalFirehoseBuilder sourceVpce(String service, String vpcEndpointId) {
        if (!List.of("firehose", "kms", "sts").contains(service)) {
            throw new IllegalArgumentException(
                    "sourceVpce service must be firehose, kms or sts, was '" + service + "'");
        }
        if (!vpcEndpointId.matches("vpce-[0-9a-f]{8,17}")) {
            throw new IllegalArgumentException(
                    "sourceVpce id must look like vpce-0123456789abcdef0, was '" + vpcEndpointId + "'");
        }
        sourceVpces.put(service, vpcEndpointId);
        return this;
    }

    /**
     * Accepts Firehose calls only when they are signed with temporary credentials this server's STS issued (and
     * which have not expired): proof that a client really uses its assumed role. Long-term credentials are then
     * good only for calling STS.
     *
     * @param required whether Firehose calls need issued session credentials
     * @return this builder
     */
    public LocalFirehoseBuilder requireSessionCredentials(boolean required) {
        this.requireSessionCredentials = required;
        return this;
    }

    /**
     * A role STS {@code AssumeRole} may hand out, to any caller with accepted credentials.
     *
     * @param roleArn {@code arn:<partition>:iam::<account>:role/<name>}
     * @return this builder
     */
    public LocalFirehoseBuilder role(String roleArn) {
        roles.put(Objects.requireNonNull(roleArn, "roleArn"), Optional.empty());
        return this;
    }

    /**
     * A role STS {@code AssumeRole} hands out only with this external id.
     *
     * @param roleArn {@code arn:<partition>:iam::<account>:role/<name>}
     * @param externalId the external id callers must send
     * @return this builder
     */
    public LocalFirehoseBuilder role(String roleArn, String externalId) {
        roles.put(Objects.requireNonNull(roleArn, "roleArn"), Optional.of(externalId));
        return this;
    }

    /**
     * A role STS {@code AssumeRoleWithWebIdentity} hands out (unsigned, as in AWS) to whoever presents this
     * token, the way an EKS service account's projected token works.
     *
     * @param roleArn {@code arn:<partition>:iam::<account>:role/<name>}
     * @param token the web identity token callers must send
     * @return this builder
     */
    public LocalFirehoseBuilder webIdentityRole(String roleArn, String token) {
        webIdentityRoles.put(Objects.requireNonNull(roleArn, "roleArn"), Objects.requireNonNull(token, "token"));
        return this;
    }

    /**
     * Issues session credentials valid for this long, whatever duration the caller asked for (to test refresh
     * and expiry without waiting).
     *
     * @param duration validity of issued credentials
     * @return this builder
     */
    public LocalFirehoseBuilder sessionDuration(Duration duration) {
        this.sessionDuration = Objects.requireNonNull(duration, "duration");
        return this;
    }

    /**
     * TLS versions the server offers, for testing clients against weak or unusual setups. Default TLS 1.3 and
     * 1.2.
     *
     * @param protocols for example {@code "TLSv1"}, {@code "TLSv1.1"}, {@code "TLSv1.2"}, {@code "TLSv1.3"}
     * @return this builder
     */
    public LocalFirehoseBuilder tlsProtocols(String... protocols) {
        if (protocols.length == 0) {
            throw new IllegalArgumentException("tlsProtocols needs at least one protocol");
        }
        this.tlsProtocols = protocols.clone();
        return this;
    }

    /**
     * Cipher suites the server offers (standard names). Default: the TLS library's own choice.
     *
     * @param suites for example {@code "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}
     * @return this builder
     */
    public LocalFirehoseBuilder tlsCipherSuites(String... suites) {
        this.tlsCipherSuites = List.of(suites);
        return this;
    }

    /**
     * Host names the server certificate is valid for. Default {@code localhost} (plus {@code 127.0.0.1} and
     * {@code ::1}); anything else makes a certificate that a client connecting to {@code localhost} refuses.
     *
     * @param hostNames DNS names
     * @return this builder
     */
    public LocalFirehoseBuilder certificateHostNames(String... hostNames) {
        this.certificateHostNames = List.of(hostNames);
        return this;
    }

    /**
     * Validity of the server certificate. Default: from an hour ago for 30 days.
     *
     * @param notBefore start
     * @param notAfter end; in the past for an expired certificate
     * @return this builder
     */
    public LocalFirehoseBuilder certificateValidity(Instant notBefore, Instant notAfter) {
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("certificate validity must end after it starts");
        }
        this.certificateNotBefore = notBefore;
        this.certificateNotAfter = notAfter;
        return this;
    }

    /**
     * Key type of the server certificate. Default {@code EC}; {@code RSA} is needed to offer RSA key exchange
     * and {@code ECDHE_RSA} suites.
     *
     * @param algorithm {@code EC} or {@code RSA}
     * @return this builder
     */
    public LocalFirehoseBuilder certificateKeyAlgorithm(String algorithm) {
        if (!"EC".equals(algorithm) && !"RSA".equals(algorithm)) {
            throw new IllegalArgumentException("certificateKeyAlgorithm must be EC or RSA, was " + algorithm);
        }
        this.certificateKeyAlgorithm = algorithm;
        return this;
    }

    /**
     * Serves a delivery stream.
     *
     * @param name stream name
     * @return this builder
     */
    public LocalFirehoseBuilder stream(String name) {
        Objects.requireNonNull(name, "name");
        if (!LocalFirehose.STREAM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("stream name must be 1 to 64 of [a-zA-Z0-9_.-], was '" + name + "'");
        }
        streams.add(name);
        return this;
    }

    /**
     * A stream with the given security configuration (default {@link StreamPosture#unprotected()}).
     *
     * @param name the stream's name
     * @param posture what {@code DescribeDeliveryStream} reports, and whether answers say
     *     {@code Encrypted=true}
     * @return this builder
     */
    public LocalFirehoseBuilder stream(String name, StreamPosture posture) {
        stream(name);
        postures.put(name, Objects.requireNonNull(posture, "posture"));
        return this;
    }

    /**
     * Enforces a direct-PUT quota on a stream (see {@link StreamQuota}); default none.
     *
     * @param name the stream's name (also created, as with {@link #stream(String)})
     * @param quota its quota
     * @return this builder
     */
    public LocalFirehoseBuilder quota(String name, StreamQuota quota) {
        stream(name);
        quotas.put(name, Objects.requireNonNull(quota, "quota"));
        return this;
    }

    /**
     * Enforces a direct-PUT quota on every stream that has none of its own; default none.
     *
     * @param quota the quota
     * @return this builder
     */
    public LocalFirehoseBuilder quotaForAllStreams(StreamQuota quota) {
        this.quotaForAllStreams = Objects.requireNonNull(quota, "quota");
        return this;
    }

    /**
     * @param region region requests must be signed for; default {@value LocalFirehose#DEFAULT_REGION}
     * @return this builder
     */
    public LocalFirehoseBuilder region(String region) {
        this.region = Objects.requireNonNull(region, "region");
        return this;
    }

    /**
     * @param accountId 12-digit account id used in ARNs
     * @return this builder
     */
    public LocalFirehoseBuilder accountId(String accountId) {
        if (!accountId.matches("\\d{12}")) {
            throw new IllegalArgumentException("accountId must be 12 digits, was '" + accountId + "'");
        }
        this.accountId = accountId;
        return this;
    }

    /**
     * Accepts these credentials; the first pair added is the one {@link LocalFirehose#credentials()} returns. Default: one
     * random pair.
     *
     * @param accessKeyId access key id
     * @param secretAccessKey secret access key
     * @return this builder
     */
    public LocalFirehoseBuilder credentials(String accessKeyId, String secretAccessKey) {
        credentials.add(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
        return this;
    }

    /**
     * @param port TCP port; 0 (default) picks a free one
     * @return this builder
     */
    public LocalFirehoseBuilder port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        this.port = port;
        return this;
    }

    /**
     * @param address loopback address to bind; default {@code 127.0.0.1}
     * @return this builder
     */
    public LocalFirehoseBuilder bindAddress(String address) {
        Objects.requireNonNull(address, "address");
        try {
            for (InetAddress resolved : InetAddress.getAllByName(address)) {
                if (!resolved.isLoopbackAddress()) {
                    throw new IllegalArgumentException(
                            "LocalFirehose binds only to loopback addresses, was " + address);
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown bind address " + address, e);
        }
        this.bindAddress = address;
        return this;
    }

    /**
     * @param threads event-loop threads serving connections; default 2
     * @return this builder
     */
    public LocalFirehoseBuilder ioThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1, was " + threads);
        }
        this.ioThreads = threads;
        return this;
    }

    /**
     * @param capture whether to keep every accepted record in memory (default true); turn off for long load runs,
     *     counts are kept either way
     * @return this builder
     */
    public LocalFirehoseBuilder captureRecords(boolean capture) {
        this.captureRecords = capture;
        return this;
    }

    /**
     * Benchmarks only, and only through {@code LocalFirehoseMain --acknowledge-only}: every {@code PutRecordBatch}
     * is answered as accepted without checking its signature, decoding, storing or counting its records.
     */
    LocalFirehoseBuilder acknowledgeOnly() {
        this.acknowledgeOnly = true;
        return this;
    }

    /**
     * Writes accepted records to this directory as S3-style objects.
     *
     * @param directory output directory
     * @return this builder
     */
    public LocalFirehoseBuilder outputDirectory(Path directory) {
        this.outputDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /**
     * When objects are cut: at {@code bytes} buffered, or when the oldest buffered record is {@code age} old.
     * Default 5 MiB and 60 s, Firehose's usual buffering hints are 1-128 MiB and 0-900 s.
     *
     * @param bytes size threshold, at least 1
     * @param age age threshold, more than zero
     * @return this builder
     */
    public LocalFirehoseBuilder deliveryBuffering(long bytes, Duration age) {
        if (bytes < 1 || age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException(
                    "deliveryBuffering needs bytes >= 1 and age > 0, was " + bytes + ", " + age);
        }
        this.objectBytes = bytes;
        this.objectAge = age;
        return this;
    }

    /**
     * @param gzip whether objects are gzip-compressed, like a stream with {@code CompressionFormat=GZIP}
     * @return this builder
     */
    public LocalFirehoseBuilder gzip(boolean gzip) {
        this.gzip = gzip;
        return this;
    }

    /**
     * @param plan random faults to inject from the start
     * @return this builder
     */
    public LocalFirehoseBuilder faults(FaultPlan plan) {
        this.faultPlan = Objects.requireNonNull(plan, "plan");
        return this;
    }

    /**
     * @param clock clock that issued STS sessions expire by, and that names and ages delivered objects
     *     (signature times are always checked against the real clock, which clients sign with)
     * @return this builder
     */
    public LocalFirehoseBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Starts the server.
     *
     * @return the running server
     */
    public LocalFirehose start() {
        if (streams.isEmpty()) {
            streams.add("local-stream");
        }
        try {
            return new LocalFirehose(this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting LocalFirehose", e);
        }
    }
}
