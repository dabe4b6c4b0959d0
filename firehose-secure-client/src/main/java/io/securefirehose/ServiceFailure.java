package io.securefirehose;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.errors.TlsPolicyViolationException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.apiguardian.api.API;

/**
 * One call that the producer made to an AWS service and that failed, as reported to
 * {@link ProducerBuilder#serviceFailureListener}: a whole {@code PutRecordBatch} call to Firehose, an STS call for the
 * session the producer signs with, or a KMS {@code GenerateDataKey} call for a data key. It says what the producer
 * already does about it ({@link #permanent()}); it is for operators and tools that want to see the cause as soon as
 * it happens, rather than when records fail. It never holds record data or secrets.
 *
 * @param service the service called
 * @param operation the API operation, for example {@code GenerateDataKey}
 * @param endpoint the endpoint the call went to, {@code https://host[:port]}
 * @param code the service's error code (for example {@code AccessDeniedException}), or, when the service did not
 *     answer, the failure's class name (for example {@code UnknownHostException})
 * @param error the failure: the producer's typed exception where it has one (STS: {@link
 *     io.securefirehose.errors.CredentialsUnavailableException}; KMS: {@link
 *     io.securefirehose.errors.EncryptionFailedException}; a refused connection: {@link TlsPolicyViolationException}
 *     or {@link EndpointPolicyViolationException}), else the AWS SDK's
 * @param permanent whether the producer takes the answer as final: the records that depend on the call fail with it
 *     at once (for STS and KMS, the producer still asks again after its backoff, in case the cause is fixed). When
 *     {@code false}, those records keep waiting for a later call, up to their delivery timeout
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record ServiceFailure(
        Service service, String operation, URI endpoint, String code, Throwable error, boolean permanent) {

    /** The AWS services a producer calls. */
    public enum Service {
        /** Amazon Data Firehose: {@code PutRecordBatch}. */
        FIREHOSE,
        /** AWS STS: {@code AssumeRole} or {@code AssumeRoleWithWebIdentity}, for the producer's credentials. */
        STS,
        /** AWS KMS: {@code GenerateDataKey}, for envelope encryption. */
        KMS
    }

    /**
     * Checks that every component is present.
     *
     * @param service the service called
     * @param operation the API operation
     * @param endpoint the endpoint the call went to
     * @param code the error code, or the failure's class name
     * @param error the failure
     * @param permanent whether the records that depend on the call fail with it at once
     */
    public ServiceFailure {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(error, "error");
    }

    /**
     * Whether the call never reached the service: the endpoint's name did not resolve, the connection was refused,
     * timed out or had no route, or the connection rules (TLS policy, allowed addresses) refused it. A service that
     * answered, even with an error or HTTP 5xx, was reached.
     *
     * @return {@code true} if nothing was exchanged with the service
     */
    public boolean unreachable() {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException
                    || t instanceof ConnectException
                    || t instanceof NoRouteToHostException
                    || t instanceof SSLException
                    || t instanceof TlsPolicyViolationException
                    || t instanceof EndpointPolicyViolationException) {
                return true;
            }
        }
        return false;
    }
}
