package io.pgdba.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of pgdba.jar: the CLI and the operator process. Each command is a picocli
 * subcommand class listed in {@code subcommands} below; adding a command means adding its class
 * there and nothing else.
 */
@Command(
    name = "pgdba",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "PostgreSQL DBA assistant: log analysis, index advice, Kubernetes operator.",
    subcommands = {AnalyzeCommand.class, OperatorCommand.class, DemoCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  /** Exit status for an unreadable input or an unreachable target (2 is picocli's usage error). */
  public static final int EXIT_FAILURE = 1;

  /** Exit status when the heap ran out: the input is fine, the JVM needs a larger -Xmx. */
  public static final int EXIT_OUT_OF_MEMORY = 3;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "missing command (one of: " + String.join(", ", spec.subcommands().keySet()) + ")");
  }

  public static void main(String[] args) {
    Warmup.start(args);
    System.exit(execute(args));
  }

  /** Runs the CLI with the process's streams and returns the exit status. */
  public static int execute(String... args) {
    var out = new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8),
        false);
    var err = new PrintWriter(
        new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8),
        true);
    try {
      return commandLine(out, err).execute(args);
    } catch (OutOfMemoryError e) {
      // The work that filled the heap is unwound and collectable by now: one line, no trace.
      err.println(outOfMemoryMessage(Runtime.getRuntime().maxMemory()));
      return EXIT_OUT_OF_MEMORY;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** What a user reads when the heap ran out, with what to do about it. */
  static String outOfMemoryMessage(long maxHeapBytes) {
    long mb = maxHeapBytes >> 20;
    long suggested = Math.max(1024, Long.highestOneBit(Math.max(1, mb)) * 4);
    return "pgdba: out of memory (Java heap of " + mb + " MB): run it with a larger heap, e.g."
        + " java -Xmx" + (suggested >= 1024 ? suggested / 1024 + "g" : suggested + "m")
        + " -jar pgdba.jar ..., or lower --max-fingerprints";
  }

  /** The command tree with its error handling, writing to the given streams (tests use this). */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    var cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    // "--log a.log --typo" must fail as a usage error, not read a file named "--typo".
    cl.setUnmatchedOptionsAllowedAsOptionParameters(false);
    // A usage error: the message and where to look, not the whole help page.
    cl.setParameterExceptionHandler(
        (e, args) -> {
          var errOut = e.getCommandLine().getErr();
          errOut.println("pgdba: " + e.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(e, errOut);
          errOut.println(
              "Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
          return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // A bug, not a user mistake: one line by default, the trace on request.
          commandLine.getErr().println("pgdba: internal error: " + e);
          if (System.getenv("PGDBA_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
          } else {
            commandLine.getErr().println("pgdba: set PGDBA_DEBUG=1 to see the stack trace");
          }
          return EXIT_FAILURE;
        });
    return cl;
  }
}
