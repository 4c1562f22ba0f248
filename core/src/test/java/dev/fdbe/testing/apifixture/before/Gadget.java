package dev.fdbe.testing.apifixture.before;

import java.util.List;

/** API dump fixture: the first version of a class, changed by {@code after.Gadget}. */
public class Gadget {
  public static final int LIMIT = 1;

  public Gadget() {}

  public void start() {}

  public List<String> names() {
    return List.of();
  }

  public void resize(int size) {}
}
