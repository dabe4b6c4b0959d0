package io.securefirehose.cli;

import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.internal.aws.ServiceEndpoints;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.regions.Region;

/** {@code policy}: prints the least-privilege IAM documents for a stream. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        versionProvider = FirehoseSecureCli.Version.class,
        description = "Print the least-privilege IAM documents (deterministic JSON) for one stream, and optionally"
                + " one KMS key, VPC endpoint and principal, then the endpoints the producer connects to. See"
                + " docs/iam.md.")
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

    @Option(
            names = "--fips",
            description =
                    "list the FIPS endpoints the producer reaches with --fips (refused where the region has" + " none)")
    boolean fips;

    @Option(
            names = "--dual-stack",
            description = "list the dual-stack endpoints the producer reaches with --dual-stack")
    boolean dualStack;

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
        // Before any output: a region without the FIPS endpoints asked for prints nothing but the refusal.
        String endpoints = endpoints();
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
        section("Endpoints the producer connects to (HTTPS on port 443: the egress to allow)", endpoints);
        return 0;
    }

    /** The names the producer reaches for this stream, from the AWS SDK's endpoint rules, one per line. */
    private String endpoints() {
        Region region = Region.of(streamArn.split(":", -1)[3]);
        StringBuilder lines = new StringBuilder();
        String firehose = endpoint("firehose", region);
        lines.append("firehose ")
                .append(
                        vpceId == null
                                ? firehose
                                : "through " + vpceId + ": its own vpce-... name, or " + firehose + " with private DNS")
                .append('\n');
        if (roleArn != null) {
            lines.append("sts ").append(endpoint("sts", region)).append('\n');
        }
        if (kmsKeyArn != null) {
            String kms = endpoint("kms", region);
            lines.append("kms ")
                    .append(
                            kmsVpceId == null
                                    ? kms
                                    : "through " + kmsVpceId + ": its own vpce-... name, or " + kms
                                            + " with private DNS")
                    .append('\n');
        }
        return lines.toString();
    }

    private String endpoint(String service, Region region) {
        // Through a VPC endpoint, private DNS answers the standard name: dual-stack names are for the public path.
        boolean viaVpce = "firehose".equals(service) ? vpceId != null : "kms".equals(service) && kmsVpceId != null;
        return ServiceEndpoints.requireDefault(service, region, fips, dualStack && !viaVpce, "fipsEnabled")
                .toString();
    }

    private void section(String title, String json) {
        io.out().println("# " + title);
        io.out().print(json.endsWith("\n") ? json : json + "\n");
        io.out().println();
    }
}
