package dev.fdbe.testing.apifixture;

/** API dump fixture: a sealed interface with nested variants and one nested type that is not one. */
public sealed interface Shape permits Shape.Circle, Shape.Square, Polygon {
  Shape UNIT = new Circle(1);

  double area();

  default String describe() {
    return "a shape of area " + area();
  }

  static Shape circle(double radius) {
    return new Circle(radius);
  }

  private String secret() {
    return "not listed";
  }

  /** A variant. */
  record Circle(double radius) implements Shape {
    @Override
    public double area() {
      return Math.PI * radius * radius;
    }
  }

  /** A variant. */
  record Square(double side) implements Shape {
    @Override
    public double area() {
      return side * side;
    }
  }

  /** Nested but neither a builder nor a variant. */
  enum Unit { CM, INCH }
}
