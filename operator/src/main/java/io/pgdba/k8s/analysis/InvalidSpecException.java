package io.pgdba.k8s.analysis;

/** A spec field a retry cannot fix; the message names the field. */
public final class InvalidSpecException extends RuntimeException {

  private final String field;

  public InvalidSpecException(String field, String problem) {
    super("spec." + field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
