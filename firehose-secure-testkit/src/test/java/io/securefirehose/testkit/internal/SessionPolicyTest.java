package io.securefirehose.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** IAM's evaluation of session policies, as far as the local endpoint applies it: each rule in isolation. */
class SessionPolicyTest {

    private static final String ORDERS = "arn:aws:firehose:us-east-1:111122223333:deliverystream/orders";
    private static final String OTHER = "arn:aws:firehose:us-east-1:111122223333:deliverystream/other";

    private static SessionPolicy policy(String statements) {
        return SessionPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":" + statements + "}");
    }

    private static String allow(String action, String resource, String condition) {
        return "{\"Effect\":\"Allow\",\"Action\":\"" + action + "\",\"Resource\":\"" + resource + "\""
                + (condition.isEmpty() ? "" : ",\"Condition\":" + condition) + "}";
    }

    @Test
    void anAllowForTheActionAndResourceAllowsAndNothingElseDoes() {
        SessionPolicy policy = policy("[" + allow("firehose:PutRecordBatch", ORDERS, "") + "]");

        assertThat(policy.denial("firehose:PutRecordBatch", ORDERS, Map.of())).isNull();
        assertThat(policy.denial("firehose:PutRecordBatch", OTHER, Map.of()))
                .isEqualTo("because no session policy allows the firehose:PutRecordBatch action");
        assertThat(policy.denial("firehose:DescribeDeliveryStream", ORDERS, Map.of()))
                .isNotNull();
    }

    @Test
    void anExplicitDenyWinsOverAnAllow() {
        SessionPolicy policy = policy("[" + allow("firehose:*", "*", "")
                + ",{\"Effect\":\"Deny\",\"Action\":\"firehose:PutRecordBatch\",\"Resource\":\"" + OTHER + "\"}]");

        assertThat(policy.denial("firehose:PutRecordBatch", ORDERS, Map.of())).isNull();
        assertThat(policy.denial("firehose:PutRecordBatch", OTHER, Map.of()))
                .isEqualTo("with an explicit deny in a session policy");
    }

    @Test
    void wildcardsMatchActionsCaseInsensitivelyAndResourcesExactly() {
        SessionPolicy policy =
                policy("[" + allow("Firehose:Put*", "arn:aws:firehose:*:111122223333:deliverystream/ord?rs", "") + "]");

        assertThat(policy.denial("firehose:PutRecordBatch", ORDERS, Map.of())).isNull();
        assertThat(policy.denial("firehose:putrecord", ORDERS, Map.of())).isNull();
        assertThat(policy.denial("firehose:PutRecordBatch", ORDERS.replace("orders", "Orders"), Map.of()))
                .isNotNull();
        assertThat(policy.denial("firehose:PutRecordBatch", OTHER, Map.of())).isNotNull();
        assertThat(policy("[" + allow("firehose:Put.*", "*", "") + "]").denial("firehose:PutRecord", ORDERS, Map.of()))
                .as("a dot is a literal, not a regular-expression wildcard")
                .isNotNull();
    }

    @Test
    void notActionAndNotResourceApplyToEverythingElse() {
        SessionPolicy policy = policy(
                "[{\"Effect\":\"Allow\",\"NotAction\":\"firehose:Describe*\",\"NotResource\":\"" + OTHER + "\"}]");

        assertThat(policy.denial("firehose:PutRecordBatch", ORDERS, Map.of())).isNull();
        assertThat(policy.denial("firehose:DescribeDeliveryStream", ORDERS, Map.of()))
                .isNotNull();
        assertThat(policy.denial("firehose:PutRecordBatch", OTHER, Map.of())).isNotNull();
    }

    @ParameterizedTest(name = "{0} on {1} (given: {2}) -> allowed {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "StringEquals | vpce-1 | vpce-1 | true",
                "StringEquals | vpce-1 | vpce-2 | false",
                "StringEquals | vpce-1 | | false",
                "StringEqualsIfExists | vpce-1 | | true",
                "StringEqualsIfExists | vpce-1 | vpce-2 | false",
                "StringNotEquals | vpce-1 | vpce-2 | true",
                "StringNotEquals | vpce-1 | vpce-1 | false",
                "StringNotEquals | vpce-1 | | true",
                "StringEqualsIgnoreCase | VPCE-1 | vpce-1 | true",
                "StringLike | vpce-* | vpce-9 | true",
                "StringLike | vpce-? | vpce-10 | false",
                "StringNotLike | vpce-* | vpce-9 | false",
                "ArnEquals | vpce-1 | vpce-1 | true",
                "ArnLike | vpce-* | other | false",
                "IpAddress | 10.0.0.0/8 | 10.1.2.3 | true",
                "IpAddress | 10.0.0.0/8 | 11.1.2.3 | false",
                "IpAddress | 10.20.0.0/16 | 127.0.0.1 | false",
                "IpAddress | 127.0.0.1 | 127.0.0.1 | true",
                "NotIpAddress | 10.0.0.0/8 | 127.0.0.1 | true",
                "IpAddress | 2001:db8::/32 | 2001:db8::1 | true",
                "IpAddress | 2001:db8::/32 | 10.1.2.3 | false",
                "IpAddress | not-an-address | 10.1.2.3 | false",
                "DateGreaterThan | 2020-01-01T00:00:00Z | 2021-01-01T00:00:00Z | false",
                "ForAnyValue:StringEquals | vpce-1 | vpce-1 | false"
            })
    void conditionsAreEvaluatedAndUnknownOperatorsNeverAllow(
            String operator, String expected, String given, boolean allowed) {
        SessionPolicy policy = policy("["
                + allow(
                        "firehose:PutRecordBatch",
                        "*",
                        "{\"" + operator + "\":{\"aws:SourceVpce\":\"" + expected + "\"}}")
                + "]");
        Map<String, String> context = given == null ? Map.of() : Map.of("aws:SourceVpce", given);

        assertThat(policy.denial("firehose:PutRecordBatch", ORDERS, context) == null)
                .isEqualTo(allowed);
    }

    @Test
    void anUnknownOperatorInADenyDeniesAndConditionKeyNamesIgnoreCase() {
        SessionPolicy policy =
                policy("[" + allow("firehose:*", "*", "{\"StringEquals\":{\"AWS:SOURCEVPCE\":\"vpce-1\"}}")
                        + ",{\"Effect\":\"Deny\",\"Action\":\"firehose:DescribeDeliveryStream\",\"Resource\":\"*\","
                        + "\"Condition\":{\"DateGreaterThan\":{\"aws:CurrentTime\":\"2020-01-01T00:00:00Z\"}}}]");

        assertThat(policy.denial("firehose:PutRecordBatch", ORDERS, Map.of("aws:SourceVpce", "vpce-1")))
                .isNull();
        assertThat(policy.denial("firehose:DescribeDeliveryStream", ORDERS, Map.of("aws:SourceVpce", "vpce-1")))
                .isEqualTo("with an explicit deny in a session policy");
    }

    @Test
    void everyConditionOfAStatementMustHoldAndAnyValueOfAConditionMay() {
        SessionPolicy policy = policy("["
                + allow(
                        "kms:GenerateDataKey",
                        "*",
                        "{\"StringEquals\":{\"kms:EncryptionContext:stream\":[\"a\",\"b\"],\"aws:SourceVpce\":\"vpce-1\"}}")
                + "]");

        assertThat(policy.denial(
                        "kms:GenerateDataKey",
                        "k",
                        Map.of("kms:EncryptionContext:stream", "b", "aws:SourceVpce", "vpce-1")))
                .isNull();
        assertThat(policy.denial(
                        "kms:GenerateDataKey",
                        "k",
                        Map.of("kms:EncryptionContext:stream", "c", "aws:SourceVpce", "vpce-1")))
                .isNotNull();
        assertThat(policy.denial("kms:GenerateDataKey", "k", Map.of("kms:EncryptionContext:stream", "a")))
                .isNotNull();
    }

    @ParameterizedTest(name = "refused: {0}")
    @ValueSource(
            strings = {
                "",
                "[]",
                "{\"Statement\":[]}",
                "{\"Version\":\"2012-10-18\",\"Statement\":[]}",
                "{\"Version\":\"2012-10-17\"}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Permit\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\"}]}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\"}]}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[],\"Resource\":\"*\"}]}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
                        + "\"Resource\":\"*\"}]}",
                "{\"Version\":\"2012-10-17\",\"Version\":\"2012-10-17\",\"Statement\":[]}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[]} {}",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\","
                        + "\"Condition\":{\"StringEquals\":\"x\"}}]}"
            })
    void aMalformedDocumentIsRefused(String document) {
        assertThatThrownBy(() -> SessionPolicy.parse(document)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStatementMayBeASingleObjectAndAnEmptyListAllowsNothing() {
        assertThat(SessionPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":"
                                + allow("firehose:PutRecordBatch", ORDERS, "") + "}")
                        .denial("firehose:PutRecordBatch", ORDERS, Map.of()))
                .isNull();
        assertThat(policy("[]").denial("firehose:PutRecordBatch", ORDERS, Map.of()))
                .isNotNull();
    }
}
