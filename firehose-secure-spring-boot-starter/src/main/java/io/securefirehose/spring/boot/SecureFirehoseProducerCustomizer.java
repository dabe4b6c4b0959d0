package io.securefirehose.spring.boot;

import io.securefirehose.ProducerBuilder;

/**
 * Adjusts the auto-configured producer's builder after the {@code firehose.secure.*} properties were applied and
 * before it is built: for what properties cannot express, such as a credentials provider, a host resolver or a
 * service failure listener. Every customizer bean is called, in {@link org.springframework.core.annotation.Order}
 * order, on the thread that creates the producer bean; a setting made here overrides the property of the same
 * option.
 */
@FunctionalInterface
public interface SecureFirehoseProducerCustomizer {

    /**
     * @param builder the builder, with the properties applied
     */
    void customize(ProducerBuilder builder);
}
