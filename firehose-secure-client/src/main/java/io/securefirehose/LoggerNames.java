package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The SLF4J logger names the SDK logs under. They name concerns, not classes, so that moving a class never changes
 * an operator's logging configuration. No logger ever receives record payloads, key material or credentials; see
 * {@code docs/producer.md} (Logging) for what each one logs and at which level.
 */
@API(status = STABLE, since = "0.1.0")
public final class LoggerNames {

    /** The send path: failed and timed-out records, retries, close, records spilled, the scheduler thread. */
    public static final String PRODUCER = "io.securefirehose.producer";

    /** STS sessions: AssumeRole and web identity refreshes and their failures. */
    public static final String CREDENTIALS = "io.securefirehose.credentials";

    /** Client-side envelope encryption: data keys from KMS, records waiting for a key. */
    public static final String ENCRYPTION = "io.securefirehose.encryption";

    /** The spill directory: segments written, replayed, set aside as damaged. */
    public static final String SPILL = "io.securefirehose.spill";

    /** Security events: connections to addresses that were not pinned, requests to other hosts or over plain HTTP. */
    public static final String SECURITY = "io.securefirehose.security";

    private LoggerNames() {}
}
