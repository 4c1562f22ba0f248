package dev.fdbe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.ExportEngine;
import dev.fdbe.testing.apifixture.Level;
import dev.fdbe.testing.apifixture.Polygon;
import dev.fdbe.testing.apifixture.Registry;
import dev.fdbe.testing.apifixture.Shape;
import dev.fdbe.testing.apifixture.Tag;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API dumper on the fixture classes of {@code dev.fdbe.testing.apifixture}: what it lists and
 * how, and that a dump check fails on every kind of change ({@code before.Gadget} against
 * {@code after.Gadget}).
 */
class ApiDumpFixturesTest {
  private static final String FIXTURE = "dev.fdbe.testing.apifixture";
  private static final String COMMAND = ApiDump.updateCommand("core");

  @TempDir
  Path dir;

  @Test
  void listsPublicTypesAndMembersWithModifiersAndGenericSignatures() {
    assertThat(fixtureDump().lines()).containsExactly(
        "@org.jspecify.annotations.NullMarked package dev.fdbe.testing.apifixture",
        "public enum dev.fdbe.testing.apifixture.Level",
        "enum constant dev.fdbe.testing.apifixture.Level.HIGH",
        "enum constant dev.fdbe.testing.apifixture.Level.LOW",
        "public static dev.fdbe.testing.apifixture.Level dev.fdbe.testing.apifixture.Level.valueOf(java.lang.String)",
        "public static dev.fdbe.testing.apifixture.Level[] dev.fdbe.testing.apifixture.Level.values()",
        "public int dev.fdbe.testing.apifixture.Level.weight()",
        "public abstract non-sealed class dev.fdbe.testing.apifixture.Polygon implements dev.fdbe.testing.apifixture.Shape",
        "protected final int dev.fdbe.testing.apifixture.Polygon.sides",
        "protected dev.fdbe.testing.apifixture.Polygon(int)",
        "protected void dev.fdbe.testing.apifixture.Polygon.check()",
        "public abstract java.util.List<double[]> dev.fdbe.testing.apifixture.Polygon.corners()",
        "public static final class dev.fdbe.testing.apifixture.Polygon.Builder",
        "public dev.fdbe.testing.apifixture.Polygon.Builder()",
        "public dev.fdbe.testing.apifixture.Polygon dev.fdbe.testing.apifixture.Polygon.Builder.build()",
        "public dev.fdbe.testing.apifixture.Polygon.Builder dev.fdbe.testing.apifixture.Polygon.Builder.sides(int)",
        "protected static class dev.fdbe.testing.apifixture.Polygon.Corner",
        "public dev.fdbe.testing.apifixture.Polygon.Corner()",
        "public final class dev.fdbe.testing.apifixture.Registry<K extends java.lang.Comparable<? super K>, V>"
            + " extends dev.fdbe.testing.apifixture.Base"
            + " implements java.lang.AutoCloseable, java.lang.Iterable<java.util.Map.Entry<K, V>>",
        "public static final java.lang.String dev.fdbe.testing.apifixture.Registry.KIND",
        "public @org.jspecify.annotations.Nullable java.lang.String dev.fdbe.testing.apifixture.Registry.label",
        "public dev.fdbe.testing.apifixture.Registry()",
        "public void dev.fdbe.testing.apifixture.Registry.close()",
        "public <E extends java.lang.Exception & java.io.Serializable> void dev.fdbe.testing.apifixture.Registry"
            + ".failWith(java.util.function.Supplier<? extends E>) throws E, java.io.IOException",
        "public java.util.Optional<V> dev.fdbe.testing.apifixture.Registry.find(K)",
        "public int[][] dev.fdbe.testing.apifixture.Registry.grid()",
        "public java.util.Iterator<java.util.Map.Entry<K, V>> dev.fdbe.testing.apifixture.Registry.iterator()",
        "@java.lang.Deprecated(since=\"0.9\", forRemoval=true) public void dev.fdbe.testing.apifixture.Registry.legacy()",
        "public java.lang.String dev.fdbe.testing.apifixture.Registry.name()",
        "public @org.jspecify.annotations.Nullable V dev.fdbe.testing.apifixture.Registry.orNull(K)",
        "public final <T extends V> dev.fdbe.testing.apifixture.Registry<K, V> dev.fdbe.testing.apifixture.Registry"
            + ".putAll(K, T...)",
        "public int dev.fdbe.testing.apifixture.Registry.size()",
        "public java.util.Map<? super K, ? extends @org.jspecify.annotations.Nullable V>"
            + " dev.fdbe.testing.apifixture.Registry.view()",
        "public sealed interface dev.fdbe.testing.apifixture.Shape permits dev.fdbe.testing.apifixture.Polygon,"
            + " dev.fdbe.testing.apifixture.Shape.Circle, dev.fdbe.testing.apifixture.Shape.Square",
        "public static final dev.fdbe.testing.apifixture.Shape dev.fdbe.testing.apifixture.Shape.UNIT",
        "public abstract double dev.fdbe.testing.apifixture.Shape.area()",
        "public static dev.fdbe.testing.apifixture.Shape dev.fdbe.testing.apifixture.Shape.circle(double)",
        "public default java.lang.String dev.fdbe.testing.apifixture.Shape.describe()",
        "public record dev.fdbe.testing.apifixture.Shape.Circle(double radius) implements dev.fdbe.testing.apifixture.Shape",
        "public dev.fdbe.testing.apifixture.Shape.Circle(double)",
        "public double dev.fdbe.testing.apifixture.Shape.Circle.area()",
        "public final boolean dev.fdbe.testing.apifixture.Shape.Circle.equals(java.lang.Object)",
        "public final int dev.fdbe.testing.apifixture.Shape.Circle.hashCode()",
        "public double dev.fdbe.testing.apifixture.Shape.Circle.radius()",
        "public final java.lang.String dev.fdbe.testing.apifixture.Shape.Circle.toString()",
        "public record dev.fdbe.testing.apifixture.Shape.Square(double side) implements dev.fdbe.testing.apifixture.Shape",
        "public dev.fdbe.testing.apifixture.Shape.Square(double)",
        "public double dev.fdbe.testing.apifixture.Shape.Square.area()",
        "public final boolean dev.fdbe.testing.apifixture.Shape.Square.equals(java.lang.Object)",
        "public final int dev.fdbe.testing.apifixture.Shape.Square.hashCode()",
        "public double dev.fdbe.testing.apifixture.Shape.Square.side()",
        "public final java.lang.String dev.fdbe.testing.apifixture.Shape.Square.toString()",
        "public enum dev.fdbe.testing.apifixture.Shape.Unit",
        "enum constant dev.fdbe.testing.apifixture.Shape.Unit.CM",
        "enum constant dev.fdbe.testing.apifixture.Shape.Unit.INCH",
        "public static dev.fdbe.testing.apifixture.Shape.Unit dev.fdbe.testing.apifixture.Shape.Unit"
            + ".valueOf(java.lang.String)",
        "public static dev.fdbe.testing.apifixture.Shape.Unit[] dev.fdbe.testing.apifixture.Shape.Unit.values()",
        "public @interface dev.fdbe.testing.apifixture.Tag",
        "public abstract java.lang.String dev.fdbe.testing.apifixture.Tag.value() default \"\"");
  }

