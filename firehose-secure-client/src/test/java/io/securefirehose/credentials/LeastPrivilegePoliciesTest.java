package io.securefirehose.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The generated IAM documents, compared with reviewed golden files in {@code src/test/resources/policies}. */
class LeastPrivilegePoliciesTest {

    private static final String STREAM = "arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders";
    static final String SESSION_STREAM = "arn:aws:firehose:us-east-1:111122223333:deliverystream/orders";
    static final String SESSION_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static LeastPrivilegePolicies full() {
        return LeastPrivilegePolicies.builder()
                .streamArn(STREAM)
                .kmsKeyArn("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                .vpcEndpointId("vpce-0a1b2c3d4e5f67890")
                .kmsVpcEndpointId("vpce-0123456789abcdef0")
                .roleArn("arn:aws:iam::111122223333:role/orders-producer")
                .principalArn("arn:aws:iam::111122223333:role/orders-service")
                .consumerPrincipalArn("arn:aws:iam::444455556666:role/orders-analytics")
                .externalId("orders-7f3c9a")
                .sourceIdentity(true)
                .sessionTags(true)
                .build();
    }

    private static LeastPrivilegePolicies minimal() {
        return LeastPrivilegePolicies.builder()
                .streamArn("arn:aws:firehose:us-east-1:111122223333:deliverystream/clicks")
                .principalArn("arn:aws:iam::111122223333:role/clicks-service")
                .build();
    }

    static String golden(String name) throws IOException {
        try (InputStream in = LeastPrivilegePoliciesTest.class.getResourceAsStream("/policies/" + name)) {
            assertThat(in).as("golden file %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertValidJson(String json) throws IOException {
        try (JsonParser parser = new JsonFactory().createParser(json)) {
            while (parser.nextToken() != null) {
                // reading every token is the check
            }
        }
    }

    @Test
    void severalStreamsAreNamedAsListsInTheResourceAndTheEncryptionContextCondition() {
        String clicks = "arn:aws:firehose:eu-west-1:111122223333:deliverystream/clicks";
        String policy = LeastPrivilegePolicies.builder()
                .streamArns(List.of(STREAM, clicks))
                .kmsKeyArn("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                .build()
                .sessionPolicyMinified();

        String both = "[\"" + STREAM + "\",\"" + clicks + "\"]";
        assertThat(policy).contains("\"Resource\":" + both);
        assertThat(policy).contains("\"kms:EncryptionContext:firehose-secure:delivery-stream\":" + both);
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder().streamArns(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder()
                        .streamArns(
                                List.of(STREAM, "arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/clicks"))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("partition");
    }

    @Test
    void documentsMatchTheReviewedGoldenFiles() throws IOException {
        LeastPrivilegePolicies full = full();
        assertThat(full.producerIdentityPolicy()).isEqualTo(golden("full-identity.json"));
        assertThat(full.sessionPolicy()).isEqualTo(golden("full-session.json"));
        assertThat(full.roleTrustPolicy()).isEqualTo(golden("full-trust.json"));
        assertThat(full.kmsKeyPolicyStatements()).isEqualTo(golden("full-kms-key-statements.json"));
        assertThat(full.vpcEndpointPolicy()).isEqualTo(golden("full-vpc-endpoint.json"));
        assertThat(minimal().producerIdentityPolicy()).isEqualTo(golden("minimal-identity.json"));
        assertThat(minimal().roleTrustPolicy()).isEqualTo(golden("minimal-trust.json"));
    }

    @Test
    void theKeyAndEndpointPoliciesNameTheRoleWhoseSessionsSignAndTheTrustPolicyTheBaseIdentity() {
        String role = "arn:aws:iam::111122223333:role/orders-producer";
        String base = "arn:aws:iam::111122223333:role/orders-service";
        LeastPrivilegePolicies assumed = full();
        assertThat(assumed.kmsKeyPolicyStatements())
                .contains("\"ProducerGeneratesDataKeysForThisStream\",\n    \"Effect\": \"Allow\",\n"
                        + "    \"Principal\": {\n      \"AWS\": \"" + role + "\"")
                .doesNotContain(base);
        assertThat(assumed.vpcEndpointPolicy())
                .contains("\"AWS\": \"" + role + "\"")
                .doesNotContain(base);
        assertThat(assumed.roleTrustPolicy())
                .contains("\"AWS\": \"" + base + "\"")
                .doesNotContain(role);

        LeastPrivilegePolicies direct = LeastPrivilegePolicies.builder()
                .streamArn(STREAM)
                .kmsKeyArn("arn:aws:kms:eu-west-1:111122223333:key/abcd")
                .principalArn(base)
                .build();
        assertThat(direct.kmsKeyPolicyStatements()).contains("\"AWS\": \"" + base + "\"");
        assertThat(direct.vpcEndpointPolicy()).contains("\"AWS\": \"" + base + "\"");
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder()
                        .streamArn(STREAM)
                        .roleArn(role)
                        .build()
                        .roleTrustPolicy())
                .as("the trust policy names who assumes the role, not the role")
                .hasMessageContaining("principalArn is required");
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder().roleArn(base.replace(":role/", ":user/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("roleArn must look like arn:aws:iam::<account>:role/<name>");
    }

    /**
     * Every session policy the producer sends, as reviewed JSON. {@code SessionPolicySentTest} proves the producer
     * sends exactly these for the matching configurations.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "session-minimal.json,false,false,false,false",
        "session-describe.json,true,false,false,false",
        "session-firehose-vpce.json,false,true,false,false",
        "session-describe-firehose-vpce.json,true,true,false,false",
        "session-kms.json,false,false,true,false",
        "session-kms-both-vpce.json,false,true,true,true"
    })
    void everySessionPolicyVariantMatchesItsGoldenFile(
            String golden, boolean describe, boolean firehoseVpce, boolean kms, boolean kmsVpce) throws IOException {
        LeastPrivilegePolicies.Builder builder =
                LeastPrivilegePolicies.builder().streamArn(SESSION_STREAM).describeStream(describe);
        if (firehoseVpce) {
            builder.vpcEndpointId("vpce-0a1b2c3d4e5f67890");
        }
        if (kms) {
            builder.kmsKeyArn(SESSION_KEY);
        }
        if (kmsVpce) {
            builder.kmsVpcEndpointId("vpce-0123456789abcdef0");
        }
        assertThat(builder.build().sessionPolicy()).isEqualTo(golden(golden));
        assertThat(builder.build().producerIdentityPolicy())
                .as("the identity policy allows the same as the session")
                .isEqualTo(golden(golden));
    }

    @Test
    void theEndpointIdIsReadFromAVpcEndpointNameOnly() {
        assertThat(LeastPrivilegePolicies.vpcEndpointIdOf(
                        "vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com"))
                .isEqualTo("vpce-0a1b2c3d4e5f67890");
        assertThat(LeastPrivilegePolicies.vpcEndpointIdOf(
                        "VPCE-0123456789ABCDEF0-x1y2z3-eu-west-1a.kms.eu-west-1.vpce.amazonaws.com"))
                .isEqualTo("vpce-0123456789abcdef0");
        assertThat(LeastPrivilegePolicies.vpcEndpointIdOf("firehose.eu-west-1.amazonaws.com"))
                .isNull();
        assertThat(LeastPrivilegePolicies.vpcEndpointIdOf("localhost")).isNull();
    }

    @Test
    void everyDocumentIsValidJsonAndDeterministic() throws IOException {
        for (LeastPrivilegePolicies policies : new LeastPrivilegePolicies[] {full(), minimal()}) {
            assertValidJson(policies.producerIdentityPolicy());
            assertValidJson(policies.sessionPolicy());
            assertValidJson(policies.roleTrustPolicy());
            assertValidJson(policies.vpcEndpointPolicy());
            assertValidJson(policies.sessionPolicyMinified());
        }
        assertValidJson(full().kmsKeyPolicyStatements());
        assertThat(full().producerIdentityPolicy()).isEqualTo(full().producerIdentityPolicy());
    }

    @Test
    void theSessionPolicyNarrowsToExactlyThisStreamAndKey() {
        String session = full().sessionPolicyMinified();
        assertThat(session).doesNotContain(" ").doesNotContain("\n");
        assertThat(session.length()).isLessThanOrEqualTo(LeastPrivilegePolicies.MAX_SESSION_POLICY_CHARS);
        assertThat(session)
                .contains("\"Resource\":\"" + STREAM + "\"")
                .contains("\"kms:EncryptionContext:firehose-secure:delivery-stream\":\"" + STREAM + "\"")
                .doesNotContain("\"*\"")
                .doesNotContain("DescribeDeliveryStream");
        assertThat(LeastPrivilegePolicies.builder()
                        .streamArn(STREAM)
                        .describeStream(true)
                        .build()
                        .sessionPolicy())
                .contains("firehose:DescribeDeliveryStream");
    }

    @Test
    void malformedInputsAreRefusedWithTheOptionAndTheExpectedShape() {
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder().streamArn("arn:aws:kinesis:eu-west-1:1:stream/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("streamArn")
                .hasMessageContaining("deliverystream/<name>");
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder().kmsKeyArn("alias/orders"))
                .hasMessageContaining("kmsKeyArn");
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder().vpcEndpointId("vpc-123"))
                .hasMessageContaining("vpcEndpointId");
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder().principalArn("orders-service"))
                .hasMessageContaining("principalArn");
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder().externalId("x"))
                .hasMessageContaining("externalId");
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("streamArn is required");
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder()
                        .streamArn(STREAM)
                        .kmsKeyArn("arn:aws-cn:kms:cn-north-1:111122223333:key/abcd")
                        .build())
                .hasMessageContaining("partition");
        LeastPrivilegePolicies noPrincipal =
                LeastPrivilegePolicies.builder().streamArn(STREAM).build();
        assertThatThrownBy(noPrincipal::roleTrustPolicy).hasMessageContaining("principalArn is required");
        assertThatThrownBy(noPrincipal::kmsKeyPolicyStatements).hasMessageContaining("kmsKeyArn is required");
    }

    @Test
    void aSessionPolicyOfExactlyTheLimitIsSentAndOneCharacterMoreIsRefused() {
        int base = sessionPolicyWithTag("x").length();
        String exactly = "x".repeat(1 + LeastPrivilegePolicies.MAX_SESSION_POLICY_CHARS - base);

        assertThat(sessionPolicyWithTag(exactly)).hasSize(LeastPrivilegePolicies.MAX_SESSION_POLICY_CHARS);
        assertThatThrownBy(() -> sessionPolicyWithTag(exactly + "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the session policy is 2049 characters, more than the 2048 STS accepts");
    }

    /** One producer statement only, so each character of the tag adds one character to the policy. */
    private static String sessionPolicyWithTag(String value) {
        return LeastPrivilegePolicies.builder()
                .streamArn(STREAM)
                .condition("StringEquals", "aws:PrincipalTag/team", value)
                .build()
                .sessionPolicyMinified();
    }

    @Test
    void minifyKeepsSpacesInsideStrings() {
        assertThat(io.securefirehose.internal.text.JsonText.minify("{\n  \"a b\": \"c \\\" d\"\n}\n"))
                .isEqualTo("{\"a b\":\"c \\\" d\"}");
    }

    @Test
    void extraConditionsNarrowEveryProducerStatement() {
        String session = LeastPrivilegePolicies.builder()
                .streamArn(STREAM)
                .vpcEndpointId("vpce-0a1b2c3d4e5f67890")
                .kmsKeyArn("arn:aws:kms:eu-west-1:111122223333:key/abcd")
                .condition("IpAddress", "aws:SourceIp", "10.20.0.0/16")
                .condition("StringEquals", "aws:PrincipalTag/team", "orders")
                .build()
                .sessionPolicyMinified();
        assertThat(session)
                .contains("\"StringEquals\":{\"aws:SourceVpce\":\"vpce-0a1b2c3d4e5f67890\","
                        + "\"aws:PrincipalTag/team\":\"orders\"},\"IpAddress\":{\"aws:SourceIp\":\"10.20.0.0/16\"}");
        assertThat(session.split("aws:SourceIp", -1)).as("on both statements").hasSize(3);
        String withDescribe = LeastPrivilegePolicies.builder()
                .streamArn(STREAM)
                .describeStream(true)
                .kmsKeyArn("arn:aws:kms:eu-west-1:111122223333:key/abcd")
                .condition("IpAddress", "aws:SourceIp", "10.20.0.0/16")
                .build()
                .sessionPolicyMinified();
        assertThat(withDescribe.split("aws:SourceIp", -1))
                .as("on all three statements")
                .hasSize(4);
        String withoutEndpoint = LeastPrivilegePolicies.builder()
                .streamArn(STREAM)
                .condition("IpAddress", "aws:SourceIp", "10.20.0.0/16")
                .build()
                .sessionPolicyMinified();
        assertThat(withoutEndpoint)
                .as("a statement with no condition of its own gets the extra ones")
                .contains("\"Resource\":\"" + STREAM + "\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":"
                        + "\"10.20.0.0/16\"}}");
        assertThatThrownBy(() -> LeastPrivilegePolicies.builder().condition("Bad Operator", "aws:SourceIp", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Bad Operator");
    }
}
