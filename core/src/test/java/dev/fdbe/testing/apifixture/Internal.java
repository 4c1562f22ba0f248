package dev.fdbe.testing.apifixture;

/** API dump fixture: package-private, so not listed. */
final class Internal {
  public static void notListed() {}
}
