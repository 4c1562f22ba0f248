package dev.fdbe.testing.apifixture;

import java.util.List;

/** API dump fixture: an extendable class, so its protected members are API. */
public abstract non-sealed class Polygon implements Shape {
  protected final int sides;

  protected Polygon(int sides) {
    this.sides = sides;
  }

  Polygon() {
    this(3);
  }

  public abstract List<double[]> corners();

  protected void check() {}

  void packagePrivate() {}

  @SuppressWarnings("unused")
  private void privateMethod() {}

  /** Nested, named Builder and building: a builder. */
  public static final class Builder {
    public Builder sides(int sides) {
      return this;
    }

    public Polygon build() {
      throw new UnsupportedOperationException("a fixture of the dump only");
    }
  }

  /** Nested, protected in an extendable class, neither a builder nor a variant. */
  protected static class Corner {
    public Corner() {}
  }

  @SuppressWarnings("unused")
  private static final class Hidden {
    public void notListed() {}
  }
}
