package io.securefirehose.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.spring.boot.SecureFirehoseAutoConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The starter's jar as an application's build gets it: a module name, sources and Javadoc beside it. */
class StarterJarTest {

    @Test
    void theStarterJarNamesItsModuleAndHasSourcesAndJavadocBesideIt() throws Exception {
        Path jar = Path.of(SecureFirehoseAutoConfiguration.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        assertThat(jar.getFileName().toString()).endsWith(".jar");
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                    .isEqualTo("io.securefirehose.spring.boot");
            assertThat(file.getEntry("META-INF/spring-configuration-metadata.json"))
                    .isNotNull();
            assertThat(file.getEntry(
                            "META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports"))
                    .isNotNull();
        }
        String base = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        assertThat(Files.exists(jar.resolveSibling(base + "-sources.jar"))).isTrue();
        assertThat(Files.exists(jar.resolveSibling(base + "-javadoc.jar"))).isTrue();
    }
}
