package io.securefirehose.internal.crypto;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.ProducerConfig;
import io.securefirehose.ServiceFailure;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.internal.aws.FipsSettings;
import io.securefirehose.internal.aws.KmsClients;
import io.securefirehose.internal.aws.RetryBackoff;
import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.tls.SharedEventLoops;
import io.securefirehose.time.TaskScheduler;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.TlsPolicy;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Builds a producer's record encryptor: a KMS client under the producer's connection rules, signing with the
 * producer's credentials, and the data-key source for the stream's encryption context.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class Encryption {

    private Encryption() {}

    /** @return the encryptor, or {@code null} when encryption is off */
    public static @Nullable RecordEncryptor create(
            ProducerConfig config,
            AwsCredentialsProvider signer,
            SendGate credentials,
            TaskScheduler scheduler,
            SecurityEvents events,
            long expiryCheckNanos,
            ServiceFailureReporter failures) {
        EnvelopeEncryption settings = config.encryption();
        if (settings == null) {
            return null;
        }
        return create(
                config, kmsClient(config, signer, events, null), credentials, scheduler, expiryCheckNanos, failures);
    }

    /**
     * The encryptor of one stream, with its own data keys, fetched through {@code kms}.
     *
     * @param config the stream's configuration, encryption on
     * @param kms the KMS client; closed with the encryptor (pass a {@linkplain KmsClients.Secured#borrowed()
     *     borrowed} one to keep it)
     * @return the encryptor
     */
    public static RecordEncryptor create(
            ProducerConfig config,
            KmsClients.Secured kms,
            SendGate credentials,
            TaskScheduler scheduler,
            long expiryCheckNanos,
            ServiceFailureReporter failures) {
        EnvelopeEncryption settings = Objects.requireNonNull(config.encryption(), "encryption is off");
        return new RecordEncryptor(
                settings,
                new KmsDataKeySource(kms, settings.kmsKeyId(), settings.encryptionContext()),
                scheduler,
                new RetryBackoff(config.retryBackoff(), config.retryBackoffMax()),
                config.deliveryTimeout(),
                expiryCheckNanos,
                credentials,
                failures.calls(ServiceFailure.Service.KMS, kms.endpoint()));
    }

    /**
     * The KMS client for the encryption settings of {@code config}, under its connection rules.
     *
     * @param shared the loops of a client, or {@code null} for loops of its own
     * @return the client
     */
    public static KmsClients.Secured kmsClient(
            ProducerConfig config,
            AwsCredentialsProvider signer,
            SecurityEvents events,
            @Nullable SharedEventLoops shared) {
        EnvelopeEncryption settings = Objects.requireNonNull(config.encryption(), "encryption is off");
        boolean fips = config.fipsEnabled() || settings.fipsEnabled();
        // Encryption that asks for FIPS alone gets the FIPS policy on its own connection (checked at build).
        TlsPolicy policy = config.fipsEnabled() || !fips
                ? config.tlsPolicy()
                : FipsSettings.policyFor(config.tlsPolicy(), "EnvelopeEncryption.Builder.fipsEnabled");
        return KmsClients.create(
                "firehose-secure-kms-" + config.deliveryStreamName(),
                new KmsClients.Settings(
                        config.region(),
                        settings.kmsEndpoint(),
                        signer,
                        config.trustMaterial(),
                        policy,
                        kmsAddressRules(config, settings),
                        config.hostResolver(),
                        config.requestTimeout(),
                        fips,
                        config.dualStackEnabled()),
                events,
                shared);
    }

    /**
     * Address rules for KMS, as for STS: a KMS VPC endpoint is always verified and pinned (against the producer's
     * ranges, or the private ones); another endpoint override follows the producer's rules; the public regional
     * endpoint is not pinned.
     */
    private static @Nullable List<CidrRange> kmsAddressRules(ProducerConfig config, EnvelopeEncryption settings) {
        if (settings.kmsVpcEndpointRegion() != null) {
            List<CidrRange> allowed = config.allowedCidrs();
            return allowed != null ? allowed : CidrRange.PRIVATE_RANGES;
        }
        return settings.kmsEndpoint() != null ? config.allowedCidrs() : null;
    }
}
