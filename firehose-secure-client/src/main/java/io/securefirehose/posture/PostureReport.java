package io.securefirehose.posture;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The findings of one {@link SecurityPosture} check, in a fixed order.
 *
 * @param streamArn the stream checked
 * @param findings every finding
 */
@API(status = STABLE, since = "0.1.0")
public record PostureReport(String streamArn, List<PostureFinding> findings) {

    /**
     * Copies the findings.
     *
     * @param streamArn the stream checked
     * @param findings every finding
     */
    public PostureReport {
        Objects.requireNonNull(streamArn, "streamArn");
        findings = List.copyOf(findings);
    }

    /** @return whether no finding is {@code FAIL} */
    public boolean passed() {
        return findings.stream().noneMatch(f -> f.level() == PostureFinding.Level.FAIL);
    }

    /**
     * @param id a finding's identifier
     * @return the finding
     * @throws IllegalArgumentException if there is none with that id
     */
    public PostureFinding finding(String id) {
        return findings.stream()
                .filter(f -> f.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no finding '" + id + "'"));
    }
}
