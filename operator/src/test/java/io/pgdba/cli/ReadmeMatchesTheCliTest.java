package io.pgdba.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The README against the CLI's own description of itself (picocli's spec): the flags of each
 * command's synopsis, the operator's environment variables, the exit codes of analyze, the
 * sample output of analyze, and every field of the PgAnalysis spec.
 */
class ReadmeMatchesTheCliTest {

  static final Path README = Path.of("../README.md");
  private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*");
  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Z_]+)");

  @ParameterizedTest
  @ValueSource(strings = {"analyze", "operator", "demo"})
  void theSynopsisNamesEveryFlagOfTheCommandAndNoOther(String command) throws Exception {
    var spec = Main.commandLine(new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter())).getSubcommands().get(command).getCommandSpec();
    Set<String> documented = flags(synopsis(command));
    Set<String> known = new TreeSet<>();
    for (OptionSpec o : spec.options()) {
      known.addAll(List.of(o.names()));
      if (o.hidden() || o.usageHelp() || o.versionHelp()) {
        continue;
      }
      assertThat(documented).as("README synopsis of %s names %s", command, o.longestName())
          .containsAnyOf(o.names());
    }
    assertThat(known).as("flags of %s", command).containsAll(documented);
  }

  @Test
  void everyEnvironmentVariableOfTheOperatorIsInItsHelpAndTheReadme() throws Exception {
    var operator = new CommandLine(new OperatorCommand());
    String help = operator.getUsageMessage();
    String readme = Files.readString(README);
    var vars = new TreeSet<String>();
    // the annotations as written: picocli's model holds the defaults already resolved
    for (var field : OperatorCommand.class.getDeclaredFields()) {
      var option = field.getAnnotation(CommandLine.Option.class);
      Matcher m = ENV.matcher(option == null ? "" : option.defaultValue());
      if (m.find()) {
        vars.add(m.group(1));
        assertThat(String.join(" ", option.description())).as(option.names()[0])
            .contains("env " + m.group(1));
      }
    }
    assertThat(vars).hasSize(9);
    assertThat(help.replaceAll("\\s+", " ")).contains(vars);
    assertThat(readme).contains(vars);
    String section = readme.substring(readme.indexOf("### Running the operator"),
        readme.indexOf("## Installing in a cluster"));
    Set<String> inReadme = Pattern.compile("PGDBA_[A-Z_]+").matcher(section).results()
        .map(r -> r.group())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(inReadme).isEqualTo(vars);
  }

  @Test
  void analyzeHelpAndTheReadmeGiveTheSameExitCodes() throws Exception {
    Map<String, String> codes = new CommandLine(new AnalyzeCommand()).getCommandSpec()
        .usageMessage().exitCodeList();
    String readme = Files.readString(README).replaceAll("\\s+", " ");
    Matcher m = Pattern.compile("Exit status: 0 (.+?), 1 (.+?\\)), 2 (.+?), 3 (.+?\\))\\.")
        .matcher(readme);
    assertThat(m.find()).as("the README's exit status sentence").isTrue();
    assertThat(codes).containsExactly(Map.entry("0", m.group(1)), Map.entry("1", m.group(2)),
        Map.entry("2", m.group(3)), Map.entry("3", m.group(4)));
    assertThat(new CommandLine(new AnalyzeCommand()).getUsageMessage())
        .contains("Exit status:", "done", "wrong usage");
  }

  @Test
  void theAnalyzeSampleIsWhatTheCommandPrintsToday() throws Exception {
    String readme = Files.readString(README);
    Matcher m = Pattern.compile("```\\n\\$ java -jar operator/target/pgdba.jar (analyze [^\\n]+)"
        + "\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(m.find()).isTrue();
    List<String> args = new ArrayList<>();
    for (String a : m.group(1).split(" ")) {
      args.add(a.startsWith("examples/") ? "../" + a : a);
    }
    var out = new StringWriter();
    int exit = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter()))
        .execute(args.toArray(String[]::new));
    assertThat(exit).isZero();
    // the sample's lines, in order; "..." stands for lines left out
    List<String> actual = out.toString().lines().toList();
    int at = 0;
    for (String expected : m.group(2).lines().toList()) {
      if (expected.equals("...")) {
        continue;
      }
      int found = actual.subList(at, actual.size()).indexOf(expected);
      assertThat(found).as("README sample line %s in:%n%s", expected, out).isNotNegative();
      at += found + 1;
    }
  }

  @Test
  void everyFieldOfThePgAnalysisSpecIsNamedInTheReadme() throws Exception {
    var crd = Serialization.unmarshal(
        Files.readString(Path.of("../crds/pganalyses.pgdba.io-v1.yml")),
        CustomResourceDefinition.class);
    var spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("spec");
    var fields = new TreeSet<String>();
    collect(spec, fields);
    String readme = Files.readString(README);
    var missing = fields.stream()
        .filter(f -> !Pattern.compile("[`.]" + f + "[`:.]").matcher(readme).find()).toList();
    assertThat(missing).as("PgAnalysis spec fields the README never names").isEmpty();
  }

  @Test
  void everyFileTheReadmeNamesExists() throws Exception {
    String readme = Files.readString(README);
    var missing = Pattern.compile("`([\\w.-]+/[\\w./-]+\\.(?:json|ya?ml|sh|md|py))`")
        .matcher(readme).results().map(r -> r.group(1))
        .filter(f -> !Files.exists(Path.of("..", f))).toList();
    assertThat(missing).as("files named in the README that do not exist").isEmpty();
  }

  private static void collect(JSONSchemaProps schema, Set<String> into) {
    if (schema.getProperties() != null) {
      schema.getProperties().forEach((name, child) -> {
        into.add(name);
        collect(child, into);
      });
    }
    if (schema.getItems() != null && schema.getItems().getSchema() != null) {
      collect(schema.getItems().getSchema(), into);
    }
  }

  /** The code block that starts with the command's synopsis line. */
  private static String synopsis(String command) throws Exception {
    String readme = Files.readString(README);
    Matcher m = Pattern.compile("```\\n(java -jar operator/target/pgdba.jar " + command
        + " .*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(m.find()).as("a synopsis of %s in the README", command).isTrue();
    return m.group(1);
  }

  private static Set<String> flags(String text) {
    return FLAG.matcher(text).results().map(r -> r.group())
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
