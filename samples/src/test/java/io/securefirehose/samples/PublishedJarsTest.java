package io.securefirehose.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.testkit.LocalFirehose;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The jars this sample application runs on, as a user's build gets them: each names its module for the module
 * path, and comes with its sources and Javadoc jars beside it.
 */
class PublishedJarsTest {

    private static Path jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({"client, io.securefirehose", "testkit, io.securefirehose.testkit"})
    void eachJarNamesItsModuleAndHasSourcesAndJavadocBesideIt(String module, String moduleName) throws Exception {
        Path jar = jarOf(module.equals("client") ? SecureFirehoseProducer.class : LocalFirehose.class);
        assertThat(jar.getFileName().toString())
                .as("the reactor hands a later module the packaged jar, not the classes directory")
                .endsWith(".jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                    .isEqualTo(moduleName);
        }
        String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        assertThat(Files.exists(jar.resolveSibling(base + "-sources.jar")))
                .as(base + "-sources.jar")
                .isTrue();
        assertThat(Files.exists(jar.resolveSibling(base + "-javadoc.jar")))
                .as(base + "-javadoc.jar")
                .isTrue();
    }
}
