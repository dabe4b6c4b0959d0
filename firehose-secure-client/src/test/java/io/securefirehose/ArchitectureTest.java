package io.securefirehose;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layout of docs/architecture.md, enforced: no cycles between packages (apart from the engine's use of
 * the root package's values), each internal package using only the internal packages the map allows, the engine
 * never reaching back to the entry point, and no package or source file growing past the limits that keep a
 * concern readable.
 */
class ArchitectureTest {

    private static final String ROOT = "io.securefirehose";
    private static final String INTERNAL = ROOT + ".internal";

    /** The client's own classes (not its tests, not the testkit that shares the root package name). */
    private static final JavaClasses CLIENT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT)
            .that(not(resideInAPackage(ROOT + ".testkit..")));

    /** The client's and the testkit's main sources (the working directory is the client module). */
    private static final List<Path> SOURCES =
            List.of(Path.of("src/main/java"), Path.of("../firehose-secure-testkit/src/main/java"));

    /** Which other internal packages each internal package may use; {@code producer} may use them all. */
    private static final Map<String, List<String>> INTERNAL_USES = Map.ofEntries(
            Map.entry("wire", List.of("text")),
            Map.entry("text", List.of()),
            Map.entry("tls", List.of()),
            Map.entry("listen", List.of()),
            Map.entry("spill", List.of("text")),
            Map.entry("flow", List.of()),
            Map.entry("keys", List.of()),
            Map.entry("aws", List.of("tls")),
            Map.entry("identity", List.of("aws", "tls")),
            Map.entry("crypto", List.of("identity", "aws", "keys", "tls")),
            Map.entry("http", List.of("wire", "tls", "aws", "identity", "text", "listen")),
            Map.entry("client", List.of("producer", "http", "identity", "crypto", "aws", "tls", "flow", "listen")));

    @Test
    void theClientIsImported() {
        assertThat(CLIENT.contain(SecureFirehoseProducer.class)).isTrue();
        assertThat(CLIENT.stream().map(JavaClass::getPackageName).distinct())
                .contains(INTERNAL + ".producer", INTERNAL + ".wire", ROOT + ".errors")
                .noneMatch(name -> name.startsWith(ROOT + ".testkit"));
    }

    /**
     * No package cycles. The one exception is the rule itself: API packages point down into the engine, and the
     * engine may use the root package's value types (the configuration, receipts, limits) in return, so edges
     * from {@code internal} to the root package are left out of the cycle search. The next rule keeps those edges
     * to values.
     */
    @Test
    void packagesAreFreeOfCycles() {
        ArchRule rule = SlicesRuleDefinition.slices()
                .assignedFrom(byPackage())
                .should()
                .beFreeOfCycles()
                .ignoreDependency(resideInAPackage(INTERNAL + ".."), resideInAPackage(ROOT));
        rule.check(CLIENT);
    }

    @Test
    void theEngineNeverReachesBackToTheEntryPoint() {
        noClasses()
                .that()
                .resideInAPackage(INTERNAL + "..")
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(SecureFirehoseProducer.class, ProducerBuilder.class)
                .check(CLIENT);
    }

    @Test
    void eachInternalPackageUsesOnlyTheInternalPackagesItMay() {
        for (Map.Entry<String, List<String>> entry : INTERNAL_USES.entrySet()) {
            List<String> allowed = new ArrayList<>();
            allowed.add(INTERNAL + "." + entry.getKey());
            entry.getValue().forEach(other -> allowed.add(INTERNAL + "." + other));
            classes()
                    .that()
                    .resideInAPackage(INTERNAL + "." + entry.getKey())
                    .should()
                    .onlyDependOnClassesThat(resideOutsideOfPackage(INTERNAL + "..")
                            .or(resideInAnyPackage(allowed.toArray(String[]::new))))
                    .check(CLIENT);
        }
    }

    @Test
    void theErrorsPackageDependsOnNoOtherPackageOfTheSdk() {
        classes()
                .that()
                .resideInAPackage(ROOT + ".errors")
                .should()
                .onlyDependOnClassesThat(
                        resideOutsideOfPackage(ROOT + "..").or(resideInAnyPackage(ROOT + ".errors", ROOT + ".records")))
                .check(CLIENT);
    }

    /** Counted on the sources, so that the testkit (a jar on this module's class path) is counted too. */
    @Test
    void noPackageHoldsMoreThanFifteenTopLevelClasses() throws IOException {
        Map<String, Long> sizes = new TreeMap<>();
        for (Path sources : SOURCES) {
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java"))
                        .forEach(f ->
                                sizes.merge(sources.relativize(f.getParent()).toString(), 1L, Long::sum));
            }
        }
        assertThat(sizes).containsKeys("io/securefirehose/internal/producer", "io/securefirehose/testkit");
        assertThat(sizes)
                .allSatisfy((name, count) ->
                        assertThat(count).as("classes in %s", name).isLessThanOrEqualTo(15));
    }

    @Test
    void noMainSourceFileIsLongerThanFiveHundredLines() throws IOException {
        Map<String, Long> tooLong = new TreeMap<>();
        for (Path sources : SOURCES) {
            assertThat(sources).isDirectory();
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    long lines;
                    try (Stream<String> text = Files.lines(file)) {
                        lines = text.count();
                    }
                    if (lines > 500) {
                        tooLong.put(sources.relativize(file).toString(), lines);
                    }
                }
            }
        }
        assertThat(tooLong).as("main source files over 500 lines").isEmpty();
    }

    /** One slice per package of the client, named by the package. */
    private static SliceAssignment byPackage() {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass type) {
                return SliceIdentifier.of(type.getPackageName());
            }

            @Override
            public String getDescription() {
                return "packages of " + ROOT;
            }
        };
    }
}
