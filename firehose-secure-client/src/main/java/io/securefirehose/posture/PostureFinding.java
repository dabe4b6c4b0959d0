package io.securefirehose.posture;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One result of the {@link SecurityPosture} check.
 *
 * @param id stable identifier, for example {@code sse-enabled}
 * @param level {@code PASS}, {@code WARN} or {@code FAIL}
 * @param practice the practice the finding checks
 * @param evidence what the stream's description says
 * @param fix how to fix it (empty when it passes)
 */
@API(status = STABLE, since = "0.1.0")
public record PostureFinding(String id, Level level, String practice, String evidence, String fix) {

    /** How a finding came out. */
    public enum Level {
        /** The practice is followed. */
        PASS,
        /** Not followed, or could not be confirmed; not failing on its own. */
        WARN,
        /** Not followed in a way that matters; the check fails. */
        FAIL
    }

    /**
     * Checks that nothing is missing.
     *
     * @param id identifier
     * @param level outcome
     * @param practice the practice
     * @param evidence what was seen
     * @param fix how to fix it
     */
    public PostureFinding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(practice, "practice");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(fix, "fix");
    }

    /** @return one line: level, id, evidence and, unless it passed, the fix */
    @Override
    public String toString() {
        return level + " " + id + ": " + evidence + (level == Level.PASS ? "" : " -> " + fix);
    }
}
