package dev.fdbe.testing.apifixture.after;

import java.util.List;

/**
 * API dump fixture: the second version of {@code before.Gadget}: final now, LIMIT removed,
 * {@code names} with another generic signature, {@code resize} with another parameter type and a
 * new {@code stop}.
 */
public final class Gadget {
  public Gadget() {}

  public void start() {}

  public void stop() {}

  public List<? extends CharSequence> names() {
    return List.of();
  }

  public void resize(long size) {}
}
