package io.securefirehose;

import io.securefirehose.crypto.EnvelopeEncryption;
import java.nio.file.Path;

/**
 * The settings of a {@link SecureFirehoseClient}, copied from the builder it was made from (later changes to that
 * builder do not reach the client), and the configuration of each stream made from them.
 */
final class ClientTemplate {

    /** Stands in for a stream name where the client's settings are checked as a producer's. */
    static final String SETTINGS_STREAM = "secure-firehose-client";

    private final ProducerBuilder settings;

    private ClientTemplate(ProducerBuilder settings) {
        this.settings = settings;
    }

    /**
     * @param builder the client's settings
     * @return a template holding a copy of them
     * @throws IllegalStateException if a stream was named (a client's streams are named one by one), or the
     *     encryption settings cannot bind each stream
     */
    static ClientTemplate of(ProducerBuilder builder) {
        if (builder.deliveryStreamName != null) {
            throw new IllegalStateException("deliveryStream is set to '" + builder.deliveryStreamName + "': a client's"
                    + " streams are named one by one, with client.producer(name); leave it unset");
        }
        EnvelopeEncryption encryption = builder.encryption;
        if (encryption != null && (encryption.streamArn() != null || builder.assumeRole == null)) {
            throw new IllegalStateException("a client binds each stream's data keys to that stream's ARN, built from"
                    + " the account of assumeRole(...): set assumeRole and leave EnvelopeEncryption's streamArn unset,"
                    + " or use a producer per stream");
        }
        return new ClientTemplate(copy(builder));
    }

    /** @return the client's settings, checked as a producer's (the stream name is a stand-in) */
    ProducerConfig clientConfig() {
        return copy(settings).deliveryStream(SETTINGS_STREAM).buildConfig();
    }

    /**
     * @param stream the stream's name
     * @param options what the stream overrides
     * @return the stream's configuration: the client's settings with the stream's name and overrides
     */
    ProducerConfig streamConfig(String stream, StreamOptions options) {
        ProducerBuilder builder = copy(settings).deliveryStream(stream);
        Spill spill = settings.spill;
        if (spill != null && options.spill() == null) {
            Path own = spill.directory().resolve(stream);
            builder.spill(spill.inDirectory(own));
        }
        options.applyTo(builder);
        return builder.buildConfig();
    }

    /** Every setting of {@code from}; {@code ClientTemplateTest} fails when a field is added and not copied here. */
    static ProducerBuilder copy(ProducerBuilder from) {
        ProducerBuilder to = new ProducerBuilder();
        to.region = from.region;
        to.endpoint = from.endpoint;
        to.vpcEndpointRegion = from.vpcEndpointRegion;
        to.privateDnsEndpointId = from.privateDnsEndpointId;
        to.pinAddresses = from.pinAddresses;
        to.allowedCidrs = from.allowedCidrs;
        to.hostResolver = from.hostResolver;
        to.connectPortForTests = from.connectPortForTests;
        to.assumeRole = from.assumeRole;
        to.credentialsProvider = from.credentialsProvider;
        to.webIdentity = from.webIdentity;
        to.trustMaterial = from.trustMaterial;
        to.tlsPolicy = from.tlsPolicy;
        to.fipsEnabled = from.fipsEnabled;
        to.dualStackEnabled = from.dualStackEnabled;
        to.deliveryStreamName = from.deliveryStreamName;
        to.linger = from.linger;
        to.maxBatchRecords = from.maxBatchRecords;
        to.maxBatchBytes = from.maxBatchBytes;
        to.maxBufferedBytes = from.maxBufferedBytes;
        to.maxBlock = from.maxBlock;
        to.maxInFlightRequests = from.maxInFlightRequests;
        to.deliveryTimeout = from.deliveryTimeout;
        to.requestTimeout = from.requestTimeout;
        to.retryBackoff = from.retryBackoff;
        to.retryBackoffMax = from.retryBackoffMax;
        to.scheduler = from.scheduler;
        to.serviceFailureListener = from.serviceFailureListener;
        to.listener = from.listener;
        to.tracing = from.tracing;
        to.encryption = from.encryption;
        to.requireServerSideEncryption = from.requireServerSideEncryption;
        to.coalescing = from.coalescing;
        to.requestPath = from.requestPath;
        to.tlsEngine = from.tlsEngine;
        to.rateControl = from.rateControl;
        to.spill = from.spill;
        return to;
    }

    /** @return the copy of the settings, for the parts the client takes over (scheduler, listeners, tracing) */
    ProducerBuilder settings() {
        return settings;
    }
}
