package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.regex.Pattern;
import org.apiguardian.api.API;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * Every AWS name the SDK checks, spelled once: partitions, regions, accounts, ARNs of streams, keys and roles,
 * VPC endpoint names and ids, external ids and session names. The group numbers each pattern documents are what
 * its callers read. Stateless and thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class AwsNames {

    /** A partition id: {@code aws}, {@code aws-cn}, {@code aws-us-gov}, {@code aws-iso-b}, and any the SDK adds. */
    private static final String PARTITION = "(aws(?:-[a-z]+)*)";

    /** A region id such as {@code eu-west-1}, {@code us-gov-west-1}, {@code us-isob-east-1} or {@code eusc-de-east-1}. */
    private static final String REGION = "([a-z]{2,4}(?:-[a-z]+)+-\\d{1,2})";

    /** A DNS suffix such as {@code amazonaws.com} or {@code amazonaws.com.cn}; checked against the region's. */
    private static final String DNS_SUFFIX = "([a-z0-9-]+(?:\\.[a-z0-9-]+)+)";

    private static final String ACCOUNT = "(\\d{12})";
    private static final String STREAM_NAME_CHARS = "[a-zA-Z0-9_.-]{1,64}";
    private static final String KEY_ID_CHARS = "[a-zA-Z0-9-]{1,64}";
    private static final String IAM_NAME_CHARS = "[\\w+=,.@/-]{1,512}";
    private static final String VPC_ENDPOINT_PREFIX = "vpce-[0-9a-z]+-[0-9a-z]+(?:-[a-z0-9-]+)?\\.";

    /** A delivery stream name. */
    public static final Pattern STREAM_NAME = Pattern.compile(STREAM_NAME_CHARS);

    /** A delivery stream ARN; groups: 1 partition, 2 region, 3 account, 4 stream name. */
    public static final Pattern STREAM_ARN = Pattern.compile(
            "arn:" + PARTITION + ":firehose:" + REGION + ":" + ACCOUNT + ":deliverystream/(" + STREAM_NAME_CHARS + ")");

    /** A KMS key ARN (not an alias); groups: 1 partition, 2 region, 3 account. */
    public static final Pattern KEY_ARN =
            Pattern.compile("arn:" + PARTITION + ":kms:" + REGION + ":" + ACCOUNT + ":key/" + KEY_ID_CHARS);

    /** Any way to name a KMS key: key or alias ARN, key id, or {@code alias/<name>}. */
    public static final Pattern KEY_REFERENCE =
            Pattern.compile("(arn:" + PARTITION + ":kms:[a-z0-9-]+:\\d{12}:" + "(key/" + KEY_ID_CHARS
                    + "|alias/[a-zA-Z0-9/_-]{1,250}))|" + KEY_ID_CHARS + "|alias/[a-zA-Z0-9/_-]{1,250}");

    /** An IAM role ARN; groups: 1 partition, 2 account. */
    public static final Pattern ROLE_ARN =
            Pattern.compile("arn:" + PARTITION + ":iam::" + ACCOUNT + ":role/" + IAM_NAME_CHARS);

    /** The ARN of an account root, a role or a user; group 1 is the partition. */
    public static final Pattern PRINCIPAL_ARN = Pattern.compile(
            "arn:" + PARTITION + ":iam::\\d{12}:(root|role/" + IAM_NAME_CHARS + "|user/" + IAM_NAME_CHARS + ")");

    /** A VPC endpoint id. */
    public static final Pattern VPC_ENDPOINT_ID = Pattern.compile("vpce-[0-9a-f]{8,17}");

    /** Any VPC endpoint DNS name; group 1 is the endpoint id. */
    public static final Pattern VPC_ENDPOINT_DNS_NAME =
            Pattern.compile("(vpce-[0-9a-f]{8,17})-[0-9a-z]+(?:-[a-z0-9-]+)?\\.[a-z0-9-]+\\.[a-z0-9-]+\\.vpce\\..+");

    /**
     * A VPC endpoint name of any service; groups: 1 service, 2 region, 3 DNS suffix (to check with
     * {@link #requireRegionsDnsSuffix}).
     */
    public static final Pattern SERVICE_VPC_ENDPOINT =
            Pattern.compile(VPC_ENDPOINT_PREFIX + "([a-z0-9-]+)\\." + REGION + "\\.vpce\\." + DNS_SUFFIX);

    /** The regional Firehose name private DNS resolves to the VPC endpoint; groups: 1 region, 2 DNS suffix. */
    public static final Pattern FIREHOSE_PRIVATE_DNS = Pattern.compile("firehose\\." + REGION + "\\." + DNS_SUFFIX);

    /** An STS external id. */
    public static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

    /** An STS role session name. */
    public static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");

    private AwsNames() {}

    /**
     * The VPC endpoint names of one service, {@code vpce-<id>-<suffix>.<service>.<region>.vpce.<dns suffix>};
     * groups: 1 region, 2 DNS suffix (to check with {@link #requireRegionsDnsSuffix}).
     */
    public static Pattern vpcEndpointOf(String service) {
        return Pattern.compile(
                VPC_ENDPOINT_PREFIX + Pattern.quote(service) + "\\." + REGION + "\\.vpce\\." + DNS_SUFFIX);
    }

    /**
     * @param regionId a region id
     * @return its partition as the AWS SDK knows it, for example {@code aws-cn} for {@code cn-north-1}
     */
    public static String partitionOf(String regionId) {
        return PartitionMetadata.of(Region.of(regionId)).id();
    }

    /**
     * @param regionId a region id
     * @return the DNS suffix of its partition as the AWS SDK knows it, for example {@code amazonaws.com.cn}
     */
    public static String dnsSuffixOf(String regionId) {
        return PartitionMetadata.of(Region.of(regionId)).dnsSuffix();
    }

    /**
     * Refuses an ARN of another partition than its region's: calls on it could never be allowed there.
     *
     * @param what the ARN and what it is, for the message
     * @param arnPartition the ARN's partition
     * @param regionId the region it is used in
     * @throws IllegalStateException naming both partitions and the fix
     */
    public static void requireSamePartition(String what, String arnPartition, String regionId) {
        String partition = partitionOf(regionId);
        if (!arnPartition.equals(partition)) {
            throw new IllegalStateException(what + " is in partition " + arnPartition + ", but region " + regionId
                    + " is in partition " + partition + ": use an ARN of partition " + partition
                    + ", or the region of partition " + arnPartition);
        }
    }

    /**
     * Refuses a host name whose DNS suffix is not the one of its region's partition.
     *
     * @param option the option that was given the name, for the message
     * @param name the name
     * @param regionId the region the name names
     * @param suffix the DNS suffix the name ends in
     * @throws IllegalArgumentException naming the name, the suffix seen and the one expected
     */
    public static void requireRegionsDnsSuffix(String option, String name, String regionId, String suffix) {
        String expected = dnsSuffixOf(regionId);
        if (!expected.equals(suffix)) {
            throw new IllegalArgumentException(option + " '" + name + "' ends in " + suffix + ", but region " + regionId
                    + " is in partition " + partitionOf(regionId) + ", whose names end in " + expected);
        }
    }
}
