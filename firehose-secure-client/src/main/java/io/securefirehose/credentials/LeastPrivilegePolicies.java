package io.securefirehose.credentials;

import static io.securefirehose.credentials.PolicyJson.document;
import static io.securefirehose.credentials.PolicyJson.map;
import static io.securefirehose.credentials.PolicyJson.statement;
import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.internal.aws.AwsNames;
import io.securefirehose.internal.text.JsonText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * The IAM documents a producer needs and nothing more, generated for one delivery stream (and optionally one KMS
 * key, the Firehose and KMS VPC endpoints, the role the producer assumes and the principal that assumes it). Output
 * is deterministic JSON, so it can be reviewed, diffed and checked into infrastructure code; {@code docs/iam.md}
 * explains every statement.
 *
 * <p>Principals: the <em>signer</em> is the identity whose credentials sign the Firehose and KMS calls: the
 * {@link Builder#roleArn role} when the producer assumes one (its sessions sign), otherwise the
 * {@link Builder#principalArn principal}. The key policy and the VPC endpoint policy name the signer; the trust
 * policy lets the principal assume the role.
 *
 * <ul>
 *   <li>{@link #producerIdentityPolicy()}: attach to the producer's role. {@code PutRecord} and
 *       {@code PutRecordBatch} on exactly the stream (only through the VPC endpoint, when one is given);
 *       {@code kms:GenerateDataKey} on exactly the key, only with this stream in the encryption context.
 *   <li>{@link #sessionPolicy()}: the inline policy sent with {@code sts:AssumeRole}; it narrows even a broad role
 *       to the same permissions for the session.
 *   <li>{@link #roleTrustPolicy()}: who may assume the role, with the external id (and
 *       {@code sts:SetSourceIdentity} / {@code sts:TagSession} when used).
 *   <li>{@link #kmsKeyPolicyStatements()}: statements for the key policy: the producer may generate data keys, a
 *       consumer may decrypt them, both bound to this stream by the encryption context.
 *   <li>{@link #vpcEndpointPolicy()}: limits the VPC endpoint to putting records into this stream, for this
 *       principal.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class LeastPrivilegePolicies {

    /**
     * Encryption-context key under which client-side envelope encryption records the delivery stream's ARN, and
     * which the KMS conditions here require.
     */
    public static final String STREAM_CONTEXT_KEY = "firehose-secure:delivery-stream";

    /** The most characters AWS accepts for an inline session policy. */
    public static final int MAX_SESSION_POLICY_CHARS = 2048;

    private static final String STREAM_ARN_FORM = "arn:aws:firehose:<region>:<account>:deliverystream/<name>";

    private final List<String> streamArns;
    private final @Nullable String kmsKeyArn;
    private final @Nullable String vpcEndpointId;
    private final @Nullable String kmsVpcEndpointId;
    private final @Nullable String roleArn;
    private final @Nullable String principalArn;
    private final @Nullable String consumerPrincipalArn;
    private final @Nullable String externalId;
    private final boolean sourceIdentity;
    private final boolean sessionTags;
    private final boolean describeStream;
    private final Map<String, Map<String, String>> extraConditions;

    private LeastPrivilegePolicies(Builder b) {
        Map<String, Map<String, String>> extra = new LinkedHashMap<>();
        b.extraConditions.forEach((operator, keys) -> extra.put(operator, Map.copyOf(keys)));
        this.extraConditions = extra;
        this.streamArns = List.copyOf(b.streamArns);
        this.kmsKeyArn = b.kmsKeyArn;
        this.vpcEndpointId = b.vpcEndpointId;
        this.kmsVpcEndpointId = b.kmsVpcEndpointId;
        this.roleArn = b.roleArn;
        this.principalArn = b.principalArn;
        this.consumerPrincipalArn = b.consumerPrincipalArn;
        this.externalId = b.externalId;
        this.sourceIdentity = b.sourceIdentity;
        this.sessionTags = b.sessionTags;
        this.describeStream = b.describeStream;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The id of a VPC interface endpoint, read from one of its DNS names.
     *
     * @param dnsName for example {@code vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com}
     * @return {@code vpce-0a1b2c3d4e5f67890}, or {@code null} if the name is not a VPC endpoint name (for example
     *     a private DNS name, which does not carry the id)
     */
    public static @Nullable String vpcEndpointIdOf(String dnsName) {
        Matcher matcher = AwsNames.VPC_ENDPOINT_DNS_NAME.matcher(dnsName.toLowerCase(Locale.ROOT));
        return matcher.matches() ? matcher.group(1) : null;
    }

    /** @return the identity policy for the producer's role */
    public String producerIdentityPolicy() {
        return JsonText.render(document(producerStatements()));
    }

    /**
     * The inline session policy for {@code sts:AssumeRole}: the same permissions as the identity policy, so that a
     * session of a broader role can do no more.
     *
     * @return the session policy, at most {@value #MAX_SESSION_POLICY_CHARS} characters once minified
     */
    public String sessionPolicy() {
        return JsonText.render(document(producerStatements()));
    }

    /**
     * The session policy without whitespace, as sent to STS.
     *
     * @return the minified session policy
     * @throws IllegalStateException if it is longer than AWS accepts
     */
    public String sessionPolicyMinified() {
        String minified = JsonText.minify(sessionPolicy());
        if (minified.length() > MAX_SESSION_POLICY_CHARS) {
            throw new IllegalStateException("the session policy is " + minified.length() + " characters, more than the "
                    + MAX_SESSION_POLICY_CHARS + " STS accepts");
        }
        return minified;
    }

    /**
     * @return the trust policy of the producer's role: the {@linkplain Builder#principalArn principal} may assume
     *     it
     * @throws IllegalStateException if no principal was given
     */
    public String roleTrustPolicy() {
        String principal = require(principalArn, "principalArn", "the trust policy names who may assume the role");
        List<String> actions = new ArrayList<>(List.of("sts:AssumeRole"));
        if (sourceIdentity) {
            actions.add("sts:SetSourceIdentity");
        }
        if (sessionTags) {
            actions.add("sts:TagSession");
        }
        Map<String, Object> statement =
                statement("AssumedOnlyByTheProducer", principal, actions.size() == 1 ? actions.get(0) : actions);
        if (externalId != null) {
            statement.put("Condition", map("StringEquals", map("sts:ExternalId", externalId)));
        }
        return JsonText.render(document(List.of(statement)));
    }

    /**
     * Statements to add to the KMS key's policy (a key policy's {@code Resource} is always {@code *}: the key
     * itself).
     *
     * @return a JSON array of statements
     * @throws IllegalStateException if no KMS key or no producer principal was given
     */
    public String kmsKeyPolicyStatements() {
        require(kmsKeyArn, "kmsKeyArn", "there is no key to write a policy for");
        String producer = signer("the key policy names the identity that signs the producer's KMS calls");
        List<Object> statements = new ArrayList<>();
        Map<String, Object> generate =
                statement("ProducerGeneratesDataKeysForThisStream", producer, "kms:GenerateDataKey");
        generate.put("Resource", "*");
        generate.put("Condition", generateDataKeyCondition());
        statements.add(generate);
        if (consumerPrincipalArn != null) {
            Map<String, Object> decrypt =
                    statement("ConsumerDecryptsDataKeysOfThisStream", consumerPrincipalArn, "kms:Decrypt");
            decrypt.put("Resource", "*");
            decrypt.put("Condition", streamContextCondition());
            statements.add(decrypt);
        }
        return JsonText.render(statements);
    }

    /**
     * @return the policy for the Firehose VPC interface endpoint: only the signer, only into this stream
     * @throws IllegalStateException if neither a role nor a principal was given
     */
    public String vpcEndpointPolicy() {
        String principal = signer("the endpoint policy names the identity that signs the calls through it");
        Map<String, Object> statement = statement("OnlyThisPrincipalIntoThisStream", principal, putActions());
        statement.put("Resource", streams());
        return JsonText.render(document(List.of(statement)));
    }

    private List<Object> producerStatements() {
        List<Object> statements = new ArrayList<>();
        Map<String, Object> put = statement("PutRecordsIntoThisStreamOnly", null, putActions());
        put.put("Resource", streams());
        if (vpcEndpointId != null) {
            put.put("Condition", map("StringEquals", map("aws:SourceVpce", vpcEndpointId)));
        }
        statements.add(put);
        narrow(put);
        if (describeStream) {
            Map<String, Object> describe = statement("DescribeThisStream", null, "firehose:DescribeDeliveryStream");
            describe.put("Resource", streams());
            if (vpcEndpointId != null) {
                // The posture check calls the same endpoint as the puts.
                describe.put("Condition", map("StringEquals", map("aws:SourceVpce", vpcEndpointId)));
            }
            narrow(describe);
            statements.add(describe);
        }
        if (kmsKeyArn != null) {
            Map<String, Object> generate = statement("GenerateDataKeysForThisStreamOnly", null, "kms:GenerateDataKey");
            generate.put("Resource", kmsKeyArn);
            generate.put("Condition", generateDataKeyCondition());
            narrow(generate);
            statements.add(generate);
        }
        return statements;
    }

    /** Adds the caller's extra conditions to a statement: conditions only ever narrow an Allow. */
    @SuppressWarnings("unchecked")
    private void narrow(Map<String, Object> statement) {
        if (extraConditions.isEmpty()) {
            return;
        }
        Map<String, Object> condition =
                (Map<String, Object>) statement.computeIfAbsent("Condition", k -> new LinkedHashMap<String, Object>());
        extraConditions.forEach((operator, keys) -> {
            Map<String, Object> entries =
                    (Map<String, Object>) condition.computeIfAbsent(operator, k -> new LinkedHashMap<String, Object>());
            keys.forEach(entries::putIfAbsent);
        });
    }

    /** One stream's ARN, or the list of them: a condition with a list matches any of its values. */
    private Object streams() {
        return streamArns.size() == 1 ? streamArns.get(0) : streamArns;
    }

    private Object putActions() {
        return List.of("firehose:PutRecord", "firehose:PutRecordBatch");
    }

    private Map<String, Object> streamContextCondition() {
        return map("StringEquals", map("kms:EncryptionContext:" + STREAM_CONTEXT_KEY, streams()));
    }

    /** This stream's context and, with a KMS VPC endpoint, only through it. */
    private Map<String, Object> generateDataKeyCondition() {
        Map<String, Object> equals = map("kms:EncryptionContext:" + STREAM_CONTEXT_KEY, streams());
        if (kmsVpcEndpointId != null) {
            equals.put("aws:SourceVpce", kmsVpcEndpointId);
        }
        return map("StringEquals", equals);
    }

    /** The identity whose credentials sign the producer's calls: the assumed role, else the principal. */
    private String signer(String why) {
        if (roleArn != null) {
            return roleArn;
        }
        return require(principalArn, "roleArn or principalArn", why);
    }

    private static String require(@Nullable String value, String option, String why) {
        if (value == null) {
            throw new IllegalStateException(option + " is required for this document: " + why);
        }
        return value;
    }

    /** Collects and checks the inputs; every setter refuses a malformed value naming it. Not thread-safe. */
    public static final class Builder {
        private final List<String> streamArns = new ArrayList<>();
        private @Nullable String kmsKeyArn;
        private @Nullable String vpcEndpointId;
        private @Nullable String kmsVpcEndpointId;
        private @Nullable String roleArn;
        private @Nullable String principalArn;
        private @Nullable String consumerPrincipalArn;
        private @Nullable String externalId;
        private boolean sourceIdentity;
        private boolean sessionTags;
        private boolean describeStream;
        private final Map<String, Map<String, String>> extraConditions = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Narrows every producer statement further with an IAM condition, for example
         * {@code condition("IpAddress", "aws:SourceIp", "10.20.0.0/16")}. A condition can only restrict when an
         * Allow applies, never widen it.
         *
         * @param operator an IAM condition operator, for example {@code StringEquals} or {@code IpAddress}
         * @param key a condition key, for example {@code aws:SourceIp}
         * @param value the value
         * @return this builder
         */
        public Builder condition(String operator, String key, String value) {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (!operator.matches("[A-Za-z]+(IfExists)?") || !key.matches("[\\w:/.-]{3,128}")) {
                throw new IllegalArgumentException(
                        "condition needs an IAM operator and key such as IpAddress / aws:SourceIp, was " + operator
                                + " / " + key);
            }
            extraConditions
                    .computeIfAbsent(operator, k -> new LinkedHashMap<>())
                    .put(key, value);
            return this;
        }

        /**
         * @param arn {@code arn:aws:firehose:<region>:<account>:deliverystream/<name>}; required
         * @return this builder
         */
        public Builder streamArn(String arn) {
            return streamArns(List.of(arn));
        }

        /**
         * Several streams of one region and account, as for a {@code SecureFirehoseClient} whose producers share a
         * role: every document then names each of them (a longer session policy).
         *
         * @param arns the streams' ARNs, each as for {@link #streamArn}; at least one
         * @return this builder
         */
        public Builder streamArns(List<String> arns) {
            if (arns.isEmpty()) {
                throw new IllegalArgumentException("streamArns must name at least one stream");
            }
            List<String> checked = new ArrayList<>();
            arns.forEach(arn -> checked.add(check(arn, AwsNames.STREAM_ARN, "streamArn", STREAM_ARN_FORM)));
            streamArns.clear();
            streamArns.addAll(checked);
            return this;
        }

        /**
         * @param arn {@code arn:aws:kms:<region>:<account>:key/<key-id>} (a key ARN, not an alias)
         * @return this builder
         */
        public Builder kmsKeyArn(String arn) {
            this.kmsKeyArn = check(arn, AwsNames.KEY_ARN, "kmsKeyArn", "arn:aws:kms:<region>:<account>:key/<key-id>");
            return this;
        }

        /**
         * The Firehose VPC interface endpoint: the producer's Firehose statements then require
         * {@code aws:SourceVpce} to be it, so the credentials (or a stolen session) cannot put records from outside
         * the VPC.
         *
         * @param id the VPC endpoint's id, {@code vpce-<hex>}
         * @return this builder
         */
        public Builder vpcEndpointId(String id) {
            this.vpcEndpointId = check(id, AwsNames.VPC_ENDPOINT_ID, "vpcEndpointId", "vpce-0123456789abcdef0");
            return this;
        }

        /**
         * The KMS VPC interface endpoint: {@code kms:GenerateDataKey} (in the identity and session policies and the
         * key policy) then requires {@code aws:SourceVpce} to be it.
         *
         * @param id the KMS VPC endpoint's id, {@code vpce-<hex>}
         * @return this builder
         */
        public Builder kmsVpcEndpointId(String id) {
            this.kmsVpcEndpointId = check(id, AwsNames.VPC_ENDPOINT_ID, "kmsVpcEndpointId", "vpce-0123456789abcdef0");
            return this;
        }

        /**
         * The role the producer assumes: its sessions sign the Firehose and KMS calls, so the KMS key policy and the
         * VPC endpoint policy name it rather than the {@link #principalArn principal} that assumes it.
         *
         * @param arn {@code arn:aws:iam::<account>:role/<name>}
         * @return this builder
         */
        public Builder roleArn(String arn) {
            this.roleArn = check(arn, AwsNames.ROLE_ARN, "roleArn", "arn:aws:iam::<account>:role/<name>");
            return this;
        }

        /**
         * @param arn the principal that runs the producer: it assumes the {@link #roleArn role} (trust policy), or,
         *     without a role, signs the calls itself (key and endpoint policies); for example
         *     {@code arn:aws:iam::111122223333:role/orders-service}
         * @return this builder
         */
        public Builder principalArn(String arn) {
            this.principalArn =
                    check(arn, AwsNames.PRINCIPAL_ARN, "principalArn", "arn:aws:iam::<account>:role/<name>");
            return this;
        }

        /**
         * @param arn the principal that decrypts what lands in S3; adds a {@code kms:Decrypt} key policy statement
         * @return this builder
         */
        public Builder consumerPrincipalArn(String arn) {
            this.consumerPrincipalArn =
                    check(arn, AwsNames.PRINCIPAL_ARN, "consumerPrincipalArn", "arn:aws:iam::<account>:role/<name>");
            return this;
        }

        /**
         * @param id the external id the trust policy requires ({@code sts:ExternalId})
         * @return this builder
         */
        public Builder externalId(String id) {
            this.externalId =
                    check(id, AwsNames.EXTERNAL_ID, "externalId", "2 to 1224 of letters, digits and +=,.@:/-");
            return this;
        }

        /**
         * @param used whether the producer sets a source identity (adds {@code sts:SetSourceIdentity})
         * @return this builder
         */
        public Builder sourceIdentity(boolean used) {
            this.sourceIdentity = used;
            return this;
        }

        /**
         * @param used whether the producer passes session tags (adds {@code sts:TagSession})
         * @return this builder
         */
        public Builder sessionTags(boolean used) {
            this.sessionTags = used;
            return this;
        }

        /**
         * @param needed whether a feature needs {@code firehose:DescribeDeliveryStream} (for example the security
         *     posture check); off by default
         * @return this builder
         */
        public Builder describeStream(boolean needed) {
            this.describeStream = needed;
            return this;
        }

        /**
         * @return the documents
         * @throws IllegalStateException if the stream ARN is missing, or it or another ARN is in another partition
         *     than the stream's region
         */
        public LeastPrivilegePolicies build() {
            if (streamArns.isEmpty()) {
                throw new IllegalStateException("streamArn is required: the delivery stream the producer writes to");
            }
            // One partition for all: the region of the first stream decides it.
            Matcher first = AwsNames.STREAM_ARN.matcher(streamArns.get(0));
            if (first.matches()) {
                List<String> arns = new ArrayList<>(streamArns);
                arns.addAll(Arrays.asList(kmsKeyArn, roleArn, principalArn, consumerPrincipalArn));
                for (String arn : arns) {
                    if (arn != null) {
                        AwsNames.requireSamePartition(arn, arn.split(":", 3)[1], first.group(2));
                    }
                }
            }
            return new LeastPrivilegePolicies(this);
        }

        private static String check(String value, Pattern pattern, String option, String expected) {
            Objects.requireNonNull(value, option + " must not be null");
            if (!pattern.matcher(value).matches()) {
                throw new IllegalArgumentException(option + " must look like " + expected + ", was '" + value + "'");
            }
            return value;
        }
    }
}
