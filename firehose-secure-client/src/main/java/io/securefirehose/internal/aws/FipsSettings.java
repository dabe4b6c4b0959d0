package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.transport.TlsPolicy;
import java.util.List;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import software.amazon.awssdk.awscore.endpoint.FipsEnabledProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Whether a client uses FIPS endpoints, and the TLS policy that goes with them. The AWS SDK's own settings
 * ({@code aws.useFipsEndpoint}, {@code AWS_USE_FIPS_ENDPOINT}, the profile's {@code use_fips_endpoint}, read by the
 * SDK's {@link FipsEnabledProvider}) can turn FIPS on; nothing but the code can leave it off. Stateless.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class FipsSettings {

    private FipsSettings() {}

    /**
     * @param option what the builder was told
     * @return whether FIPS endpoints are used: the option, or the AWS SDK's settings
     */
    public static boolean wanted(boolean option) {
        return option || sdkAsks(ProfileFile::defaultProfileFile, null);
    }

    /**
     * @param profiles the profile file to read
     * @param profileName the profile, or {@code null} for the SDK's default choice
     * @return whether the AWS SDK's settings ask for FIPS endpoints
     */
    static boolean sdkAsks(Supplier<ProfileFile> profiles, @org.jspecify.annotations.Nullable String profileName) {
        FipsEnabledProvider.Builder provider = FipsEnabledProvider.builder().profileFile(profiles);
        if (profileName != null) {
            provider.profileName(profileName);
        }
        return provider.build().isFipsEnabled().orElse(false);
    }

    /**
     * The policy for connections to FIPS endpoints: the default {@code MODERN} becomes {@link TlsPolicy#FIPS};
     * {@code TLS13_ONLY} stays; a policy narrowed within FIPS's suites keeps its protocols and suites and takes
     * FIPS's key exchange groups (a narrowed {@code MODERN} would otherwise allow the JDK's, x25519 among them).
     *
     * @param chosen the policy configured
     * @param option the option that turned FIPS on, for the message
     * @return the policy to use
     * @throws IllegalStateException if a narrowed policy allows a suite FIPS does not
     */
    public static TlsPolicy policyFor(TlsPolicy chosen, String option) {
        if (chosen == TlsPolicy.MODERN) {
            return TlsPolicy.FIPS;
        }
        if (chosen.name().startsWith("TLS13_ONLY")) {
            return chosen;
        }
        if (TlsPolicy.FIPS.cipherSuites().containsAll(chosen.cipherSuites())) {
            return TlsPolicy.FIPS.narrow(List.copyOf(chosen.protocols()), List.copyOf(chosen.cipherSuites()));
        }
        throw new IllegalStateException(option + ": FIPS endpoints are reached under TlsPolicy.FIPS (or TLS13_ONLY),"
                + " but the policy " + chosen.name()
                + " also allows suites FIPS does not: use TlsPolicy.FIPS, or narrow"
                + " it within FIPS's suites");
    }
}
