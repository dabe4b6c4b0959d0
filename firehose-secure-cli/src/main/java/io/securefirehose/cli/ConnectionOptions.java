package io.securefirehose.cli;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * How to reach Firehose, STS and KMS, shared by the commands. Credentials always come from the AWS SDK's default
 * provider chain (environment variables, profiles, container and instance roles).
 */
final class ConnectionOptions {

    @Option(names = "--region", description = "AWS region of the stream (default: $AWS_REGION)")
    @Nullable
    String region;

    @Option(names = "--endpoint", description = "HTTPS endpoint instead of the region's (for example a local one)")
    @Nullable
    URI endpoint;

    @Option(
            names = "--vpc-endpoint",
            description = "Firehose VPC endpoint DNS name; its addresses are verified private and pinned")
    @Nullable
    String vpcEndpoint;

    @Option(
            names = "--allow-cidr",
            description = "range the endpoint's addresses must lie in (repeatable; turns verification on)")
    List<String> allowCidrs = new ArrayList<>();

    @Option(names = "--trust-pem", description = "PEM file of the certificate authorities to trust")
    @Nullable
    Path trustPem;

    @Option(
            names = "--tls-policy",
            description = "MODERN (TLS 1.3, or 1.2 with ECDHE+AEAD; default), TLS13_ONLY or FIPS",
            defaultValue = "MODERN")
    String tlsPolicy = "MODERN";

    @Option(
            names = "--fips",
            description = "use the FIPS endpoints of Firehose, STS and KMS (refused where the region has none);"
                    + " implies --tls-policy FIPS unless TLS13_ONLY")
    boolean fips;

    @Option(
            names = "--dual-stack",
            description = "use the dual-stack (IPv4 and IPv6) endpoints of Firehose, STS and KMS, as the AWS SDK's"
                    + " endpoint rules name them")
    boolean dualStack;

    @Option(names = "--role-arn", description = "IAM role to assume; its session is narrowed to the stream")
    @Nullable
    String roleArn;

    @Option(names = "--external-id", description = "external id for the role")
    @Nullable
    String externalId;

    @Option(names = "--sts-endpoint", description = "HTTPS STS endpoint instead of the regional one")
    @Nullable
    URI stsEndpoint;

    @Option(names = "--kms-key", description = "KMS key for client-side envelope encryption")
    @Nullable
    String kmsKey;

    @Option(names = "--kms-endpoint", description = "HTTPS KMS endpoint instead of the regional one")
    @Nullable
    URI kmsEndpoint;

    @Option(
            names = "--stream-arn",
            description = "the stream's ARN (for the encryption context when no role is assumed)")
    @Nullable
    String streamArn;

    String region() {
        String chosen = region != null ? region : System.getenv("AWS_REGION");
        if (chosen == null || chosen.isBlank()) {
            throw new UsageError("--region is required (or set AWS_REGION)");
        }
        return chosen;
    }

    TrustMaterial trust() {
        return trustPem == null ? TrustMaterial.systemDefault() : TrustMaterial.fromPemFile(trustPem);
    }

    TlsPolicy tls() {
        return TlsPolicy.named(tlsPolicy);
    }

    /** A producer builder with every connection option applied. */
    ProducerBuilder producer(String stream) {
        ProducerBuilder builder = SecureFirehoseProducer.builder()
                .deliveryStream(stream)
                .region(region())
                .trustMaterial(trust())
                .tlsPolicy(tls())
                .fipsEnabled(fips)
                .dualStackEnabled(dualStack);
        if (endpoint != null) {
            builder.endpoint(endpoint);
        }
        if (vpcEndpoint != null) {
            builder.vpcEndpoint(vpcEndpoint);
        }
        if (!allowCidrs.isEmpty()) {
            builder.allowedCidrs(allowCidrs.toArray(new String[0]));
        }
        if (roleArn != null) {
            AssumeRole.Builder role = AssumeRole.role(roleArn);
            if (externalId != null) {
                role.externalId(externalId);
            }
            if (stsEndpoint != null) {
                role.stsEndpoint(stsEndpoint);
            }
            builder.assumeRole(role.build());
        }
        if (kmsKey != null) {
            EnvelopeEncryption.Builder encryption = EnvelopeEncryption.withKmsKey(kmsKey);
            if (streamArn != null) {
                encryption.streamArn(streamArn);
            }
            if (kmsEndpoint != null) {
                encryption.kmsEndpoint(kmsEndpoint);
            }
            builder.envelopeEncryption(encryption.build());
        }
        return builder;
    }
}
