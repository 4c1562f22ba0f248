package dev.fdbe.testing.apifixture;

/** API dump fixture: a package-private base class whose public members reach callers through Registry. */
abstract class Base {
  public static final String KIND = "base";

  public int size() {
    return 0;
  }

  public String name() {
    return "base";
  }

  void notListed() {}
}
