package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * The partition of a region, from the AWS SDK's metadata, so that the ARNs this endpoint hands out and checks
 * ({@code arn:aws-cn:...} in China, {@code arn:aws-us-gov:...} in GovCloud) are the ones AWS would use there.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class Partitions {

    private Partitions() {}

    /**
     * @param region a region id, such as {@code cn-north-1}
     * @return its partition, such as {@code aws-cn}; {@code aws} for a region the SDK does not know
     */
    public static String of(String region) {
        return PartitionMetadata.of(Region.of(region)).id();
    }
}
