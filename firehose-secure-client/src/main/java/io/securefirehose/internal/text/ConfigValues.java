package io.securefirehose.internal.text;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * Reads the values of string configuration (properties files, environment): durations, byte sizes, booleans,
 * whole numbers and lists. Each refusal says what the text was not and what is accepted; the caller adds the key.
 * Stateless.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class ConfigValues {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ns|us|ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s?(B|KiB|MiB|GiB|TiB)?");

    private ConfigValues() {}

    /**
     * @param text {@code 5ms}, {@code 1s}, {@code 2m}, {@code 1h}, {@code 1d} (also {@code ns}, {@code us}), or
     *     ISO-8601 such as {@code PT0.5S}
     * @return the duration
     * @throws IllegalArgumentException if it is neither
     */
    public static Duration duration(String text) {
        Matcher compact = DURATION.matcher(text);
        if (compact.matches()) {
            long amount = Long.parseLong(compact.group(1));
            return switch (compact.group(2)) {
                case "ns" -> Duration.ofNanos(amount);
                case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1_000L));
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "not a duration: use a number with ns, us, ms, s, m, h or d (5ms, 1s, 2m) or ISO-8601 (PT0.5S)", e);
        }
    }

    /**
     * @param text a byte count, or a count with a binary unit: {@code 512KiB}, {@code 32MiB}, {@code 1GiB}
     * @return the bytes
     * @throws IllegalArgumentException for anything else, decimal units ({@code MB}) included: they are ambiguous
     */
    public static long bytes(String text) {
        Matcher size = SIZE.matcher(text);
        if (!size.matches()) {
            throw new IllegalArgumentException("not a size: use a byte count or a number with B, KiB, MiB, GiB or TiB"
                    + " (32MiB); decimal units such as MB are not accepted, being read differently by different"
                    + " tools");
        }
        String unit = size.group(2) == null ? "B" : size.group(2);
        int shift = List.of("B", "KiB", "MiB", "GiB", "TiB").indexOf(unit) * 10;
        try {
            long count = Long.parseLong(size.group(1));
            if (count > (Long.MAX_VALUE >> shift)) {
                throw new ArithmeticException("too large");
            }
            return count << shift;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("too large a size", e);
        }
    }

    /**
     * @param text a byte count or size that fits an {@code int}
     * @return the bytes
     * @throws IllegalArgumentException if it is not a size or is 2 GiB or more
     */
    public static int intBytes(String text) {
        long bytes = bytes(text);
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too large a size: at most " + Integer.MAX_VALUE + " bytes");
        }
        return (int) bytes;
    }

    /**
     * @param text {@code true} or {@code false}, in any case
     * @return the value
     * @throws IllegalArgumentException for anything else (no {@code yes}, {@code 1} or empty text)
     */
    public static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean: use true or false");
        };
    }

    /**
     * @param text a whole number
     * @return the number
     * @throws IllegalArgumentException if it is not one, or does not fit an {@code int}
     */
    public static int integer(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number", e);
        }
    }

    /**
     * @param text a whole number
     * @return the number
     * @throws IllegalArgumentException if it is not one, or does not fit a {@code long}
     */
    public static long longInteger(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number", e);
        }
    }

    /**
     * @param text comma-separated items; blanks around each are dropped
     * @return the items, none empty
     * @throws IllegalArgumentException if an item is empty
     */
    public static List<String> list(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String trimmed = item.strip();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException("an empty item in a comma-separated list");
            }
            items.add(trimmed);
        }
        return items;
    }
}
