package io.securefirehose.internal.identity;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * The delivery streams one role's session policy names: those a {@code SecureFirehoseClient} opened with that role.
 * Opening a stream widens the scope and makes a new version; the session is then renewed, and the new stream sends
 * once a session asked for with that version has come. Closing a stream narrows it from the next renewal on, except
 * the last one (a policy names at least one stream). Thread-safe.
 */
@API(status = INTERNAL, since = "0.6.0")
public final class SessionScope {

    private final List<String> streamArns = new ArrayList<>();
    private final AtomicInteger version = new AtomicInteger();

    /**
     * Adds a stream.
     *
     * @param streamArn the stream's ARN
     * @param check called with the widened list before it is kept; throws to refuse it
     * @return the version that names the stream
     */
    public synchronized int widen(String streamArn, Consumer<List<String>> check) {
        List<String> widened = new ArrayList<>(streamArns);
        widened.add(streamArn);
        check.accept(List.copyOf(widened));
        streamArns.add(streamArn);
        return version.incrementAndGet();
    }

    /**
     * Removes a stream from the next session on; the last one stays.
     *
     * @param streamArn the stream's ARN
     */
    public synchronized void narrow(String streamArn) {
        if (streamArns.size() > 1) {
            streamArns.remove(streamArn);
        }
    }

    /** @return the streams named now */
    public synchronized List<String> streamArns() {
        return List.copyOf(streamArns);
    }

    /** @return the current version; it only grows */
    public int version() {
        return version.get();
    }
}
