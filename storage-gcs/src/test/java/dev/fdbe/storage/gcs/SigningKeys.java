package dev.fdbe.storage.gcs;

import com.google.auth.oauth2.ServiceAccountCredentials;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A service-account key made in the test run: an RSA key pair and the credentials over it, as a
 * key file from the console would give them. Nothing is fetched and no token is ever requested;
 * the credentials only sign.
 */
public final class SigningKeys {
  /** The service account's e-mail address. */
  public static final String EMAIL = "fdbe-links@fdbe-test.iam.gserviceaccount.com";
  private static final KeyPair PAIR = generate();

  private SigningKeys() {}

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("the JDK lacks RSA", e);
    }
  }

  static KeyPair pair() {
    return PAIR;
  }

  static ServiceAccountCredentials credentials() {
    return ServiceAccountCredentials.newBuilder()
        .setClientEmail(EMAIL)
        .setClientId("123456789")
        .setPrivateKey(PAIR.getPrivate())
        .setPrivateKeyId("test-key-1")
        .setProjectId("fdbe-test")
        .build();
  }

  /**
   * The key as a service-account key file (JSON) holds it, for stores that only sign and send no
   * request: its token endpoint is a closed loopback port, so that a request sent by mistake fails
   * at once instead of reaching Google.
   */
  static String keyFileJson() {
    return keyFileJson("http://127.0.0.1:9/token");
  }

  /** The key as a service-account key file (JSON) holds it, fetching access tokens from the URI. */
  public static String keyFileJson(String tokenUri) {
    String pem = ("-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(PAIR.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n").replace("\n", "\\n");
    return "{\n"
        + "  \"type\": \"service_account\",\n"
        + "  \"project_id\": \"fdbe-test\",\n"
        + "  \"private_key_id\": \"test-key-1\",\n"
        + "  \"private_key\": \"" + pem + "\",\n"
        + "  \"client_email\": \"" + EMAIL + "\",\n"
        + "  \"client_id\": \"123456789\",\n"
        + "  \"token_uri\": \"" + tokenUri + "\"\n"
        + "}\n";
  }
}
