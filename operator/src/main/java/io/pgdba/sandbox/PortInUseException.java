package io.pgdba.sandbox;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A port the sandbox needs is taken, found before the sandbox starts anything. */
public final class PortInUseException extends IOException {

  /** What the port was for; the command line names the flag that changes it. */
  public enum Use { DATABASE, METRICS }

  private final int port;
  private final Use use;

  PortInUseException(int port, Use use) {
    super("port " + port + " is in use");
    this.port = port;
    this.use = use;
  }

  public int port() {
    return port;
  }

  public Use use() {
    return use;
  }

  /**
   * Fails when something listens on {@code port} on any local address (0 means "any free port"
   * and always passes). Binding the wildcard address catches a server on 127.0.0.1, ::1 or all.
   */
  static void check(int port, Use use) throws PortInUseException {
    if (port == 0) {
      return;
    }
    try (var socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      throw new PortInUseException(port, use);
    }
  }
}
