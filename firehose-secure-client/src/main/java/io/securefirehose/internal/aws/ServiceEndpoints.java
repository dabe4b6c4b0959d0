package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
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
 * dual-stack off, STS regional.
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
        return https(
                "firehose",
                FirehoseEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region).useFips(fips).useDualStack(false)));
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
        return https(
                "kms",
                KmsEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region).useFips(fips).useDualStack(false)));
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
        return https(
                "sts",
                StsEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region)
                                .useFips(fips)
                                .useDualStack(false)
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

    private static URI https(String service, CompletableFuture<Endpoint> resolved) {
        URI url = resolved.join().endpointUrl().toUri();
        if (!"https".equals(url.getScheme().toLowerCase(Locale.ROOT)) || url.getHost() == null) {
            throw new IllegalStateException(
                    "the AWS SDK's endpoint rules gave " + url + " for " + service + ": only https:// is used");
        }
        return URI.create("https://" + url.getRawAuthority());
    }
}
