package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The artifacts a build can depend on: the BOM pins every published module at the project's version, and every
 * POM a user's build reads carries the metadata Maven Central requires.
 */
class BomTest {

    private final Path root = Path.of("").toAbsolutePath().getParent();

    private static Document read(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    /** The text of the project's own child element {@code name}, or "" when absent. */
    private static String own(Document pom, String name) {
        for (Node child = pom.getDocumentElement().getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().strip();
            }
        }
        return "";
    }

    private static List<String> texts(Document pom, String tag) {
        List<String> values = new ArrayList<>();
        NodeList nodes = pom.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(nodes.item(i).getTextContent().strip());
        }
        return values;
    }

    /** Modules that are deployed: all but the BOM itself and those that skip deployment. */
    private List<String> publishedModules() throws Exception {
        List<String> published = new ArrayList<>();
        for (String module : texts(read(root.resolve("pom.xml")), "module")) {
            String pom = Files.readString(root.resolve(module).resolve("pom.xml"));
            if (!module.equals("firehose-secure-bom") && !pom.contains("<maven.deploy.skip>true</maven.deploy.skip>")) {
                published.add(module);
            }
        }
        return published;
    }

    @Test
    void theBomPinsEveryPublishedModuleAtTheProjectsVersion() throws Exception {
        Document parent = read(root.resolve("pom.xml"));
        Document bom = read(root.resolve("firehose-secure-bom/pom.xml"));

        assertThat(own(bom, "version")).isEqualTo(own(parent, "version"));
        assertThat(own(bom, "parent"))
                .as("no parent: its dependencyManagement would leak into imports")
                .isEmpty();
        assertThat(texts(bom, "artifactId"))
                .as("the BOM pins the published modules")
                .containsAll(publishedModules());
        assertThat(texts(bom, "version")).filteredOn(v -> v.startsWith("$")).containsOnly("${project.version}");
        assertThat(publishedModules()).contains("firehose-secure-client", "firehose-secure-testkit");
    }

    @Test
    void everyPomAUserReadsCarriesCentralsMetadata() throws Exception {
        for (Path pom : List.of(root.resolve("pom.xml"), root.resolve("firehose-secure-bom/pom.xml"))) {
            Document document = read(pom);
            for (String element : List.of("name", "description", "url", "licenses", "developers", "scm")) {
                assertThat(own(document, element)).as(pom + ": " + element).isNotEmpty();
            }
            assertThat(own(document, "issueManagement"))
                    .as(pom + ": issueManagement")
                    .contains("/issues");
        }
        for (String module : publishedModules()) {
            Document pom = read(root.resolve(module).resolve("pom.xml"));
            assertThat(own(pom, "name")).as(module + ": name").isNotEmpty();
            assertThat(own(pom, "description")).as(module + ": description").isNotEmpty();
            String text = Files.readString(root.resolve(module).resolve("pom.xml"));
            assertThat(text)
                    .as(module + ": Maven Central wants sources and Javadoc jars beside every published jar")
                    .doesNotContain("<maven.javadoc.skip>true")
                    .doesNotContain("<maven.source.skip>true");
            assertThat(texts(pom, "module.name"))
                    .as(module + ": its Automatic-Module-Name")
                    .singleElement()
                    .satisfies(name -> assertThat(name).startsWith("io.securefirehose"));
        }
    }
}
