package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.function.Supplier;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.endpoint.DualstackEnabledProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/**
 * Whether a client uses dual-stack (IPv4 and IPv6) endpoints: the builder's option, or the AWS SDK's own settings
 * ({@code aws.useDualstackEndpoint}, {@code AWS_USE_DUALSTACK_ENDPOINT}, the profile's {@code use_dualstack_endpoint},
 * read by the SDK's {@link DualstackEnabledProvider}). Like FIPS, the settings can turn it on, not off: the code's
 * choice is never overruled downwards. Dual-stack changes only which name is resolved; every address and TLS rule
 * stays. Stateless.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class DualStackSettings {

    private DualStackSettings() {}

    /**
     * @param option what the builder was told
     * @return whether dual-stack endpoints are used: the option, or the AWS SDK's settings
     */
    public static boolean wanted(boolean option) {
        return option || sdkAsks(ProfileFile::defaultProfileFile, null);
    }

    /**
     * @param profiles the profile file to read
     * @param profileName the profile, or {@code null} for the SDK's default choice
     * @return whether the AWS SDK's settings ask for dual-stack endpoints
     */
    static boolean sdkAsks(Supplier<ProfileFile> profiles, @Nullable String profileName) {
        DualstackEnabledProvider.Builder provider =
                DualstackEnabledProvider.builder().profileFile(profiles);
        if (profileName != null) {
            provider.profileName(profileName);
        }
        return provider.build().isDualstackEnabled().orElse(false);
    }
}
