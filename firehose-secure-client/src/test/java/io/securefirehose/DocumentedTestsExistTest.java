package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/ prove their claims by naming tests; a name that no longer exists would make a claim look
 * proved when it is not. Every {@code SomeTest.someMethod} they cite (or {@code SomeTest.someMeth…}, by the start of
 * its name) must be a method of that test class, and every
 * other long method-like name in backticks must be declared somewhere in the project's Java sources.
 */
class DocumentedTestsExistTest {

    private static final Pattern QUALIFIED = Pattern.compile("\\b([A-Z][A-Za-z0-9]*Test)\\.([a-z][A-Za-z0-9_]*)");
    private static final Pattern BARE = Pattern.compile("`([a-z][A-Za-z0-9]{24,})`");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    // Surefire runs tests in the module directory; the project root is its parent.
    private final Path root = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyTestTheDocsCiteExists() throws IOException {
        Map<String, String> testSources = new HashMap<>();
        StringBuilder allSources = new StringBuilder();
        for (Path file : javaFiles()) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            allSources.append(text);
            if (file.toString().contains("/src/test/java/")) {
                testSources.merge(file.getFileName().toString().replace(".java", ""), text, String::concat);
            }
        }
        List<Path> docs = documents();
        assertThat(docs).as("README.md and docs/ under %s", root).hasSizeGreaterThan(5);

        TreeSet<String> missing = new TreeSet<>();
        int cited = 0;
        for (Path doc : docs) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            Matcher qualified = QUALIFIED.matcher(text);
            while (qualified.find()) {
                cited++;
                String source = testSources.get(qualified.group(1));
                // "name…" cites a method by the start of its name.
                boolean prefix = qualified.end() < text.length() && text.charAt(qualified.end()) == '…';
                String declared = " " + qualified.group(2) + (prefix ? "" : "(");
                if (source == null || !source.contains(declared)) {
                    missing.add(root.relativize(doc) + ": " + qualified.group());
                }
            }
            Matcher bare = BARE.matcher(text);
            while (bare.find()) {
                String name = bare.group(1);
                if (!HEX.matcher(name).matches()) {
                    cited++;
                    if (allSources.indexOf(" " + name + "(") < 0) {
                        missing.add(root.relativize(doc) + ": " + name);
                    }
                }
            }
        }
        assertThat(cited).as("citations found").isGreaterThan(50);
        assertThat(missing).as("tests cited by the docs that do not exist").isEmpty();
    }

    private List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(root.resolve("README.md"));
        try (Stream<Path> files = Files.list(root.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /**
     * The project's Java sources. Build output and git's files are skipped without being entered: other builds (a
     * forked test JVM, a benchmark) create and delete files there while this runs.
     */
    private List<Path> javaFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return name.equals("target") || name.equals(".git")
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (file.toString().endsWith(".java")) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }
}
