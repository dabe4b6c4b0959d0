package io.securefirehose.benchmarks.micro;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

/**
 * The JCA providers a benchmark can run under: a JMH benchmark's {@code provider} parameter, the load driver's
 * {@code --provider} flag.
 */
public final class CryptoProviders {

    private CryptoProviders() {}

    /**
     * @param provider {@code jdk} (the JDK's providers, as they are) or {@code accp} (Amazon Corretto Crypto
     *     Provider installed first, so that AES-GCM, SHA-256 and HMAC lookups find it)
     */
    public static void use(String provider) {
        switch (provider) {
            case "jdk" -> {}
            case "accp" -> {
                AmazonCorrettoCryptoProvider.install();
                AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
            }
            default -> throw new IllegalArgumentException("provider must be jdk or accp, was " + provider);
        }
    }
}
