package dev.fdbe;

import com.google.errorprone.annotations.CheckReturnValue;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a caller asks to export: a model, a data interval, a file config and event filters.
 *
 * <p>The record only checks that nothing is null. The rules of API.md (interval order and length,
 * an end in the future, filters on a model other than events, a negative size limit) are applied by
 * {@link ExportEngine#create}, which throws {@link InvalidRequestException} with the API's messages.
 *
 * @param model what to export
 * @param file format, compression and part size limit
 * @param include event names to export (events only); empty means all
 * @param exclude event names never to export (events only)
 * @param dataIntervalStart the first instant of the interval (inclusive)
 * @param dataIntervalEnd the end of the interval (exclusive)
 */
public record ExportRequest(
    Model model,
    FileConfig file,
    List<String> include,
    List<String> exclude,
    Instant dataIntervalStart,
    Instant dataIntervalEnd) {

  public ExportRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(file, "file");
    include = List.copyOf(Objects.requireNonNull(include, "include"));
    exclude = List.copyOf(Objects.requireNonNull(exclude, "exclude"));
    Objects.requireNonNull(dataIntervalStart, "dataIntervalStart");
    Objects.requireNonNull(dataIntervalEnd, "dataIntervalEnd");
  }

  /** A builder for a request of the model over {@code [start, end)}, with API.md's defaults. */
  @CheckReturnValue
  public static Builder builder(Model model, Instant start, Instant end) {
    return new Builder(model, start, end);
  }

  /** A builder holding this request's values. */
  @CheckReturnValue
  public Builder toBuilder() {
    Builder builder = new Builder(model, dataIntervalStart, dataIntervalEnd);
    builder.file = file;
    builder.include = include;
    builder.exclude = exclude;
    return builder;
  }

  /**
   * Builds an {@link ExportRequest}. Each option may be set once; setting it again is an
   * {@link IllegalStateException} naming the earlier value. The builder stays usable after build.
   */
  public static final class Builder {
    private final Model model;
    private final Instant start;
    private final Instant end;
    private @Nullable FileConfig file;
    private @Nullable List<String> include;
    private @Nullable List<String> exclude;

    private Builder(Model model, Instant start, Instant end) {
      this.model = Objects.requireNonNull(model, "model");
      this.start = Objects.requireNonNull(start, "start");
      this.end = Objects.requireNonNull(end, "end");
    }

    /** The file config; default {@link FileConfig#DEFAULT} (Parquet, no compression, one file). */
    public Builder file(FileConfig value) {
      Objects.requireNonNull(value, "file");
      if (file != null) {
        throw new IllegalStateException("file was already set to " + file);
      }
      file = value;
      return this;
    }

    /** Event names to export; default all. Only for {@link Model#EVENTS}. */
    public Builder include(Collection<String> names) {
      List<String> copy = List.copyOf(Objects.requireNonNull(names, "include"));
      if (include != null) {
        throw new IllegalStateException("include was already set to " + include);
      }
      include = copy;
      return this;
    }

    /** Event names never to export; default none. Only for {@link Model#EVENTS}. */
    public Builder exclude(Collection<String> names) {
      List<String> copy = List.copyOf(Objects.requireNonNull(names, "exclude"));
      if (exclude != null) {
        throw new IllegalStateException("exclude was already set to " + exclude);
      }
      exclude = copy;
      return this;
    }

    /** The request. */
    @CheckReturnValue
    public ExportRequest build() {
      return new ExportRequest(
          model,
          file == null ? FileConfig.DEFAULT : file,
          include == null ? List.of() : include,
          exclude == null ? List.of() : exclude,
          start,
          end);
    }
  }
}
