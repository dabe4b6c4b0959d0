package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.WebIdentity;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.internal.aws.AwsNames;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Where and how a producer connects: the region it signs for, the endpoint and the addresses it may reach, the
 * TLS policy and trust, and the credentials it signs with. {@link ProducerBuilder} inherits these options; every
 * setter checks its value at once and throws {@link IllegalArgumentException} naming the option, the rule and the
 * value, and {@link ProducerBuilder#build()} checks the rules that tie options together. Not thread-safe.
 *
 * @param <B> the builder these setters return, for chaining
 */
@API(status = STABLE, since = "0.1.0")
public abstract sealed class ConnectionOptions<B extends ConnectionOptions<B>> permits ProducerBuilder {

    // Package-private: ProducerConfig reads them when it checks the settings together.
    @Nullable
    Region region;

    @Nullable
    URI endpoint;

    @Nullable
    String vpcEndpointRegion;

    @Nullable
    String privateDnsEndpointId;

    boolean pinAddresses;
    List<CidrRange> allowedCidrs = CidrRange.PRIVATE_RANGES;
    HostResolver hostResolver = HostResolver.system();
    int connectPortForTests;

    @Nullable
    AssumeRole assumeRole;

    @Nullable
    AwsCredentialsProvider credentialsProvider;

    @Nullable
    WebIdentity webIdentity;

    TrustMaterial trustMaterial = TrustMaterial.systemDefault();
    TlsPolicy tlsPolicy = TlsPolicy.MODERN;
    boolean fipsEnabled;
    boolean dualStackEnabled;

    ConnectionOptions() {}

    /** This builder, as its own type. */
    abstract B self();

    /**
     * The stream's AWS region; requests are signed for it. Required.
     *
     * @param region the region
     * @return this builder
     */
    public B region(Region region) {
        this.region = Objects.requireNonNull(region, "region must not be null");
        return self();
    }

    /**
     * The stream's AWS region by id, for example {@code eu-west-1}. Required.
     *
     * @param regionId the region id
     * @return this builder
     */
    public B region(String regionId) {
        Objects.requireNonNull(regionId, "region must not be null");
        if (!regionId.matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}")) {
            throw new IllegalArgumentException(
                    "region must be an AWS region id such as 'eu-west-1', was '" + regionId + "'");
        }
        return region(Region.of(regionId));
    }

    /**
     * Sends through a Firehose VPC interface endpoint (AWS PrivateLink). The name is checked (service
     * {@code firehose}, its region equal to {@link #region}); at {@code build()} it is resolved, every address
     * must lie in the allowed ranges (default: the private ranges, see {@link #allowedCidrs}), and from then on
     * connections go only to those addresses. Requests are still signed for the real region and service.
     *
     * @param dnsName {@code vpce-<id>-<suffix>.firehose.<region>.vpce.amazonaws.com} (an availability-zone
     *     name with {@code -<zone>} after the suffix is accepted), or {@code firehose.<region>.amazonaws.com}
     *     for an endpoint with private DNS; in partitions with another DNS suffix, that suffix (for example
     *     {@code amazonaws.com.cn} in China)
     * @return this builder
     */
    public B vpcEndpoint(String dnsName) {
        Objects.requireNonNull(dnsName, "vpcEndpoint must not be null");
        if (endpoint != null && vpcEndpointRegion == null) {
            throw new IllegalStateException("vpcEndpoint conflicts with endpoint(" + endpoint + "): set one of them");
        }
        String name = dnsName.toLowerCase(Locale.ROOT);
        Matcher vpce = AwsNames.SERVICE_VPC_ENDPOINT.matcher(name);
        Matcher privateDns = AwsNames.FIREHOSE_PRIVATE_DNS.matcher(name);
        if (vpce.matches()) {
            if (!"firehose".equals(vpce.group(1))) {
                throw new IllegalArgumentException("vpcEndpoint '" + dnsName + "' is an endpoint of service '"
                        + vpce.group(1) + "', not of firehose");
            }
            AwsNames.requireRegionsDnsSuffix("vpcEndpoint", dnsName, vpce.group(2), vpce.group(3));
            this.vpcEndpointRegion = vpce.group(2);
        } else if (privateDns.matches()) {
            AwsNames.requireRegionsDnsSuffix("vpcEndpoint", dnsName, privateDns.group(1), privateDns.group(2));
            this.vpcEndpointRegion = privateDns.group(1);
        } else {
            throw new IllegalArgumentException("vpcEndpoint must be vpce-<id>-<suffix>.firehose.<region>.vpce.<the"
                    + " partition's DNS suffix, amazonaws.com in most regions> or firehose.<region>.<DNS suffix>"
                    + " (private DNS), was '" + dnsName + "'");
        }
        this.endpoint = URI.create("https://" + name);
        this.pinAddresses = true;
        return self();
    }

    /**
     * Sends to the region's standard name, which private DNS of a VPC interface endpoint points at the
     * endpoint's private addresses; like {@link #vpcEndpoint}, the addresses are verified and pinned at
     * {@code build()}.
     *
     * @return this builder
     */
    public B privateDns() {
        if (endpoint != null) {
            throw new IllegalStateException("privateDns conflicts with the endpoint " + endpoint + ": set one of them");
        }
        this.vpcEndpointRegion = null;
        this.privateDnsEndpointId = null;
        this.pinAddresses = true;
        return self();
    }

    /**
     * Like {@link #privateDns()}, naming the VPC endpoint that private DNS points at. Its id is not in the name,
     * so without it an assumed role's session policy cannot require {@code aws:SourceVpce}; with it, it does.
     *
     * @param vpcEndpointId the Firehose VPC endpoint's id, {@code vpce-<hex>}
     * @return this builder
     */
    public B privateDns(String vpcEndpointId) {
        Objects.requireNonNull(vpcEndpointId, "privateDns vpcEndpointId must not be null");
        if (!AwsNames.VPC_ENDPOINT_ID.matcher(vpcEndpointId).matches()) {
            throw new IllegalArgumentException(
                    "privateDns vpcEndpointId must look like vpce-0123456789abcdef0, was '" + vpcEndpointId + "'");
        }
        privateDns();
        this.privateDnsEndpointId = vpcEndpointId;
        return self();
    }

    /**
     * The ranges the endpoint's addresses must lie in; replaces the default private ranges (10.0.0.0/8,
     * 172.16.0.0/12, 192.168.0.0/16, fc00::/7), for example with the VPC's own CIDRs. Turns on resolution,
     * verification and pinning for any endpoint. Loopback is not private: a local test endpoint needs
     * {@code 127.0.0.0/8} here.
     *
     * @param cidrs ranges such as {@code 10.1.0.0/16}
     * @return this builder
     */
    public B allowedCidrs(String... cidrs) {
        this.allowedCidrs = CidrRange.parseAll(cidrs);
        this.pinAddresses = true;
        return self();
    }

    /**
     * How the endpoint's name is resolved at {@code build()} for verification and pinning. Default: the JVM's
     * resolver.
     *
     * @param resolver the resolver
     * @return this builder
     */
    public B hostResolver(HostResolver resolver) {
        this.hostResolver = Objects.requireNonNull(resolver, "hostResolver must not be null");
        return self();
    }

    /**
     * Connects a VPC endpoint's name (or private DNS's regional name) on this port instead of 443, so that tests on
     * loopback, which cannot listen on 443, can go through {@code build()} end to end. Not part of the API.
     */
    B connectPortForTests(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("connectPortForTests must be a port, was " + port);
        }
        this.connectPortForTests = port;
        return self();
    }

    /**
     * Sends to this HTTPS endpoint instead of the region's standard one (for example a local test endpoint).
     * Plain {@code http://} is refused: records always travel over TLS.
     *
     * @param endpoint an absolute {@code https://host[:port]} URI without path, query or user info
     * @return this builder
     */
    public B endpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint must not be null");
        if (vpcEndpointRegion != null) {
            throw new IllegalStateException(
                    "endpoint conflicts with vpcEndpoint " + this.endpoint + ": set one of them");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!"https".equals(scheme)) {
            throw new IllegalArgumentException(
                    "endpoint must use https:// so that records travel over TLS, was '" + endpoint + "'");
        }
        if (endpoint.getHost() == null
                || endpoint.getRawUserInfo() != null
                || endpoint.getRawQuery() != null
                || endpoint.getRawFragment() != null
                || !(endpoint.getRawPath() == null
                        || endpoint.getRawPath().isEmpty()
                        || "/".equals(endpoint.getRawPath()))) {
            throw new IllegalArgumentException(
                    "endpoint must be https://host[:port] with no user info, path, query or fragment, was '" + endpoint
                            + "'");
        }
        this.endpoint = endpoint;
        return self();
    }

    /**
     * Where request-signing credentials come from. Default: a web identity from the environment when
     * {@code AWS_ROLE_ARN} and {@code AWS_WEB_IDENTITY_TOKEN_FILE} (or {@code aws.roleArn} and
     * {@code aws.webIdentityTokenFile}) are set, exchanged by this SDK's own STS client (see
     * {@link #webIdentity}); otherwise the AWS SDK's default provider chain. Not together with
     * {@link #webIdentity}.
     *
     * @param provider the credentials provider
     * @return this builder
     */
    public B credentialsProvider(AwsCredentialsProvider provider) {
        this.credentialsProvider = Objects.requireNonNull(provider, "credentialsProvider must not be null");
        return self();
    }

    /**
     * Base credentials from a web identity token (EKS service accounts, OIDC), exchanged by this SDK's own STS
     * client under the producer's TLS policy, trust material and address rules, and refreshed in the
     * background. Without this and without {@link #credentialsProvider}, the producer uses
     * {@link WebIdentity#fromEnvironment()} when {@code AWS_ROLE_ARN} and
     * {@code AWS_WEB_IDENTITY_TOKEN_FILE} are set, and the AWS SDK's default chain otherwise.
     *
     * @param identity the role and token file
     * @return this builder
     */
    public B webIdentity(WebIdentity identity) {
        this.webIdentity = Objects.requireNonNull(identity, "webIdentity must not be null");
        return self();
    }

    /**
     * Which certificate authorities to trust. Default: the JDK's trust store. Certificate and host name
     * verification are always on, whatever is chosen here.
     *
     * @param trust the trusted authorities
     * @return this builder
     */
    public B trustMaterial(TrustMaterial trust) {
        this.trustMaterial = Objects.requireNonNull(trust, "trustMaterial must not be null");
        return self();
    }

    /**
     * Signs with the credentials of an IAM role assumed through STS, narrowed by a generated session policy to
     * {@code PutRecord}/{@code PutRecordBatch} on exactly this stream (in the role's account). The
     * {@link #credentialsProvider} supplies the credentials that call STS. Refreshed in the background ahead of
     * expiry; see {@code docs/iam.md}.
     *
     * @param role the role and session settings
     * @return this builder
     */
    public B assumeRole(AssumeRole role) {
        this.assumeRole = Objects.requireNonNull(role, "assumeRole must not be null");
        return self();
    }

    /**
     * Uses the FIPS endpoints of Firehose, STS and KMS ({@code firehose-fips.<region>.amazonaws.com} and so on, as the
     * AWS SDK's endpoint rules name them) for the endpoints not set explicitly. Default off, unless the AWS SDK's
     * settings ask for it ({@code AWS_USE_FIPS_ENDPOINT}, {@code aws.useFipsEndpoint}, the profile's
     * {@code use_fips_endpoint}): they can turn it on, never off. A service the producer needs that has no FIPS
     * endpoint in the region (per the SDK's endpoint metadata) is refused at {@code build()}, naming it. FIPS
     * endpoints are reached under {@link TlsPolicy#FIPS} unless {@link TlsPolicy#TLS13_ONLY} is chosen.
     *
     * @param enabled whether to use FIPS endpoints
     * @return this builder
     */
    public B fipsEnabled(boolean enabled) {
        this.fipsEnabled = enabled;
        return self();
    }

    /**
     * Uses the dual-stack (IPv4 and IPv6) endpoints of Firehose, STS and KMS ({@code firehose.<region>.api.aws} and
     * so on, as the AWS SDK's endpoint rules name them; with {@link #fipsEnabled} the FIPS dual-stack ones) for the
     * endpoints not set explicitly. Default off, unless the AWS SDK's settings ask for it
     * ({@code AWS_USE_DUALSTACK_ENDPOINT}, {@code aws.useDualstackEndpoint}, the profile's
     * {@code use_dualstack_endpoint}): they can turn it on, never off. A partition whose endpoint rules define no
     * dual-stack endpoint is refused at {@code build()}, naming the service. {@link #privateDns()} keeps the
     * region's standard name, the one a VPC endpoint's private DNS answers. Only the name changes: TLS, certificate
     * and address rules are the same.
     *
     * @param enabled whether to use dual-stack endpoints
     * @return this builder
     */
    public B dualStackEnabled(boolean enabled) {
        this.dualStackEnabled = enabled;
        return self();
    }

    /**
     * Which TLS versions and cipher suites connections may use. Default {@link TlsPolicy#MODERN}: TLS 1.3, and
     * TLS 1.2 with ECDHE and AEAD ciphers only. Checked during every handshake, before any request byte is
     * sent; a connection that breaks it fails the records with {@link TlsPolicyViolationException}.
     *
     * @param policy the policy; custom policies can only narrow the presets
     * @return this builder
     */
    public B tlsPolicy(TlsPolicy policy) {
        this.tlsPolicy = Objects.requireNonNull(policy, "tlsPolicy must not be null");
        return self();
    }
}
