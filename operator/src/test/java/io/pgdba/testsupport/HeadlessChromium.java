package io.pgdba.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium, driven from its command line (no WebDriver needed): it opens a page
 * as a person would, runs its scripts for a bounded virtual time, then prints the DOM or saves a
 * screenshot. Each call gets a fresh profile and no network service (no sync, no updates, no
 * QUIC), so tests neither depend on nor reach the network.
 */
public final class HeadlessChromium {

  private static final Path BINARY = Path.of("/usr/bin/chromium");

  private final Path profiles;
  private int runs;

  public HeadlessChromium(Path scratch) {
    this.profiles = scratch;
  }

  /** False when Debian's chromium is not installed: the tests that need it are skipped. */
  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /** The DOM after the page's scripts ran, as HTML text. */
  public String dumpDom(Path page, String hash, int width, int height) throws IOException {
    return run(page, hash, width, height, List.of("--dump-dom"), null);
  }

  /** A PNG of the viewport at {@code width} x {@code height}. */
  public void screenshot(Path page, String hash, int width, int height, Path png)
      throws IOException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    run(page, hash, width, height, List.of("--screenshot=" + png.toAbsolutePath(),
        "--hide-scrollbars"), png);
    if (!Files.isRegularFile(png) || Files.size(png) == 0) {
      throw new IOException("chromium wrote no screenshot " + png);
    }
  }

  private String run(Path page, String hash, int width, int height, List<String> what, Path png)
      throws IOException {
    Path profile = profiles.resolve("chromium-profile-" + (runs++));
    var cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
        "--virtual-time-budget=4000"));
    cmd.addAll(what);
    cmd.add(page.toUri() + (hash == null ? "" : "#" + hash));
    Path out = profiles.resolve("chromium-out-" + runs + ".html");
    var process = new ProcessBuilder(cmd)
        .redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("chromium did not finish within 90 s on " + page);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("chromium exited with " + process.exitValue() + " on " + page);
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
