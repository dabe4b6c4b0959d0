package io.securefirehose.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A driver's command line: {@code --name value} pairs and value-less switches. An unknown name, or a name without
 * its value, is refused naming it.
 */
final class Flags {

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> switches = new HashSet<>();

    private Flags() {}

    static Flags parse(String[] args, Set<String> valued, Set<String> switchNames) {
        Flags flags = new Flags();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (switchNames.contains(name)) {
                flags.switches.add(name);
            } else if (!valued.contains(name)) {
                throw new IllegalArgumentException("unknown flag " + name);
            } else if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            } else {
                flags.values.put(name, args[++i]);
            }
        }
        return flags;
    }

    boolean has(String switchName) {
        return switches.contains(switchName);
    }

    int integer(String name, int otherwise) {
        String value = values.get(name);
        return value == null ? otherwise : Integer.parseInt(value);
    }

    long number(String name, long otherwise) {
        String value = values.get(name);
        return value == null ? otherwise : Long.parseLong(value);
    }

    List<Integer> integers(String name, List<Integer> otherwise) {
        String value = values.get(name);
        return value == null
                ? otherwise
                : Arrays.stream(value.split(",", -1)).map(Integer::valueOf).toList();
    }

    List<String> words(String name, List<String> otherwise) {
        String value = values.get(name);
        return value == null ? otherwise : List.of(value.split(",", -1));
    }

    Path path(String name, Path otherwise) {
        String value = values.get(name);
        return value == null ? otherwise : Path.of(value);
    }
}
