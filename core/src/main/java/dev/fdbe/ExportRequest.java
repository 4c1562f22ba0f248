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
 * <p>A request is whole once made: its values check the HTTP API's rules that need nothing but
 * themselves, each where it is made, and throw {@link InvalidRequestException} naming the field with
 * the API's message. {@link TimeRange} checks the interval's order (at the microseconds that are
 * stored), {@link FileConfig} the size limit, and this record the event filters (only for
 * {@link Model#EVENTS}, at most 1000 non-blank names of at most 1000 characters).
 * {@link ExportEngine#create} adds the rules that depend on its settings: the interval's length, an
 * end in the future, and the formats and compressions it can write.
 *
 * @param model what to export
 * @param file format, compression and part size limit
 * @param include event names to export (events only); empty means all
 * @param exclude event names never to export (events only)
 * @param dataInterval the interval whose rows are exported, start inclusive, end exclusive
 */
public record ExportRequest(
    Model model,
    FileConfig file,
    List<String> include,
    List<String> exclude,
    TimeRange dataInterval) {
  private static final int MAX_EVENT_NAMES = 1000;
  private static final int MAX_EVENT_NAME_LENGTH = 1000;

  /**
   * @throws InvalidRequestException naming {@code include} or {@code exclude} when a filter is given
   *     for a model other than events, holds too many names, a blank name, one too long or one with
   *     a NUL character (PostgreSQL text cannot hold one, so no stored event could match it)
   */
  public ExportRequest {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(file, "file");
    include = List.copyOf(Objects.requireNonNull(include, "include"));
    exclude = List.copyOf(Objects.requireNonNull(exclude, "exclude"));
    Objects.requireNonNull(dataInterval, "dataInterval");
    checkFilters(model, "include", include);
    checkFilters(model, "exclude", exclude);
  }

  private static void checkFilters(Model model, String field, List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    if (model != Model.EVENTS) {
      throw new InvalidRequestException(field,
          "'" + field + "' can only be used with model 'events', not '" + model.wireName() + "'");
    }
    if (names.size() > MAX_EVENT_NAMES) {
      throw new InvalidRequestException(field,
          "'" + field + "' holds " + names.size() + " event names; at most " + MAX_EVENT_NAMES + " are allowed");
    }
    for (String name : names) {
      if (name.isBlank()) {
        throw new InvalidRequestException(field, "'" + field + "' must hold non-empty event names");
      }
      if (name.length() > MAX_EVENT_NAME_LENGTH) {
        throw new InvalidRequestException(field, "'" + field + "' holds an event name longer than "
            + MAX_EVENT_NAME_LENGTH + " characters");
      }
      if (name.indexOf('\0') >= 0) {
        throw new InvalidRequestException(field, "'" + field + "' holds an event name with a NUL character");
      }
    }
  }

  /** A builder for a request of the model over the interval, with The HTTP API's defaults. */
  @CheckReturnValue
  public static Builder builder(Model model, TimeRange dataInterval) {
    return new Builder(model, dataInterval);
  }

  /**
   * A builder for a request of the model over {@code [start, end)}, with The HTTP API's defaults; the same
   * as {@code builder(model, new TimeRange(start, end))}.
   *
   * @throws InvalidRequestException when the interval is not a valid {@link TimeRange}
   */
  @CheckReturnValue
  public static Builder builder(Model model, Instant start, Instant end) {
    return new Builder(model, new TimeRange(start, end));
  }

  /**
   * A builder holding this request's values as its defaults: setting an option replaces the copied
   * value (once, as in any builder).
   */
  @CheckReturnValue
  public Builder toBuilder() {
    return new Builder(model, dataInterval, file, include, exclude);
  }

  /**
   * Builds an {@link ExportRequest}. Each option may be set once; setting it again is an
   * {@link IllegalStateException} naming the earlier value. The builder stays usable after build.
   */
  public static final class Builder {
    private final Model model;
    private final TimeRange dataInterval;
    private final FileConfig copiedFile;
    private final List<String> copiedInclude;
    private final List<String> copiedExclude;
    private @Nullable FileConfig file;
    private @Nullable List<String> include;
    private @Nullable List<String> exclude;

    private Builder(Model model, TimeRange dataInterval) {
      this(model, dataInterval, FileConfig.DEFAULT, List.of(), List.of());
    }

    private Builder(Model model, TimeRange dataInterval, FileConfig copiedFile, List<String> copiedInclude,
        List<String> copiedExclude) {
      this.model = Objects.requireNonNull(model, "model");
      this.dataInterval = Objects.requireNonNull(dataInterval, "dataInterval");
      this.copiedFile = copiedFile;
      this.copiedInclude = copiedInclude;
      this.copiedExclude = copiedExclude;
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

    /**
     * The request.
     *
     * @throws InvalidRequestException when the event filters break a rule (see {@link ExportRequest})
     */
    @CheckReturnValue
    public ExportRequest build() {
      return new ExportRequest(
          model,
          file == null ? copiedFile : file,
          include == null ? copiedInclude : include,
          exclude == null ? copiedExclude : exclude,
          dataInterval);
    }
  }
}
