package io.pgdba.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest ({@code Implementation-Version}), "dev" outside the jar. */
public final class Version implements IVersionProvider {

  public static String current() {
    var v = Version.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"pgdba " + current(), "Java " + Runtime.version()};
  }
}
