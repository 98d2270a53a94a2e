package io.pgdba.cli;

/** Entry point of pgdba.jar: the CLI and, later, the operator process. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("pgdba: not implemented yet");
    System.exit(2);
  }
}
