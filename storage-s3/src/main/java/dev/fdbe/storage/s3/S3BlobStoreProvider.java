package dev.fdbe.storage.s3;

import dev.fdbe.spi.BlobStore;
import dev.fdbe.spi.BlobStoreProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Makes {@link S3BlobStore}s for {@code s3:} locations; found by
 * {@link dev.fdbe.BlobStores#fromUri} through {@link java.util.ServiceLoader}.
 *
 * <p>The location is {@code s3://<bucket>[/<key prefix>][?<parameters>]}, e.g.
 * {@code s3://acme-exports/fdbe?region=eu-west-1&sse=aws:kms&kmsKeyId=alias/fdbe}, or for an
 * S3-compatible store {@code s3://exports?endpoint=http://127.0.0.1:9000&pathStyle=true&region=us-east-1}.
 * Parameters (each at most once; values percent-encoded where needed, as
 * {@link BlobStoreProvider#parameters} reads them):
 *
 * <ul>
 *   <li>{@code region}: e.g. {@code eu-west-1}; default the SDK's chain ({@code AWS_REGION}, profile)
 *   <li>{@code endpoint}: an S3-compatible store's URL; default AWS
 *   <li>{@code pathStyle}: {@code true} or {@code false} (default)
 *   <li>{@code profile}: a profile of the shared AWS config files to take credentials from
 *   <li>{@code sse}: {@code AES256} (SSE-S3) or {@code aws:kms} (SSE-KMS); default the bucket's
 *   <li>{@code kmsKeyId}: the KMS key id, alias or ARN, with {@code sse=aws:kms}
 *   <li>{@code partSizeMb}: the part size in MiB, 5 to 5120; default 16
 *   <li>{@code inFlightParts}: parts of one upload held in memory, 1 to 64; default 4
 * </ul>
 *
 * <p>Credentials come from the AWS SDK's default provider chain (e.g. {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY}, or a role) or the named profile. Keys in the location are refused:
 * a location is shown in logs, in run logs ({@code describe()}) and, as a server flag, in process
 * listings, where a secret must not appear. Thread-safe.
 */
public final class S3BlobStoreProvider implements BlobStoreProvider {
  /** The query parameters a location may carry. */
  public static final List<String> PARAMETERS = List.of("region", "endpoint", "pathStyle", "profile", "sse",
      "kmsKeyId", "partSizeMb", "inFlightParts");

  private static final Set<String> SECRET_PARAMETERS = Set.of("accesskeyid", "secretaccesskey", "sessiontoken",
      "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "accesskey", "secretkey", "secret");

  /** A provider; called by {@link java.util.ServiceLoader}. */
  public S3BlobStoreProvider() {}

  /** {@code s3}. */
  @Override
  public String scheme() {
    return "s3";
  }

  /**
   * A store for the location; contacts nothing yet.
   *
   * @throws IllegalArgumentException naming the location and the problem when it is not of the
   *     form above, has an unknown, repeated or malformed parameter, carries credentials, or names
   *     no region while the SDK's default chain finds none
   */
  @Override
  public BlobStore create(URI location) {
    S3StorageConfig config = config(location);
    try {
      return S3BlobStore.create(config);
    } catch (IllegalArgumentException e) {
      throw invalid(location, e.getMessage());
    }
  }

  /** The config a location describes; touches nothing. */
  static S3StorageConfig config(URI location) {
    Objects.requireNonNull(location, "location");
    if (!"s3".equalsIgnoreCase(location.getScheme())) {
      throw invalid(location, "the scheme must be 's3'");
    }
    if (location.isOpaque() || location.getRawAuthority() == null || location.getRawAuthority().isEmpty()) {
      throw invalid(location, "it must name a bucket, as in s3://bucket/prefix");
    }
    if (location.getRawAuthority().contains("@")) {
      throw invalid(location, "credentials do not belong in the location (it shows in logs and process "
          + "listings); use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a role, or profile=");
    }
    if (location.getRawFragment() != null) {
      throw invalid(location, "a fragment is not supported");
    }
    S3StorageConfig.Builder builder;
    try {
      builder = S3StorageConfig.builder(location.getRawAuthority());
    } catch (IllegalArgumentException e) {
      throw invalid(location, e.getMessage());
    }
    String path = location.getPath() == null ? "" : location.getPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    Map<String, String> parameters;
    try {
      if (!path.isEmpty()) {
        builder.keyPrefix(path);
      }
      parameters = BlobStoreProvider.parameters(location.getRawQuery());
    } catch (IllegalArgumentException e) {
      throw invalid(location, e.getMessage());
    }
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      try {
        apply(builder, parameter.getKey(), parameter.getValue());
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw invalid(location, e.getMessage());
      }
    }
    try {
      return builder.build();
    } catch (IllegalStateException e) {
      throw invalid(location, e.getMessage());
    }
  }

  private static void apply(S3StorageConfig.Builder builder, String name, String value) {
    switch (name) {
      case "region" -> builder.region(value);
      case "endpoint" -> {
        try {
          builder.endpoint(new URI(value));
        } catch (URISyntaxException e) {
          throw new IllegalArgumentException("endpoint '" + value + "' is not a URI");
        }
      }
      case "pathStyle" -> builder.pathStyle(parseBoolean(name, value));
      case "profile" -> builder.profile(value);
      case "sse" -> builder.serverSideEncryption(ServerSideEncryption.fromHeaderValue(value));
      case "kmsKeyId" -> builder.kmsKeyId(value);
      case "partSizeMb" -> {
        long mb = parseLong(name, value);
        if (mb < 5 || mb > 5120) {
          throw new IllegalArgumentException("partSizeMb must be from 5 to 5120, got " + value);
        }
        builder.partSizeBytes(mb * 1024 * 1024);
      }
      case "inFlightParts" -> {
        long parts = parseLong(name, value);
        builder.inFlightParts((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, parts)));
      }
      default -> {
        if (SECRET_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException("credentials do not belong in the location ('" + name + "'; it shows "
              + "in logs and process listings); use AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a role, or profile=");
        }
        throw new IllegalArgumentException("unknown query parameter '" + name + "'; known: "
            + String.join(", ", PARAMETERS));
      }
    }
  }

  private static boolean parseBoolean(String name, String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
    };
  }

  private static long parseLong(String name, String value) {
    if (!value.matches("[0-9]+")) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
    }
    if (value.length() > 9) {
      throw new IllegalArgumentException(name + " is out of range, got '" + value + "'");
    }
    return Long.parseLong(value);
  }

  private static IllegalArgumentException invalid(URI location, String problem) {
    return new IllegalArgumentException("invalid S3 storage location '" + location + "': " + problem);
  }
}
