package io.pgdba.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The Jib {@code image} profile as configured in operator/pom.xml, checked without building (no
 * registry is reachable to pull the base image here; operator/src/image/verify-offline.sh builds
 * on a stand-in base). It must agree with what the chart expects of the image.
 */
class ImageProfileTest {

  private static final String JIB =
      "/project/profiles/profile[id='image']/build/plugins/plugin[artifactId='jib-maven-plugin']";
  private static Document pom;
  private static JsonNode values;

  @BeforeAll
  static void read() throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    var file = ChartFiles.repoRoot().resolve("operator/pom.xml").toFile();
    pom = factory.newDocumentBuilder().parse(file);
    values =
        new ObjectMapper(new YAMLFactory())
            .readTree(ChartFiles.chart().resolve("values.yaml").toFile());
  }

  private static String text(String path) throws Exception {
    return XPathFactory.newInstance().newXPath().evaluate(JIB + path, pom).strip();
  }

  private static List<String> texts(String path) throws Exception {
    var nodes =
        (NodeList)
            XPathFactory.newInstance().newXPath().evaluate(JIB + path, pom, XPathConstants.NODESET);
    var result = new ArrayList<String>();
    for (int i = 0; i < nodes.getLength(); i++) {
      result.add(nodes.item(i).getTextContent().strip());
    }
    return result;
  }

  @Test
  void buildsATarInThePackagePhase() throws Exception {
    assertThat(text("/groupId")).isEqualTo("com.google.cloud.tools");
    assertThat(text("/version")).isNotEmpty();
    assertThat(text("/executions/execution/phase")).isEqualTo("package");
    assertThat(texts("/executions/execution/goals/goal")).containsExactly("buildTar");
    assertThat(text("/configuration/outputPaths/tar"))
        .isEqualTo("${project.build.directory}/jib-image.tar");
  }

  @Test
  void runsTheOperatorAsTheChartsNonRootUser() throws Exception {
    var user = text("/configuration/container/user");
    assertThat(user).isEqualTo("65532:65532");
    assertThat(values.at("/podSecurityContext/runAsUser").asText()).isEqualTo("65532");
    assertThat(values.at("/podSecurityContext/runAsGroup").asText()).isEqualTo("65532");
    assertThat(text("/configuration/container/mainClass")).isEqualTo("io.pgdba.cli.Main");
    assertThat(texts("/configuration/container/args/arg")).containsExactly("operator");
    assertThat(texts("/configuration/container/ports/port"))
        .containsExactly(values.at("/metrics/port").asText());
  }

  @Test
  void baseIsAJava17RuntimeFromARegistry() throws Exception {
    assertThat(text("/configuration/from/image")).isEqualTo("${image.base}");
    var base =
        XPathFactory.newInstance()
            .newXPath()
            .evaluate("/project/profiles/profile[id='image']/properties/image.base", pom);
    assertThat(base).matches(".*:17[-.].*jre.*|.*:17-jre");
  }
}
