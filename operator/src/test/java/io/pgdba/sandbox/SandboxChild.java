package io.pgdba.sandbox;

import java.nio.file.Path;

/** A sandbox's database in a process of its own, for tests that kill it or race it. */
final class SandboxChild {

  private SandboxChild() {}

  public static void main(String[] args) throws Exception {
    var state = SandboxState.acquire(Path.of(args[0]));
    var db = DemoDatabase.start(state.dataDir(), 0, "reader-pw", "ddl-pw");
    System.out.println("READY " + db.port());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /** Starts the child on {@code workDir} and waits until its database is up. */
  static Process start(Path workDir) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    var p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        SandboxChild.class.getName(), workDir.toString())
        .redirectErrorStream(true).start();
    var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
    var seen = new StringBuilder();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("READY ")) {
        return p;
      }
      seen.append(line).append('\n');
    }
    throw new IllegalStateException("the child sandbox did not start:\n" + seen);
  }
}
