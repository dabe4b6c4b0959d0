/**
 * Spring Boot auto-configuration for {@link io.securefirehose.SecureFirehoseProducer}: set
 * {@code firehose.secure.stream} and {@code firehose.secure.region} and the application gets one producer bean, its
 * meters, a health indicator and a graceful close. See {@code docs/spring-boot.md}.
 */
@NullMarked
package io.securefirehose.spring.boot;

import org.jspecify.annotations.NullMarked;
