package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.testkit.LocalFirehose;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.junit.jupiter.api.Test;

/**
 * Every public type of the client and the testkit says whether it is public API or internal, and the marker
 * matches the package: {@code internal} packages hold only internal types, the others none.
 */
class ApiBoundaryTest {

    @Test
    void everyPublicTypeCarriesAStabilityMarkerThatMatchesItsPackage() throws Exception {
        List<Class<?>> publicTypes = new ArrayList<>();
        publicTypes.addAll(publicTopLevelTypes(ProducerConfig.class));
        publicTypes.addAll(publicTopLevelTypes(LocalFirehose.class));
        assertThat(publicTypes).hasSizeGreaterThan(20);
        for (Class<?> type : publicTypes) {
            API api = type.getAnnotation(API.class);
            assertThat(api).as("@API on %s", type.getName()).isNotNull();
            boolean internalPackage = type.getPackageName().contains(".internal");
            assertThat(api.status() == API.Status.INTERNAL)
                    .as("%s is in %s but marked %s", type.getName(), type.getPackageName(), api.status())
                    .isEqualTo(internalPackage);
        }
    }

    private static List<Class<?>> publicTopLevelTypes(Class<?> anchor) throws IOException, URISyntaxException {
        Path location = Path.of(
                anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> types = new ArrayList<>();
        if (Files.isDirectory(location)) {
            collect(location, types);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                collect(jar.getPath("/"), types);
            }
        }
        return types;
    }

    private static void collect(Path root, List<Class<?>> types) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve("io/securefirehose"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.contains("$") || name.endsWith("package-info")) {
                    continue;
                }
                Class<?> type = loadQuietly(name);
                if (type != null && Modifier.isPublic(type.getModifiers())) {
                    types.add(type);
                }
            }
        }
    }

    private static Class<?> loadQuietly(String name) {
        try {
            return Class.forName(name, false, ApiBoundaryTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("cannot load " + name, e);
        }
    }
}
