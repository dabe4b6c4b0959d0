package io.securefirehose.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

/** How {@code firehose.secure.*} names, in Spring's relaxed forms, become the producer's keys. */
class FirehoseSecurePropertiesTest {

    @Test
    void relaxedNamesAndNamedEntriesBecomeTheDocumentedKeys() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("firehose.secure.stream", "orders")
                .withProperty("firehose.secure.maxBatchRecords", "100")
                .withProperty("firehose.secure.assume-role.role-arn", "arn:aws:iam::111122223333:role/p")
                .withProperty("firehose.secure.assume-role.session-tag.team", "payments")
                .withProperty("firehose.secure.encryption.context.app", "orders")
                .withProperty("firehose.secure.health.posture-check", "false");
        environment
                .getPropertySources()
                .addLast(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("FIREHOSE_SECURE_REGION", "eu-west-1", "FIREHOSE_SECURE_ASSUMEROLE_EXTERNALID", "x-1")));

        assertThat(FirehoseSecureProperties.read(environment))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "stream", "orders",
                        "region", "eu-west-1",
                        "max-batch-records", "100",
                        "assume-role.role-arn", "arn:aws:iam::111122223333:role/p",
                        "assume-role.external-id", "x-1",
                        "assume-role.session-tag.team", "payments",
                        "encryption.context.app", "orders"));
    }

    @Test
    void anUnknownNameUnderThePrefixIsPassedOnToBeRefused() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("firehose.secure.stream", "orders")
                .withProperty("firehose.secure.lingr", "5ms")
                .withProperty("firehose.other", "not ours");

        assertThat(FirehoseSecureProperties.read(environment))
                .containsKey("lingr")
                .doesNotContainKey("other");
    }
}
