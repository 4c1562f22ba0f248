package dev.fdbe;

/** The caller lacks the scope a call needs (HTTP 403, code {@code permission_denied}). */
public class PermissionDeniedException extends ExportException {
  private static final long serialVersionUID = 1L;

  private final Scope missingScope;

  /** @param missingScope the scope the call needs and the caller lacks */
  public PermissionDeniedException(Scope missingScope) {
    super("API key missing required scope '" + missingScope.wireName() + "'");
    this.missingScope = missingScope;
  }

  /** The scope the call needs. */
  public Scope missingScope() {
    return missingScope;
  }
}
