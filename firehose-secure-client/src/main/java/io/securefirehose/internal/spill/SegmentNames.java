package io.securefirehose.internal.spill;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Names of spill segments: {@code segment-<20-digit sequence>.spill}, and {@code .damaged} once set aside. */
final class SegmentNames {

    static final Pattern PATTERN = Pattern.compile("segment-(\\d{20})\\.spill(\\.damaged)?");
    static final String DAMAGED = ".damaged";

    /**
     * The highest sequence number a segment name may carry: far beyond what a producer writes (a segment a
     * microsecond for 30,000 years), and far enough below {@code Long.MAX_VALUE} that the numbering never wraps.
     */
    static final long MAX_SEQUENCE = 999_999_999_999_999_999L;

    private SegmentNames() {}

    /** Whether {@code file} is a segment to replay: a segment name, not set aside as damaged. */
    static boolean isLive(Path file) {
        Matcher name = PATTERN.matcher(String.valueOf(file.getFileName()));
        return name.matches() && name.group(2) == null;
    }

    /** The name of segment {@code sequence}. */
    static String of(long sequence) {
        return String.format("segment-%020d.spill", sequence);
    }

    /** The sequence number of a segment name, or {@code null} if it is not one this store writes. */
    static @Nullable Long sequenceOf(String fileName) {
        Matcher name = PATTERN.matcher(fileName);
        if (!name.matches()) {
            return null;
        }
        try {
            long sequence = Long.parseLong(name.group(1));
            return sequence <= MAX_SEQUENCE ? sequence : null;
        } catch (NumberFormatException overflow) {
            return null;
        }
    }
}
