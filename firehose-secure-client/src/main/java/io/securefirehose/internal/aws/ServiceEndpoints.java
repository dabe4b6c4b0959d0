package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.net.URI;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.endpoints.FirehoseEndpointProvider;
import software.amazon.awssdk.services.kms.endpoints.KmsEndpointProvider;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointProvider;

/**
 * The regional HTTPS endpoint of each service this SDK calls, from the AWS SDK's own endpoint rules (so partitions
 * such as {@code aws-cn} get their own domain), with FIPS and dual-stack off and STS regional.
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
        return https(
                "firehose",
                FirehoseEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region).useFips(false).useDualStack(false)));
    }

    /**
     * @param region the region
     * @return {@code https://kms.<region>.<partition domain>}
     */
    public static URI kms(Region region) {
        return https(
                "kms",
                KmsEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region).useFips(false).useDualStack(false)));
    }

    /**
     * @param region the region
     * @return {@code https://sts.<region>.<partition domain>}, never the global endpoint
     */
    public static URI sts(Region region) {
        return https(
                "sts",
                StsEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region)
                                .useFips(false)
                                .useDualStack(false)
                                .useGlobalEndpoint(false)));
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