  @Test
  void leavesOutWhatCallersCannotReach() {
    String text = String.join("\n", fixtureDump().lines());

    assertThat(text)
        .as("package-private and private types and members, protected members of final classes,"
            + " members only a listed supertype declares, synthetic and bridge members")
        .doesNotContain("Internal", "Hidden", "notListed", "packagePrivate", "privateMethod", "secret",
            "notListedInAFinalClass", "Polygon()", "lambda$", "access$", "$values", "Level$");
  }

  @Test
  void theOrderDoesNotDependOnTheOrderClassesAreFoundIn() {
    List<Class<?>> classes = new ArrayList<>(List.of(Level.class, Polygon.class, Polygon.Builder.class,
        Registry.class, Shape.class, Shape.Circle.class, Shape.Square.class, Shape.Unit.class, Tag.class));
    List<String> expected = fixtureDump().lines();

    for (long seed = 1; seed <= 20; seed++) {
      Collections.shuffle(classes, new Random(seed));
      assertThat(ApiDump.of(classes).lines()).as("classes in the order %s", classes).isEqualTo(expected);
    }
    assertThat(fixtureDump().lines()).as("a second dump").isEqualTo(expected);
  }

  @Test
  void reportsNestedTypesThatAreNeitherBuildersNorVariantsOfTheirSealedType() {
    assertThat(fixtureDump().nestedTypesOtherThanBuildersAndVariants()).containsExactly(
        "protected static class dev.fdbe.testing.apifixture.Polygon.Corner",
        "public enum dev.fdbe.testing.apifixture.Shape.Unit");
  }

