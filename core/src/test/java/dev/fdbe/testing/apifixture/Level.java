package dev.fdbe.testing.apifixture;

/** API dump fixture: an enum, one of its constants with a body. */
public enum Level {
  LOW,
  HIGH {
    @Override
    public int weight() {
      return 10;
    }
  };

  public int weight() {
    return 1;
  }
}
