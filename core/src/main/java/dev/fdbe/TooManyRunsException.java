package dev.fdbe;

/**
 * A team already has as many runs {@code Starting} or {@code Running} as its limit allows (HTTP 429,
 * code {@code too_many_concurrent_file_downloads}). Retry after one of them finishes.
 */
public class TooManyRunsException extends ExportException {
  private static final long serialVersionUID = 1L;

  /** The error code the HTTP API answers with. */
  public static final String CODE = "too_many_concurrent_file_downloads";

  private final TeamId team;
  private final int limit;

  /**
   * @param team the team at its limit
   * @param limit the most runs a team may have starting or running
   */
  public TooManyRunsException(TeamId team, int limit) {
    super("Too many concurrent file downloads: team " + team + " already has " + limit
        + " runs starting or running, the most allowed; retry when one of them has finished");
    this.team = team;
    this.limit = limit;
  }

  /** The team at its limit. */
  public TeamId team() {
    return team;
  }

  /** The limit of concurrent runs per team. */
  public int limit() {
    return limit;
  }
}