  @Test
  void aCheckFailsOnAddedRemovedAndChangedMembersAndShowsTheUpdateCommand() throws IOException {
    Path file = dir.resolve("api").resolve("fdbe-fixture.api");
    Files.createDirectories(file.getParent());
    // The committed dump is before.Gadget's, renamed to the package of after.Gadget.
    Files.writeString(file, gadgetDump("before").text("fdbe-fixture", COMMAND).replace(".before", ".after"));

    Optional<String> failure = gadgetDump("after").check(file, "fdbe-fixture", COMMAND, false);

    String gadget = "dev.fdbe.testing.apifixture.after.Gadget";
    assertThat(failure).hasValue(String.join("\n",
        "the public API of fdbe-fixture differs from its dump " + dir.getFileName() + "/api/fdbe-fixture.api:"
            + " 4 lines added, 4 removed",
        "--- " + dir.getFileName() + "/api/fdbe-fixture.api (committed)",
        "+++ fdbe-fixture (compiled classes)",
        "-public class " + gadget,
        "-public static final int " + gadget + ".LIMIT",
        "+public final class " + gadget,
        "-public java.util.List<java.lang.String> " + gadget + ".names()",
        "-public void " + gadget + ".resize(int)",
        "+public java.util.List<? extends java.lang.CharSequence> " + gadget + ".names()",
        "+public void " + gadget + ".resize(long)",
        "+public void " + gadget + ".stop()",
        "If the change is intended, update the dump and commit it with the change:",
        "  mvn -o test -pl core -am -Dtest=ApiDumpTest -Dfdbe.api.update=true"
            + " -Dsurefire.failIfNoSpecifiedTests=false"));
  }

  @Test
  void anUpdateRewritesTheDumpSoTheNextCheckPasses() throws IOException {
    Path file = dir.resolve("fdbe-fixture.api");
    Files.writeString(file, gadgetDump("before").text("fdbe-fixture", COMMAND).replace(".before", ".after"));
    ApiDump after = gadgetDump("after");

    assertThat(after.check(file, "fdbe-fixture", COMMAND, true)).isEmpty();

    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(after.text("fdbe-fixture", COMMAND));
    assertThat(after.check(file, "fdbe-fixture", COMMAND, false)).isEmpty();
  }

  @Test
  void aMissingDumpFailsUnlessUpdating() {
    Path file = dir.resolve("api").resolve("fdbe-fixture.api");
    ApiDump dump = gadgetDump("before");

    assertThat(dump.check(file, "fdbe-fixture", COMMAND, false)).hasValueSatisfying(message -> assertThat(message)
        .startsWith("there is no API dump").contains(COMMAND));
    assertThat(dump.check(file, "fdbe-fixture", COMMAND, true)).isEmpty();
    assertThat(dump.check(file, "fdbe-fixture", COMMAND, false)).isEmpty();
  }

  @Test
  void commentsAndBlankLinesOfADumpFileAreNotCompared() {
    assertThat(ApiDump.parse("# header\n\npublic class a.B\r\n  public a.B()\n")).containsExactly(
        "public class a.B", "public a.B()");
  }

  @Test
  void reorderedLinesAreADifferenceToo() {
    String message = ApiDump.diffMessage(List.of("b", "a"), List.of("a", "b"), "m", "m/api/m.api", COMMAND);

    assertThat(message).contains(": 1 line added, 1 removed").contains(COMMAND);
  }

  @Test
  void coresApiIsItsExportedPackagesAndOtherModulesAreAllButInternal() {
    Predicate<String> core = ApiDump.apiPackagesOf(ApiDump.classesDirOf(ExportEngine.class));

    assertThat(core).accepts("dev.fdbe", "dev.fdbe.spi").rejects("dev.fdbe.internal", "dev.fdbe.internal.store");
    assertThat(ApiDump.apiPackagesOf(dir)).accepts("dev.fdbe.format.csv", "dev.fdbe.server")
        .rejects("dev.fdbe.internal", "dev.fdbe.format.internal.x");
  }

  private static ApiDump fixtureDump() {
    return ApiDump.of(testClasses(), FIXTURE::equals, Shape.class.getClassLoader());
  }

  private static ApiDump gadgetDump(String version) {
    return ApiDump.of(testClasses(), (FIXTURE + "." + version)::equals, Shape.class.getClassLoader());
  }

  /** target/test-classes, where the fixtures are compiled to. */
  private static Path testClasses() {
    return ApiDump.classesDirOf(ExportEngine.class).resolveSibling("test-classes");
  }
}
