package io.securefirehose.cli;

import io.securefirehose.credentials.LeastPrivilegePolicies;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code policy}: prints the least-privilege IAM documents for a stream. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        versionProvider = FirehoseSecureCli.Version.class,
        description = "Print the least-privilege IAM documents (deterministic JSON) for one stream, and optionally"
                + " one KMS key, VPC endpoint and principal. See docs/iam.md.")
final class PolicyCommand implements Callable<Integer> {

    @Option(names = "--stream-arn", required = true, description = "the delivery stream's ARN")
    String streamArn = "";

    @Option(names = "--kms-key-arn", description = "the KMS key of envelope encryption")
    @Nullable
    String kmsKeyArn;

    @Option(names = "--vpce-id", description = "the Firehose VPC endpoint id (vpce-...)")
    @Nullable
    String vpceId;

    @Option(names = "--kms-vpce-id", description = "the KMS VPC endpoint id (vpce-...), with --kms-key-arn")
    @Nullable
    String kmsVpceId;

    @Option(
            names = "--role-arn",
            description = "the role the producer assumes; the key and endpoint policies name it, the trust policy"
                    + " lets --principal assume it")
    @Nullable
    String roleArn;

    @Option(names = "--principal", description = "who runs the producer: assumes --role-arn, or signs itself")
    @Nullable
    String principal;

    @Option(names = "--consumer-principal", description = "who may decrypt (with --kms-key-arn)")
    @Nullable
    String consumerPrincipal;

    @Option(names = "--external-id", description = "external id the trust policy requires")
    @Nullable
    String externalId;

    private final FirehoseSecureCli.Io io;

    PolicyCommand(FirehoseSecureCli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        LeastPrivilegePolicies.Builder builder =
                LeastPrivilegePolicies.builder().streamArn(streamArn);
        if (kmsKeyArn != null) {
            builder.kmsKeyArn(kmsKeyArn);
        }
        if (vpceId != null) {
            builder.vpcEndpointId(vpceId);
        }
        if (kmsVpceId != null) {
            builder.kmsVpcEndpointId(kmsVpceId);
        }
        if (roleArn != null) {
            builder.roleArn(roleArn);
        }
        if (principal != null) {
            builder.principalArn(principal);
        }
        if (consumerPrincipal != null) {
            builder.consumerPrincipalArn(consumerPrincipal);
        }
        if (externalId != null) {
            builder.externalId(externalId);
        }
        LeastPrivilegePolicies policies = builder.build();
        section("Producer identity policy (attach to the producer's role)", policies.producerIdentityPolicy());
        section("Session policy (sent with sts:AssumeRole)", policies.sessionPolicy());
        if (principal != null) {
            section("Role trust policy", policies.roleTrustPolicy());
        }
        if (principal != null || roleArn != null) {
            if (kmsKeyArn != null) {
                section("KMS key policy statements", policies.kmsKeyPolicyStatements());
            }
            if (vpceId != null) {
                section("VPC endpoint policy", policies.vpcEndpointPolicy());
            }
        }
        return 0;
    }

    private void section(String title, String json) {
        io.out().println("# " + title);
        io.out().print(json.endsWith("\n") ? json : json + "\n");
        io.out().println();
    }
}
