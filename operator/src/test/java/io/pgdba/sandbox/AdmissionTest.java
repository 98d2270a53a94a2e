package io.pgdba.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the sandbox API changes in a write before storing it, and what it leaves alone. */
class AdmissionTest {

  static final String PATH = "/apis/pgdba.io/v1alpha1/namespaces/shop/pganalyses";
  final Admission admission = new Admission(41234);

  @Test
  void aLoopbackTargetFollowsTheSandboxDatabaseAndARemoteOneIsLeftAlone() {
    assertThat(admission.object("""
        {"spec":{"target":{"host":"127.0.0.1","port":54329,"database":"shop"}}}"""))
        .contains("\"port\":41234");
    assertThat(admission.object("""
        {"spec":{"target":{"host":"localhost","port":5432}}}""")).contains("\"port\":41234");
    assertThat(admission.object("""
        {"spec":{"target":{"host":"db.prod.example.com","port":54329}}}"""))
        .contains("\"port\":54329");
  }

  @Test
  void patchesThatSetThePortAreRepointedToo() {
    // kubectl patch --type=merge of the port alone, and --type=json
    assertThat(body(admission.admit(request("PATCH", PATH + "/shop-db",
        "application/merge-patch+json", "{\"spec\":{\"target\":{\"port\":54329}}}"),
        p -> null))).contains("\"port\":41234");
    assertThat(body(admission.admit(request("PATCH", PATH + "/shop-db",
        "application/json-patch+json",
        "[{\"op\":\"replace\",\"path\":\"/spec/target/port\",\"value\":54329}]"), p -> null)))
        .contains("\"value\":41234");
  }

  @Test
  void aPatchRecordsItsFieldManagerKeepingTheOthers() {
    String stored = """
        {"apiVersion":"pgdba.io/v1alpha1","metadata":{"managedFields":[
          {"manager":"pgdba-operator","operation":"Update","fieldsV1":{"f:spec":{"f:ddl":{}}}},
          {"manager":"kubectl-patch","operation":"Update","fieldsV1":{"f:spec":{"f:rollback":{}}}}
        ]}}""";
    String admitted = body(admission.admit(request("PATCH",
        "/apis/pgdba.io/v1alpha1/namespaces/shop/indexrecommendations/r?fieldManager=kubectl-patch",
        "application/merge-patch+json", "{\"spec\":{\"approved\":true}}"), p -> stored));
    assertThat(admitted).contains("\"manager\":\"pgdba-operator\"")
        .contains("\"manager\":\"kubectl-patch\"")
        .contains("\"f:spec\":{\"f:rollback\":{},\"f:approved\":{}}");
  }

  @Test
  void otherGroupsAndReadsPassUntouched() {
    var get = request("GET", PATH, null, "");
    assertThat(admission.admit(get, p -> null)).isSameAs(get);
    var secret = request("POST", "/api/v1/namespaces/shop/secrets", "application/json",
        "{\"spec\":{\"target\":{\"host\":\"127.0.0.1\",\"port\":1}}}");
    assertThat(admission.admit(secret, p -> null)).isSameAs(secret);
  }

  private static RecordedRequest request(String method, String path, String type, String body) {
    var headers = Headers.builder();
    if (type != null) {
      headers.add("Content-Type", type);
    }
    return new RecordedRequest(method + " " + path + " HTTP/1.1", HttpMethod.valueOf(method),
        path, headers.build(), new Buffer(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String body(RecordedRequest r) {
    return r.getUtf8Body();
  }
}
