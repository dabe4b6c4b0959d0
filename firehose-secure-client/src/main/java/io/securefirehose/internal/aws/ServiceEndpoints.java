package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apiguardian.api.API;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceMetadata;
import software.amazon.awssdk.services.firehose.endpoints.FirehoseEndpointProvider;
import software.amazon.awssdk.services.kms.endpoints.KmsEndpointProvider;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointProvider;

/**
 * The regional HTTPS endpoint of each service this SDK calls, from the AWS SDK's own endpoint rules (so partitions
 * such as {@code aws-cn} get their own domain), FIPS where asked for (and listed by the SDK's endpoint metadata),
 * dual-stack (IPv4 and IPv6) where asked for and the rules define it for the partition, STS regional.
 *
 * <p>Every AWS client this project builds is given one explicit endpoint (the configured one, or the one from here):
 * the SDK then never consults its endpoint-override sources ({@code AWS_ENDPOINT_URL*} variables,
 * {@code aws.endpointUrl*} system properties, the profile file's {@code endpoint_url} and services sections), which
 * could otherwise send a call in clear HTTP or to a host that was never verified.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class ServiceEndpoints {

    private ServiceEndpoints() {}

    /**
     * @param region the region
     * @return {@code https://firehose.<region>.<partition domain>}
     */
    public static URI firehose(Region region) {
        return firehose(region, false);
    }

    /**
     * @param region the region
     * @param fips whether the FIPS endpoint is wanted (check it exists with {@link #requireFips})
     * @return the region's Firehose endpoint, or its FIPS endpoint
     */
    public static URI firehose(Region region, boolean fips) {
        return firehose(region, fips, false);
    }

    /**
     * @param region the region
     * @param fips whether the FIPS endpoint is wanted (check it exists with {@link #requireFips})
     * @param dualStack whether the dual-stack (IPv4 and IPv6) endpoint is wanted
     * @return the region's Firehose endpoint in that variant
     * @throws IllegalStateException if the SDK's endpoint rules define no such endpoint (dual-stack in a partition
     *     without it)
     */
    public static URI firehose(Region region, boolean fips, boolean dualStack) {
        return https(
                "firehose",
                region,
                dualStack,
                FirehoseEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region).useFips(fips).useDualStack(dualStack)));
    }

    /**
     * @param region the region
     * @return {@code https://kms.<region>.<partition domain>}
     */
    public static URI kms(Region region) {
        return kms(region, false);
    }

    /**
     * @param region the region
     * @param fips whether the FIPS endpoint is wanted (check it exists with {@link #requireFips})
     * @return the region's KMS endpoint, or its FIPS endpoint
     */
    public static URI kms(Region region, boolean fips) {
        return kms(region, fips, false);
    }

    /**
     * @param region the region
     * @param fips whether the FIPS endpoint is wanted (check it exists with {@link #requireFips})
     * @param dualStack whether the dual-stack (IPv4 and IPv6) endpoint is wanted
     * @return the region's KMS endpoint in that variant
     * @throws IllegalStateException if the SDK's endpoint rules define no such endpoint
     */
    public static URI kms(Region region, boolean fips, boolean dualStack) {
        return https(
                "kms",
                region,
                dualStack,
                KmsEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region).useFips(fips).useDualStack(dualStack)));
    }

    /**
     * @param region the region
     * @return {@code https://sts.<region>.<partition domain>}, never the global endpoint
     */
    public static URI sts(Region region) {
        return sts(region, false);
    }

    /**
     * @param region the region
     * @param fips whether the FIPS endpoint is wanted (check it exists with {@link #requireFips})
     * @return the region's STS endpoint, or its FIPS endpoint; never the global endpoint
     */
    public static URI sts(Region region, boolean fips) {
        return sts(region, fips, false);
    }

    /**
     * @param region the region
     * @param fips whether the FIPS endpoint is wanted (check it exists with {@link #requireFips})
     * @param dualStack whether the dual-stack (IPv4 and IPv6) endpoint is wanted
     * @return the region's STS endpoint in that variant; never the global endpoint
     * @throws IllegalStateException if the SDK's endpoint rules define no such endpoint
     */
    public static URI sts(Region region, boolean fips, boolean dualStack) {
        return https(
                "sts",
                region,
                dualStack,
                StsEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region)
                                .useFips(fips)
                                .useDualStack(dualStack)
                                .useGlobalEndpoint(false)));
    }

    /**
     * Refuses FIPS for a service and region where the AWS SDK's endpoint metadata lists no FIPS endpoint. (The
     * endpoint rules would still spell a {@code <service>-fips} name there, one that does not exist.)
     *
     * @param service the service's endpoint prefix: {@code firehose}, {@code sts} or {@code kms}
     * @param region the region
     * @param option the option that asked for FIPS, for the message
     * @throws IllegalStateException naming the service, the region and where FIPS endpoints of it exist
     */
    public static void requireFips(String service, Region region, String option) {
        List<String> fipsRegions = fipsRegions(service);
        if (!fipsRegions.contains(region.id())) {
            throw new IllegalStateException(option + ": " + service + " has no FIPS endpoint in " + region.id()
                    + " (the AWS SDK's endpoint metadata lists FIPS endpoints of " + service + " in "
                    + (fipsRegions.isEmpty() ? "no region" : String.join(", ", fipsRegions))
                    + "): use one of those regions, or turn FIPS off");
        }
    }

    /**
     * The endpoint of a service in the variant asked for, checked to exist: FIPS where the SDK's endpoint metadata
     * lists it ({@link #requireFips}), dual-stack where the endpoint rules define it for the partition.
     *
     * @param service {@code firehose}, {@code sts} or {@code kms}
     * @param region the region
     * @param fips whether the FIPS endpoint is wanted
     * @param dualStack whether the dual-stack endpoint is wanted
     * @param fipsOption the option that asked for FIPS, for the message
     * @return the endpoint
     * @throws IllegalStateException naming the option, the service and the region, if there is none
     */
    public static URI requireDefault(
            String service, Region region, boolean fips, boolean dualStack, String fipsOption) {
        if (fips) {
            requireFips(service, region, fipsOption);
        }
        try {
            return switch (service) {
                case "firehose" -> firehose(region, fips, dualStack);
                case "sts" -> sts(region, fips, dualStack);
                case "kms" -> kms(region, fips, dualStack);
                default -> throw new IllegalArgumentException("no endpoint rules for service " + service);
            };
        } catch (IllegalStateException e) {
            throw new IllegalStateException((dualStack ? "dualStackEnabled: " : "") + e.getMessage(), e);
        }
    }

    /** The regions with a FIPS endpoint of {@code service}: the SDK's metadata names them fips-R or R-fips. */
    private static List<String> fipsRegions(String service) {
        List<String> regions = new ArrayList<>();
        for (Region listed : ServiceMetadata.of(service).regions()) {
            String id = listed.id();
            if (id.startsWith("fips-")) {
                regions.add(id.substring("fips-".length()));
            } else if (id.endsWith("-fips")) {
                regions.add(id.substring(0, id.length() - "-fips".length()));
            }
        }
        return regions;
    }

    static URI https(String service, Region region, boolean dualStack, CompletableFuture<Endpoint> resolved) {
        URI url;
        try {
            url = resolved.join().endpointUrl().toUri();
        } catch (CompletionException e) {
            Throwable why = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "the AWS SDK's endpoint rules name no " + (dualStack ? "dual-stack " : "")
                            + "endpoint of " + service + " in " + region.id() + " (" + why.getMessage() + ")"
                            + (dualStack ? ": turn dual-stack off, or set the endpoint explicitly" : ""),
                    why);
        }
        if (!"https".equals(url.getScheme().toLowerCase(Locale.ROOT)) || url.getHost() == null) {
            throw new IllegalStateException(
                    "the AWS SDK's endpoint rules gave " + url + " for " + service + ": only https:// is used");
        }
        return URI.create("https://" + url.getRawAuthority());
    }
}
