package dev.dspy4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * {@code bom/pom.xml} has no parent (importing it must not pin a user's Jackson), so nothing makes it
 * follow the build by itself: this test fails when a published module is missing from it, when it
 * names an artifact the build does not make, or when its version is not the project's.
 */
class BomTest {
    /** Modules that are built but not published, so not in the BOM. */
    private static final Set<String> UNPUBLISHED = Set.of("bench", "bom");

    private static final Path ROOT = Path.of("..");

    @Test
    void theBomListsEveryPublishedModuleAtTheProjectsVersion() throws Exception {
        Element parent = read(ROOT.resolve("pom.xml"));
        Set<String> published = new TreeSet<>();
        for (String module : texts(child(parent, "modules"), "module")) {
            if (UNPUBLISHED.contains(module)) continue;
            published.add(text(read(ROOT.resolve(module).resolve("pom.xml")), "artifactId"));
        }

        Element bom = read(ROOT.resolve("bom/pom.xml"));
        Set<String> listed = new TreeSet<>();
        for (Element d : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            assertThat(text(d, "groupId")).isEqualTo("dev.dspy4j");
            assertThat(text(d, "version")).isEqualTo("${project.version}");
            listed.add(text(d, "artifactId"));
        }

        assertThat(listed)
                .as("artifacts in bom/pom.xml vs. the published modules of pom.xml")
                .isEqualTo(published);
        assertThat(text(bom, "version")).as("bom/pom.xml's version").isEqualTo(text(parent, "version"));
        assertThat(text(bom, "groupId")).isEqualTo(text(parent, "groupId"));
    }

    private static Element read(Path pom) throws Exception {
        assertThat(pom).exists();
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (var in = Files.newInputStream(pom)) {
            Document doc = f.newDocumentBuilder().parse(in);
            return doc.getDocumentElement();
        }
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) out.add(c);
        }
        return out;
    }

    private static Element child(Element e, String name) {
        List<Element> found = children(e, name);
        assertThat(found).as("<%s> in <%s>", name, e.getTagName()).hasSize(1);
        return found.get(0);
    }

    private static String text(Element e, String name) {
        return child(e, name).getTextContent().strip();
    }

    private static List<String> texts(Element e, String name) {
        return children(e, name).stream().map(c -> c.getTextContent().strip()).toList();
    }
}
