package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.internal.text.Printable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * The string keys {@link ProducerBuilder#properties(Map)} reads, the way a Kafka producer is configured: every
 * option of the builder that a string can express, named in kebab case ({@code max-batch-records}), with
 * durations as {@code 5ms} / {@code 1s} / ISO-8601 and sizes as {@code 32MiB} or bytes. Options that need code (a
 * credentials provider, a host resolver, a listener, a scheduler, a key store) have no key.
 *
 * <p>{@code docs/configuration.md} lists {@link #keys()}, checked by a test so the two cannot drift. Stateless and
 * thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class ProducerProperties {

    /**
     * One key.
     *
     * @param name the key; {@code <name>} in it stands for any name (a session tag, a context entry)
     * @param type what its value is
     * @param defaultValue what applies when it is not set
     * @param description what it sets
     */
    public record Key(String name, String type, String defaultValue, String description) {}

    private ProducerProperties() {}

    /** @return every key, in the order of {@code docs/configuration.md} */
    public static List<Key> keys() {
        List<Key> keys = new ArrayList<>();
        PropertyRules.OPTIONS.forEach(rule -> keys.add(rule.key()));
        for (PropertyRules.Group<?> group : PropertyRules.GROUPS) {
            keys.add(group.start().key());
            group.members().forEach(rule -> keys.add(rule.key()));
        }
        return List.copyOf(keys);
    }

    /** Applies {@code properties} to {@code builder}; see {@link ProducerBuilder#properties(Map)}. */
    static void apply(ProducerBuilder builder, Map<String, String> properties) {
        Map<String, String> left = new LinkedHashMap<>();
        properties.forEach((name, value) -> left.put(
                Objects.requireNonNull(name, "a property name is null"),
                Objects.requireNonNull(value, () -> "property '" + name + "' has a null value")));
        refuseUnknown(left.keySet());
        Duration initialBefore = builder.retryBackoff;
        Duration maxBefore = builder.retryBackoffMax;
        for (PropertyRules.Rule<ProducerBuilder> rule : PropertyRules.OPTIONS) {
            applyMatching(rule, builder, left);
        }
        String initial = left.get("retry-backoff");
        if (initial != null && !left.containsKey("retry-backoff-max") && !builder.retryBackoffMax.equals(maxBefore)) {
            Duration asked = builder.retryBackoff;
            builder.retryBackoff(initialBefore, maxBefore);
            throw new IllegalArgumentException("property 'retry-backoff' = '" + Printable.of(initial.strip())
                    + "': retryBackoffMax (" + maxBefore + ") must be at least retryBackoff (" + asked
                    + "): set retry-backoff-max too");
        }
        for (PropertyRules.Group<?> group : PropertyRules.GROUPS) {
            applyGroup(group, builder, left);
        }
    }

    private static <T> void applyGroup(
            PropertyRules.Group<T> group, ProducerBuilder builder, Map<String, String> properties) {
        String startName = group.start().key().name();
        String startValue = properties.get(startName);
        List<String> members = new ArrayList<>();
        for (String name : properties.keySet()) {
            if (group.members().stream().anyMatch(rule -> rule.suffixOf(name) != null)) {
                members.add(name);
            }
        }
        if (startValue == null) {
            if (!members.isEmpty()) {
                throw new IllegalArgumentException("property '" + members.get(0) + "' needs '" + startName + "' ("
                        + group.start().key().type() + ") to be set too");
            }
            return;
        }
        @Nullable T target = set(group.start(), null, "", startName, startValue);
        if (target == null && !members.isEmpty()) {
            throw new IllegalArgumentException("property '" + members.get(0) + "' needs '" + startName
                    + "' to be other than '" + Printable.of(startValue) + "'");
        }
        for (PropertyRules.Rule<T> rule : group.members()) {
            for (Map.Entry<String, String> entry : properties.entrySet()) {
                String suffix = rule.suffixOf(entry.getKey());
                if (suffix != null) {
                    target = set(rule, target, suffix, entry.getKey(), entry.getValue());
                }
            }
        }
        try {
            group.finish().apply(builder, target);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(
                    "property '" + startName + "' = '" + Printable.of(startValue.strip()) + "' with its group: "
                            + e.getMessage(),
                    e);
        }
    }

    private static void applyMatching(
            PropertyRules.Rule<ProducerBuilder> rule, ProducerBuilder builder, Map<String, String> properties) {
        String value = properties.get(rule.key().name());
        if (value != null) {
            set(rule, builder, "", rule.key().name(), value);
        }
    }

    /** Runs one setter, turning its refusal into one that names the key and the value. */
    @SuppressWarnings("NullAway") // a group's first setter receives no target: it creates it
    private static <T> @Nullable T set(
            PropertyRules.Rule<T> rule, @Nullable T target, String suffix, String name, String value) {
        String trimmed = value.strip();
        try {
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException("empty");
            }
            return rule.setter().set(target, suffix, trimmed);
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new IllegalArgumentException(
                    "property '" + name + "' = '" + Printable.of(trimmed) + "': " + e.getMessage() + " (accepted: "
                            + rule.key().type() + ")",
                    e);
        }
    }

    private static void refuseUnknown(Iterable<String> names) {
        List<PropertyRules.Rule<?>> all = new ArrayList<>(PropertyRules.OPTIONS);
        for (PropertyRules.Group<?> group : PropertyRules.GROUPS) {
            all.add(group.start());
            all.addAll(group.members());
        }
        for (String name : names) {
            if (all.stream().noneMatch(rule -> rule.suffixOf(name) != null)) {
                TreeSet<String> known = new TreeSet<>();
                keys().forEach(key -> known.add(key.name()));
                throw new IllegalArgumentException(
                        "unknown property '" + Printable.of(name) + "'" + closest(name, known)
                                + "; the keys are listed in docs/configuration.md: " + String.join(", ", known));
            }
        }
    }

    /** A hint for a misspelt key: the known key at the smallest edit distance, if it is close. */
    private static String closest(String name, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(name.toLowerCase(Locale.ROOT), candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
