package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.testkit.CapturedRequest;
import io.securefirehose.testkit.Fault;
import io.securefirehose.testkit.FaultPlan;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * What a LocalFirehose knows between calls: its streams, the credentials it accepts, the STS and KMS it serves, the
 * captured requests, the scripted and planned faults. {@code LocalFirehose} exposes it to tests; the request
 * handler reads and updates it while serving calls. Thread-safe: calls are served on several event-loop threads,
 * and {@link #reset()} waits for the calls being served.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class ServerState {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String accountId;
    private final String region;
    private final Map<String, String> sourceVpces;
    private final Clock clock;
    private final boolean keepsRecordData;
    private final boolean requireSessionCredentials;
    private final LocalSts sts;
    private final LocalKms kms;
    private final String instanceId = randomHex(8);
    private final Map<String, LocalStream> streams = new ConcurrentHashMap<>();
    private final Map<String, AwsBasicCredentials> credentialsByKey = new ConcurrentHashMap<>();
    private final Queue<CapturedRequest> requests = new ConcurrentLinkedQueue<>();
    private final Queue<Fault> scriptedFaults = new ConcurrentLinkedQueue<>();
    private final AtomicLong requestSequence = new AtomicLong();
    private final ReentrantReadWriteLock handlingState = new ReentrantReadWriteLock();
    private final ByteCounter applicationBytes = new ByteCounter();
    private volatile FaultPlan faultPlan;

    /**
     * @param accountId the account in ARNs
     * @param region the region in ARNs and in the condition key {@code aws:RequestedRegion}
     * @param sourceVpces per service ({@code firehose}, {@code kms}, {@code sts}), the VPC endpoint id its calls
     *     are taken to arrive through (the condition key {@code aws:SourceVpce})
     * @param clock the clock of issued sessions and delivered objects
     * @param keepsRecordData whether record bytes are kept (captured or written as objects)
     * @param requireSessionCredentials whether Firehose calls must be signed with credentials STS issued here
     * @param sts the STS served here
     * @param kms the KMS served here
     * @param faultPlan the faults drawn for each call
     */
    public ServerState(
            String accountId,
            String region,
            Map<String, String> sourceVpces,
            Clock clock,
            boolean keepsRecordData,
            boolean requireSessionCredentials,
            LocalSts sts,
            LocalKms kms,
            FaultPlan faultPlan) {
        this.accountId = accountId;
        this.region = region;
        this.sourceVpces = Map.copyOf(sourceVpces);
        this.clock = clock;
        this.keepsRecordData = keepsRecordData;
        this.requireSessionCredentials = requireSessionCredentials;
        this.sts = sts;
        this.kms = kms;
        this.faultPlan = faultPlan;
    }

    /** A random lower-case hex string of {@code bytes} random bytes. */
    public static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** Accepts calls signed with these credentials (replacing a pair with the same key id). */
    public void acceptCredentials(AwsBasicCredentials credentials) {
        credentialsByKey.put(credentials.accessKeyId(), credentials);
    }

    /** Refuses calls signed with this key id from now on. */
    public void revokeCredentials(String accessKeyId) {
        credentialsByKey.remove(accessKeyId);
    }

    /** The secret of a key id: a long-term pair accepted here, or a session STS issued here. */
    public Optional<SigV4Verifier.Known> lookupCredentials(String accessKeyId) {
        AwsBasicCredentials longTerm = credentialsByKey.get(accessKeyId);
        if (longTerm != null) {
            return Optional.of(new SigV4Verifier.Known(longTerm, null, null));
        }
        return sts.issuedCredentials(accessKeyId);
    }

    /** The stream of that name, created with {@code create} if it is new. */
    public LocalStream stream(String name, Function<String, LocalStream> create) {
        return streams.computeIfAbsent(name, create);
    }

    /** The stream of that name, or {@code null}. */
    public @Nullable LocalStream stream(String name) {
        return streams.get(name);
    }

    /** Every stream. */
    public Collection<LocalStream> streams() {
        return streams.values();
    }

    /** The captured requests in the order they arrived. */
    public List<CapturedRequest> requests() {
        List<CapturedRequest> list = new ArrayList<>(requests);
        list.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        return list;
    }

    /** Records a served request. */
    public void recordRequest(CapturedRequest request) {
        requests.add(request);
    }

    /** Numbers the next call, from 1. */
    public long nextSequence() {
        return requestSequence.incrementAndGet();
    }

    /** Its read lock is held while a call is served; {@link #reset()} takes its write lock. */
    public ReentrantReadWriteLock callHandling() {
        return handlingState;
    }

    /** Queues faults for the next calls, one each. */
    public void enqueueFault(Fault fault) {
        scriptedFaults.add(fault);
    }

    /** The next scripted fault, or {@code null}. */
    public @Nullable Fault nextScriptedFault() {
        return scriptedFaults.poll();
    }

    /** Draws each call's faults from {@code plan} from now on. */
    public void faultPlan(FaultPlan plan) {
        this.faultPlan = plan;
    }

    /** The plan each call's faults are drawn from. */
    public FaultPlan faultPlan() {
        return faultPlan;
    }

    /** Counts the bytes and connections of every connection. */
    public ByteCounter applicationBytes() {
        return applicationBytes;
    }

    /**
     * Forgets captured calls, records, STS and KMS calls and faults, after the calls being served finished, so
     * that none of them is captured after the reset.
     */
    public void reset() {
        Lock exclusive = handlingState.writeLock();
        exclusive.lock();
        try {
            for (LocalStream stream : streams.values()) {
                stream.clear();
            }
            requests.clear();
            sts.reset();
            kms.reset();
            requestSequence.set(0);
            applicationBytes.reset();
            scriptedFaults.clear();
            faultPlan = FaultPlan.none();
        } finally {
            exclusive.unlock();
        }
    }

    /** Cuts objects whose oldest record reached the age threshold. */
    public void cutOldObjects() {
        for (LocalStream stream : streams.values()) {
            S3StyleWriter writer = stream.writer();
            if (writer != null) {
                writer.cutIfOld();
            }
        }
    }

    /** Writes every stream's buffered records as objects now. */
    public void flushDeliveries() {
        for (LocalStream stream : streams.values()) {
            S3StyleWriter writer = stream.writer();
            if (writer != null) {
                writer.flush();
            }
        }
    }

    /** Whether record bytes are kept (captured or written as objects). */
    public boolean keepsRecordData() {
        return keepsRecordData;
    }

    /** This server's random id, part of the record ids it issues. */
    public String instanceId() {
        return instanceId;
    }

    /** The clock of issued sessions and delivered objects. */
    public Clock clock() {
        return clock;
    }

    /** The ARN of a delivery stream of this account and region, served here or not. */
    public String streamArn(String name) {
        return "arn:" + Partitions.of(region) + ":firehose:" + region + ":" + accountId + ":deliverystream/" + name;
    }

    /**
     * Whether the session that signed a call may act on a resource ({@link LocalSts#denial}), given the call's
     * condition keys: {@code aws:RequestedRegion}, {@code aws:SourceVpce} where configured for the action's service
     * (which then drops {@code aws:SourceIp}), and {@code keys}.
     *
     * @param caller the access key id that signed the call
     * @param action {@code service:Operation}
     * @param resource the ARN acted on
     * @param keys the call's own condition keys: {@code aws:SourceIp}, and for KMS
     *     {@code kms:EncryptionContext:<name>}
     * @return the refusal, or {@code null} when the call is allowed
     */
    public @Nullable String denial(@Nullable String caller, String action, String resource, Map<String, String> keys) {
        Map<String, String> context = new LinkedHashMap<>(keys);
        context.put("aws:RequestedRegion", region);
        String sourceVpce = sourceVpces.get(action.substring(0, action.indexOf(':')));
        if (sourceVpce != null) {
            // As in AWS: through a VPC endpoint a call has a source endpoint and no public source address.
            context.put("aws:SourceVpce", sourceVpce);
            context.remove("aws:SourceIp");
        }
        return sts.denial(caller, action, resource, context);
    }

    /** The account in ARNs. */
    public String accountId() {
        return accountId;
    }

    /** The partition of this endpoint's region, in every ARN it hands out. */
    public String partition() {
        return Partitions.of(region);
    }

    /** The KMS served here. */
    public LocalKms kms() {
        return kms;
    }

    /** The STS served here. */
    public LocalSts sts() {
        return sts;
    }

    /** Whether Firehose calls must be signed with credentials STS issued here. */
    public boolean requiresSessionCredentials() {
        return requireSessionCredentials;
    }

    /** Whether the key id is a session STS issued here. */
    public boolean isIssuedSession(String accessKeyId) {
        return sts.issuedCredentials(accessKeyId).isPresent();
    }
}
