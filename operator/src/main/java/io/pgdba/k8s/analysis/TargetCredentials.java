package io.pgdba.k8s.analysis;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pgdba.catalog.ConnectionSettings;
import io.pgdba.k8s.analysis.PgAnalysisSpec.SecretCredentials;
import io.pgdba.k8s.analysis.PgAnalysisSpec.Target;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns a target and a Secret reference into connection settings, reading the Secret when needed.
 * The values stay in memory for the run: never copied into a status, event, log or message.
 */
public final class TargetCredentials {

  /** The Secret or one of its keys is missing; the message names them, never a value. */
  public static final class MissingSecretException extends Exception {
    public MissingSecretException(String message) {
      super(message);
    }
  }

  private final KubernetesClient client;

  public TargetCredentials(KubernetesClient client) {
    this.client = client;
  }

  public ConnectionSettings resolve(String namespace, Target target, SecretCredentials ref)
      throws MissingSecretException {
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.name()).get();
    if (secret == null) {
      throw new MissingSecretException(
          "Secret " + namespace + "/" + ref.name() + " not found");
    }
    String user = value(secret, ref.userKeyOrDefault());
    String password = value(secret, ref.passwordKeyOrDefault());
    return new ConnectionSettings(
        target.host(),
        target.port() == null ? 5432 : target.port(),
        target.database(),
        user,
        password,
        target.sslMode() == null ? "prefer" : target.sslMode(),
        null,
        10);
  }

  private static String value(Secret secret, String key) throws MissingSecretException {
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key);
    }
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return new String(Base64.getDecoder().decode(secret.getData().get(key)),
          StandardCharsets.UTF_8).replaceAll("\r?\n$", "");
    }
    throw new MissingSecretException(
        "Secret " + secret.getMetadata().getName() + " has no key '" + key + "'");
  }
}
