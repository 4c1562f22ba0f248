package dev.fdbe.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.AnnotatedTypeVariable;
import java.lang.reflect.AnnotatedWildcardType;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.TypeVariable;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of a module as text, one line per API package, type and member, for the
 * {@code api/<artifactId>.api} dump each published module keeps and its {@code ApiDumpTest}
 * compares with the compiled classes (see {@code docs/compatibility.md}).
 *
 * <p>What is listed: every public type of an API package, every public nested type of a listed
 * type, and their public fields, enum constants, constructors and methods, with full generic
 * signatures, runtime-visible type-use annotations (JSpecify's {@code @Nullable}) and
 * {@code @Deprecated}. Protected members and nested types are listed too when a class outside the
 * module can extend the type (not final, sealed, an enum or a record, and with a public or
 * protected constructor). Public members a listed type inherits from a supertype that is not
 * listed (a package-private base class) are listed under the type, as callers see them. Synthetic
 * and bridge members are left out; members declared by listed supertypes are listed only there.
 *
 * <p>Each line names its type in full, so a line read alone (in a diff) says what it is about.
 * Lines are sorted by package, type (a nested type after its enclosing type's members), kind
 * (package, type, enum constants, fields, constructors, methods), member name and text, never by
 * reflection's order, so a dump is the same on every JVM run.
 *
 * <p>Instances are immutable. Classes are loaded with
 * {@link Class#forName(String, boolean, ClassLoader)} and not initialized.
 */
public final class ApiDump {
  /** The system property that makes {@link #assertMatchesDump} rewrite the dump instead of failing. */
  public static final String UPDATE_PROPERTY = "fdbe.api.update";

  private static final String DEPRECATED = "java.lang.Deprecated";
  private static final String JSPECIFY = "org.jspecify.annotations.";

  private final List<Class<?>> types;
  private final List<String> lines;

  private ApiDump(List<Class<?>> types, List<String> lines) {
    this.types = List.copyOf(types);
    this.lines = List.copyOf(lines);
  }

  /**
   * Fails unless the API of the module holding {@code anyClassOfModule} equals its dump,
   * {@code <module>/api/<artifactId>.api}; with {@code -Dfdbe.api.update=true} writes the dump
   * instead. The module's API packages are those its {@code module-info} exports, or, for a module
   * without one, all its packages except {@code internal} ones.
   *
   * @param anyClassOfModule a class compiled into the module's {@code target/classes}
   * @param artifactId the module's Maven artifact id, which names the dump file
   */
  public static void assertMatchesDump(Class<?> anyClassOfModule, String artifactId) {
    Path moduleDir = classesDirOf(anyClassOfModule).getParent().getParent();
    ApiDump dump = ofModule(anyClassOfModule);
    String command = updateCommand(moduleDir.getFileName().toString());
    Optional<String> failure =
        dump.check(moduleDir.resolve("api").resolve(artifactId + ".api"), artifactId, command,
            Boolean.getBoolean(UPDATE_PROPERTY));
    if (failure.isPresent()) {
      throw new AssertionError(failure.get());
    }
  }

  /**
   * The API of the module holding {@code anyClassOfModule}: its classes in {@code target/classes}
   * whose package is an API package by {@link #apiPackagesOf}.
   */
  public static ApiDump ofModule(Class<?> anyClassOfModule) {
    Path classes = classesDirOf(anyClassOfModule);
    return of(classes, apiPackagesOf(classes), anyClassOfModule.getClassLoader());
  }

  /** The Maven command that rewrites the dump of the module in the directory {@code module}. */
  public static String updateCommand(String module) {
    return "mvn -o test -pl " + module + " -am -Dtest=ApiDumpTest -D" + UPDATE_PROPERTY
        + "=true -Dsurefire.failIfNoSpecifiedTests=false";
  }

  /**
   * The {@code target/classes} directory a class was loaded from.
   *
   * @throws IllegalStateException when it was loaded from elsewhere, such as a jar
   */
  public static Path classesDirOf(Class<?> type) {
    CodeSource source = type.getProtectionDomain().getCodeSource();
    Path dir;
    try {
      dir = source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the classes of " + type.getName(), e);
    }
    if (dir == null || !Files.isDirectory(dir) || !dir.endsWith(Path.of("target", "classes"))) {
      throw new IllegalStateException(type.getName() + " was not loaded from a module's target/classes but from "
          + (source == null ? "an unknown place" : source.getLocation()));
    }
    return dir;
  }

  /**
   * The API packages of compiled classes: the packages the {@code module-info.class} exports to
   * everyone, or, when there is none, every package whose name has no {@code internal} segment.
   */
  public static Predicate<String> apiPackagesOf(Path classesDir) {
    Path moduleInfo = classesDir.resolve("module-info.class");
    if (!Files.exists(moduleInfo)) {
      return ApiDump::isNotInternal;
    }
    try (InputStream in = Files.newInputStream(moduleInfo)) {
      Set<String> exported = ModuleDescriptor.read(in).exports().stream()
          .filter(e -> !e.isQualified())
          .map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toUnmodifiableSet());
      return exported::contains;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a package name has no {@code internal} segment. */
  public static boolean isNotInternal(String packageName) {
    return !Arrays.asList(packageName.split("\\.")).contains("internal");
  }

  /**
   * The API of the classes under a directory of compiled classes whose package is an API package.
   *
   * @param loader the class loader to load them with; it must see the directory
   */
  public static ApiDump of(Path classesDir, Predicate<String> isApiPackage, ClassLoader loader) {
    List<Class<?>> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classesDir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String relative = classesDir.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        if (!relative.endsWith(".class") || relative.startsWith("META-INF/")
            || relative.endsWith("module-info.class") || relative.endsWith("package-info.class")) {
          continue;
        }
        String name = relative.substring(0, relative.length() - ".class".length()).replace('/', '.');
        int dot = name.lastIndexOf('.');
        if (isApiPackage.test(dot < 0 ? "" : name.substring(0, dot))) {
          found.add(Class.forName(name, false, loader));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the class loader does not see " + classesDir, e);
    }
    return of(found);
  }

  /**
   * The API of the given classes: those that are public and top-level, and their nested types as
   * described in the class comment. Other classes are ignored, so the result does not depend on
   * their order or on whether nested classes are passed too.
   */
  public static ApiDump of(Iterable<Class<?>> classes) {
    List<Class<?>> listed = new ArrayList<>();
    Deque<Class<?>> pending = new ArrayDeque<>();
    for (Class<?> c : classes) {
      if (c.getDeclaringClass() == null && !c.isAnonymousClass() && !c.isLocalClass() && !c.isSynthetic()
          && Modifier.isPublic(c.getModifiers())) {
        pending.add(c);
      }
    }
    while (!pending.isEmpty()) {
      Class<?> c = pending.remove();
      listed.add(c);
      for (Class<?> nested : c.getDeclaredClasses()) {
        if (!nested.isSynthetic() && isVisible(nested.getModifiers(), c)) {
          pending.add(nested);
        }
      }
    }
    Set<Class<?>> listedSet = Set.copyOf(listed);
    List<Entry> entries = new ArrayList<>();
    Set<String> packages = new TreeSet<>();
    for (Class<?> c : listed) {
      packages.add(c.getPackageName());
      entries.add(new Entry(c, Kind.TYPE, "", typeLine(c)));
      members(c, listedSet, entries);
    }
    for (String p : packages) {
      entries.add(new Entry(null, Kind.PACKAGE, p, packageLine(p, listed)));
    }
    entries.sort(Entry.ORDER);
    List<Class<?>> sortedTypes = new ArrayList<>(listed);
    sortedTypes.sort(Comparator.comparing(Class::getName));
    List<String> lines = new ArrayList<>();
    for (Entry e : entries) {
      if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(e.line())) {
        lines.add(e.line());
      }
    }
    return new ApiDump(sortedTypes, lines);
  }

  /** The dump's lines, in order. */
  public List<String> lines() {
    return lines;
  }

  /** The dump as the text of an {@code .api} file: a comment header, then one line each. */
  public String text(String artifactId, String updateCommand) {
    StringBuilder text = new StringBuilder()
        .append("# The public API of ").append(artifactId).append(", one line per package, type and member.\n")
        .append("# Generated; see docs/compatibility.md. After an intended API change, update it with\n")
        .append("#   ").append(updateCommand).append('\n');
    for (String line : lines) {
      text.append(line).append('\n');
    }
    return text.toString();
  }

  /** The lines of an {@code .api} file's text: its comment lines and blank lines left out. */
  public static List<String> parse(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  /**
   * Compares this dump with a dump file, or, when {@code update} is set, rewrites the file when it
   * differs.
   *
   * @return the failure message (a diff of the lines and the command that updates the dump), or
   *     empty when the file matches or was updated
   */
  public Optional<String> check(Path apiFile, String artifactId, String updateCommand, boolean update) {
    String shownPath = apiFile.getParent() == null || apiFile.getParent().getParent() == null
        ? apiFile.toString()
        : apiFile.getParent().getParent().getFileName() + "/api/" + apiFile.getFileName();
    try {
      if (!Files.exists(apiFile)) {
        if (update) {
          Files.createDirectories(apiFile.toAbsolutePath().getParent());
          Files.writeString(apiFile, text(artifactId, updateCommand), StandardCharsets.UTF_8);
          return Optional.empty();
        }
        return Optional.of("there is no API dump " + shownPath + " for " + artifactId
            + "; create it and commit it:\n  " + updateCommand);
      }
      List<String> committed = parse(Files.readString(apiFile, StandardCharsets.UTF_8));
      if (committed.equals(lines)) {
        return Optional.empty();
      }
      if (update) {
        Files.writeString(apiFile, text(artifactId, updateCommand), StandardCharsets.UTF_8);
        return Optional.empty();
      }
      return Optional.of(diffMessage(committed, lines, artifactId, shownPath, updateCommand));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A unified-diff-like account of how the compiled API differs from the committed dump, ending
   * with the command that updates the dump.
   */
  static String diffMessage(List<String> committed, List<String> compiled, String artifactId, String shownPath,
      String updateCommand) {
    List<String> diff = diff(committed, compiled);
    long added = diff.stream().filter(l -> l.startsWith("+")).count();
    long removed = diff.stream().filter(l -> l.startsWith("-")).count();
    StringBuilder message = new StringBuilder()
        .append("the public API of ").append(artifactId).append(" differs from its dump ").append(shownPath)
        .append(": ").append(added).append(added == 1 ? " line" : " lines").append(" added, ")
        .append(removed).append(" removed\n")
        .append("--- ").append(shownPath).append(" (committed)\n")
        .append("+++ ").append(artifactId).append(" (compiled classes)\n");
    if (diff.isEmpty()) {
      message.append("(the same lines in another order or with duplicates)\n");
    }
    for (String line : diff) {
      message.append(line).append('\n');
    }
    return message
        .append("If the change is intended, update the dump and commit it with the change:\n  ")
        .append(updateCommand)
        .toString();
  }

  /**
   * The lines only one of two lists has, {@code -} for the first, {@code +} for the second, in the
   * order of a longest common subsequence; lines both have are left out.
   */
  static List<String> diff(List<String> a, List<String> b) {
    int start = 0;
    while (start < a.size() && start < b.size() && a.get(start).equals(b.get(start))) {
      start++;
    }
    int endA = a.size();
    int endB = b.size();
    while (endA > start && endB > start && a.get(endA - 1).equals(b.get(endB - 1))) {
      endA--;
      endB--;
    }
    List<String> x = a.subList(start, endA);
    List<String> y = b.subList(start, endB);
    List<String> out = new ArrayList<>();
    if ((long) x.size() * y.size() > 25_000_000L) {
      x.forEach(l -> out.add("-" + l));
      y.forEach(l -> out.add("+" + l));
      return out;
    }
    // lcs[i][j]: the length of a longest common subsequence of x[i..] and y[j..].
    int[][] lcs = new int[x.size() + 1][y.size() + 1];
    for (int i = x.size() - 1; i >= 0; i--) {
      for (int j = y.size() - 1; j >= 0; j--) {
        lcs[i][j] = x.get(i).equals(y.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    while (i < x.size() || j < y.size()) {
      if (i < x.size() && j < y.size() && x.get(i).equals(y.get(j))) {
        i++;
        j++;
      } else if (j == y.size() || (i < x.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.add("-" + x.get(i++));
      } else {
        out.add("+" + y.get(j++));
      }
    }
    return out;
  }

  /**
   * The listed nested types that are neither builders (a name ending in {@code Builder} and a public
   * {@code build()} method) nor a permitted subclass of their sealed enclosing type, each as its line
   * of the dump.
   */
  private static boolean isBuilder(Class<?> c) {
    return c.getSimpleName().endsWith("Builder") && Arrays.stream(c.getDeclaredMethods())
        .anyMatch(m -> m.getName().equals("build") && m.getParameterCount() == 0
            && java.lang.reflect.Modifier.isPublic(m.getModifiers()));
  }

  public List<String> nestedTypesOtherThanBuildersAndVariants() {
    List<String> offenders = new ArrayList<>();
    for (Class<?> c : types) {
      Class<?> enclosing = c.getDeclaringClass();
      if (enclosing == null || isBuilder(c)) {
        continue;
      }
      boolean variant = enclosing.isSealed() && Arrays.asList(enclosing.getPermittedSubclasses()).contains(c);
      if (!variant) {
        offenders.add(typeLine(c));
      }
    }
    return offenders;
  }

  // ---- What is listed

  /** Whether a member or nested type with these modifiers, declared in a listed type, is API. */
  private static boolean isVisible(int modifiers, Class<?> owner) {
    return Modifier.isPublic(modifiers) || (Modifier.isProtected(modifiers) && isExtendable(owner));
  }

  /** Whether code outside the module can declare a subclass, and so reach protected members. */
  private static boolean isExtendable(Class<?> c) {
    if (c.isInterface() || c.isEnum() || c.isRecord() || c.isSealed() || Modifier.isFinal(c.getModifiers())) {
      return false;
    }
    for (Constructor<?> constructor : c.getDeclaredConstructors()) {
      int m = constructor.getModifiers();
      if (Modifier.isPublic(m) || Modifier.isProtected(m)) {
        return true;
      }
    }
    return false;
  }

  private static void members(Class<?> c, Set<Class<?>> listed, List<Entry> entries) {
    Set<String> seen = new HashSet<>();
    for (Field f : c.getDeclaredFields()) {
      seen.add("field " + f.getName());
      if (!f.isSynthetic() && isVisible(f.getModifiers(), c)) {
        entries.add(new Entry(c, f.isEnumConstant() ? Kind.ENUM_CONSTANT : Kind.FIELD, f.getName(), fieldLine(c, f)));
      }
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (!k.isSynthetic() && isVisible(k.getModifiers(), c)) {
        entries.add(new Entry(c, Kind.CONSTRUCTOR, "", executableLine(c, k)));
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (!m.isSynthetic() && !m.isBridge()) {
        seen.add(methodKey(m));
        if (isVisible(m.getModifiers(), c)) {
          entries.add(new Entry(c, Kind.METHOD, m.getName(), executableLine(c, m)));
        }
      }
    }
    // Members of supertypes the dump does not list (package-private or not API) reach callers
    // through c, so they are listed under c unless c declares the same member.
    for (Class<?> hidden : unlistedSupertypes(c, listed)) {
      for (Field f : hidden.getDeclaredFields()) {
        if (!f.isSynthetic() && isVisible(f.getModifiers(), c) && seen.add("field " + f.getName())) {
          entries.add(new Entry(c, Kind.FIELD, f.getName(), fieldLine(c, f)));
        }
      }
      for (Method m : hidden.getDeclaredMethods()) {
        boolean inherited = !(hidden.isInterface() && Modifier.isStatic(m.getModifiers()));
        if (!m.isSynthetic() && !m.isBridge() && inherited && isVisible(m.getModifiers(), c)
            && seen.add(methodKey(m))) {
          entries.add(new Entry(c, Kind.METHOD, m.getName(), executableLine(c, m)));
        }
      }
    }
  }

  /**
   * The supertypes of c, nearest first, reached without passing through a listed type or a type
   * of another code source (the JDK, a library), that are not listed themselves.
   */
  private static List<Class<?>> unlistedSupertypes(Class<?> c, Set<Class<?>> listed) {
    Set<Class<?>> found = new LinkedHashSet<>();
    Deque<Class<?>> pending = new ArrayDeque<>();
    pending.add(c);
    while (!pending.isEmpty()) {
      Class<?> t = pending.remove();
      List<Class<?>> supers = new ArrayList<>();
      if (t.getSuperclass() != null) {
        supers.add(t.getSuperclass());
      }
      supers.addAll(Arrays.asList(t.getInterfaces()));
      for (Class<?> s : supers) {
        if (!listed.contains(s) && sameCodeSource(s, c) && found.add(s)) {
          pending.add(s);
        }
      }
    }
    return new ArrayList<>(found);
  }

  private static boolean sameCodeSource(Class<?> a, Class<?> b) {
    CodeSource x = a.getProtectionDomain().getCodeSource();
    CodeSource y = b.getProtectionDomain().getCodeSource();
    return x != null && y != null && Objects.equals(x.getLocation(), y.getLocation());
  }

  private static String methodKey(Method m) {
    return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getName)
        .collect(Collectors.joining(",", "(", ")"));
  }

  // ---- Lines

  private enum Kind { PACKAGE, TYPE, ENUM_CONSTANT, FIELD, CONSTRUCTOR, METHOD }

  /** A line and what it sorts by; type is null for a package line. */
  private record Entry(Class<?> type, Kind kind, String name, String line) {
    static final Comparator<Entry> ORDER = Comparator
        .comparing((Entry e) -> e.type == null ? e.name : e.type.getPackageName())
        .thenComparing(e -> e.type == null ? "" : nameInPackage(e.type))
        .thenComparing(Entry::kind)
        .thenComparing(Entry::name)
        .thenComparing(Entry::line);
  }

  private static String nameInPackage(Class<?> c) {
    String name = typeName(c);
    String pkg = c.getPackageName();
    return pkg.isEmpty() ? name : name.substring(pkg.length() + 1);
  }

  private static String packageLine(String pkg, List<Class<?>> listed) {
    ClassLoader loader = listed.stream().filter(c -> c.getPackageName().equals(pkg)).findFirst()
        .map(Class::getClassLoader).orElse(null);
    String annotations = "";
    try {
      annotations = declarationAnnotations(Class.forName(pkg + ".package-info", false, loader));
    } catch (ClassNotFoundException e) {
      // A package without package-info has no annotations.
    }
    return annotations + "package " + pkg;
  }

  static String typeLine(Class<?> c) {
    StringBuilder line = new StringBuilder(declarationAnnotations(c));
    int m = c.getModifiers();
    line.append(Modifier.isPublic(m) ? "public " : Modifier.isProtected(m) ? "protected " : "");
    boolean nested = c.getDeclaringClass() != null;
    if (c.isAnnotation()) {
      line.append("@interface ");
    } else if (c.isInterface()) {
      line.append(sealing(c)).append("interface ");
    } else if (c.isEnum()) {
      line.append("enum ");
    } else if (c.isRecord()) {
      line.append("record ");
    } else {
      line.append(Modifier.isAbstract(m) ? "abstract " : "")
          .append(nested && Modifier.isStatic(m) ? "static " : "")
          .append(Modifier.isFinal(m) ? "final " : "")
          .append(sealing(c))
          .append("class ");
    }
    line.append(typeName(c)).append(typeParameters(c.getTypeParameters()));
    if (c.isRecord()) {
      line.append(Arrays.stream(c.getRecordComponents())
          .map(rc -> type(rc.getAnnotatedType()) + " " + rc.getName())
          .collect(Collectors.joining(", ", "(", ")")));
    }
    if (!c.isInterface() && !c.isEnum() && !c.isRecord() && c.getSuperclass() != Object.class) {
      line.append(" extends ").append(type(c.getAnnotatedSuperclass()));
    }
    List<String> interfaces = Arrays.stream(c.getAnnotatedInterfaces()).map(ApiDump::type).sorted().toList();
    if (!interfaces.isEmpty() && !c.isAnnotation()) {
      line.append(c.isInterface() ? " extends " : " implements ").append(String.join(", ", interfaces));
    }
    if (c.isSealed() && !c.isEnum()) {
      line.append(" permits ").append(Arrays.stream(c.getPermittedSubclasses())
          .map(ApiDump::typeName).sorted().collect(Collectors.joining(", ")));
    }
    return line.toString();
  }

  private static String sealing(Class<?> c) {
    if (c.isSealed()) {
      return "sealed ";
    }
    boolean sealedParent = (c.getSuperclass() != null && c.getSuperclass().isSealed())
        || Arrays.stream(c.getInterfaces()).anyMatch(Class::isSealed);
    return sealedParent && !Modifier.isFinal(c.getModifiers()) ? "non-sealed " : "";
  }

  private static String fieldLine(Class<?> owner, Field f) {
    if (f.isEnumConstant()) {
      return declarationAnnotations(f) + "enum constant " + typeName(owner) + "." + f.getName();
    }
    int m = f.getModifiers();
    return declarationAnnotations(f)
        + (Modifier.isPublic(m) ? "public " : "protected ")
        + (Modifier.isStatic(m) ? "static " : "")
        + (Modifier.isFinal(m) ? "final " : "")
        + type(f.getAnnotatedType()) + " " + typeName(owner) + "." + f.getName();
  }

  private static String executableLine(Class<?> owner, Executable e) {
    int m = e.getModifiers();
    StringBuilder line = new StringBuilder(declarationAnnotations(e))
        .append(Modifier.isPublic(m) ? "public " : "protected ");
    if (e instanceof Method method) {
      line.append(method.isDefault() ? "default " : Modifier.isAbstract(m) ? "abstract " : "")
          .append(Modifier.isStatic(m) ? "static " : "")
          .append(Modifier.isFinal(m) ? "final " : "");
    }
    String typeParameters = typeParameters(e.getTypeParameters());
    if (!typeParameters.isEmpty()) {
      line.append(typeParameters).append(' ');
    }
    if (e instanceof Method method) {
      line.append(type(method.getAnnotatedReturnType())).append(' ').append(typeName(owner)).append('.')
          .append(method.getName());
    } else {
      line.append(typeName(owner));
    }
    AnnotatedType[] parameters = e.getAnnotatedParameterTypes();
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < parameters.length; i++) {
      String p = type(parameters[i]);
      if (e.isVarArgs() && i == parameters.length - 1 && p.endsWith("[]")) {
        p = p.substring(0, p.length() - 2) + "...";
      }
      shown.add(p);
    }
    line.append('(').append(String.join(", ", shown)).append(')');
    if (e instanceof Method method && method.getDefaultValue() != null) {
      line.append(" default ").append(annotationValue(method.getDefaultValue()));
    }
    List<String> exceptions = Arrays.stream(e.getAnnotatedExceptionTypes()).map(ApiDump::type).sorted().toList();
    if (!exceptions.isEmpty()) {
      line.append(" throws ").append(String.join(", ", exceptions));
    }
    return line.toString();
  }

  /** An annotation element's default value as in source. */
  private static String annotationValue(Object value) {
    if (value instanceof String text) {
      return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    if (value instanceof Class<?> c) {
      return typeName(c) + ".class";
    }
    if (value instanceof Enum<?> constant) {
      return typeName(constant.getDeclaringClass()) + "." + constant.name();
    }
    if (value instanceof Annotation a) {
      return "@" + typeName(a.annotationType());
    }
    if (value.getClass().isArray()) {
      List<String> elements = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        elements.add(annotationValue(Array.get(value, i)));
      }
      return "{" + String.join(", ", elements) + "}";
    }
    return String.valueOf(value);
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    List<String> shown = new ArrayList<>();
    for (TypeVariable<?> v : variables) {
      AnnotatedType[] bounds = v.getAnnotatedBounds();
      boolean unbounded = bounds.length == 0
          || (bounds.length == 1 && bounds[0].getType() == Object.class && bounds[0].getAnnotations().length == 0);
      shown.add(unbounded ? v.getName()
          : v.getName() + " extends " + Arrays.stream(bounds).map(ApiDump::type).collect(Collectors.joining(" & ")));
    }
    return "<" + String.join(", ", shown) + ">";
  }

  /** A type as in source, with its type-use annotations, and nested classes joined by dots. */
  static String type(AnnotatedType t) {
    String annotations = typeAnnotations(t);
    if (t instanceof AnnotatedArrayType array) {
      return type(array.getAnnotatedGenericComponentType())
          + (annotations.isEmpty() ? "" : " " + annotations.strip() + " ") + "[]";
    }
    if (t instanceof AnnotatedParameterizedType parameterized) {
      ParameterizedType p = (ParameterizedType) parameterized.getType();
      Class<?> raw = (Class<?>) p.getRawType();
      String arguments = Arrays.stream(parameterized.getAnnotatedActualTypeArguments()).map(ApiDump::type)
          .collect(Collectors.joining(", ", "<", ">"));
      if (p.getOwnerType() instanceof ParameterizedType && parameterized.getAnnotatedOwnerType() != null) {
        return type(parameterized.getAnnotatedOwnerType()) + "." + annotations + raw.getSimpleName() + arguments;
      }
      return annotations + typeName(raw) + arguments;
    }
    if (t instanceof AnnotatedWildcardType wildcard) {
      AnnotatedType[] lower = wildcard.getAnnotatedLowerBounds();
      if (lower.length > 0) {
        return annotations + "? super " + type(lower[0]);
      }
      AnnotatedType[] upper = wildcard.getAnnotatedUpperBounds();
      boolean unbounded = upper.length == 0
          || (upper[0].getType() == Object.class && upper[0].getAnnotations().length == 0);
      return annotations + (unbounded ? "?" : "? extends " + type(upper[0]));
    }
    if (t instanceof AnnotatedTypeVariable variable) {
      return annotations + ((TypeVariable<?>) variable.getType()).getName();
    }
    return annotations + typeName((Class<?>) t.getType());
  }

  /** A class's name as in source: canonical where there is one, arrays with brackets. */
  static String typeName(Class<?> c) {
    if (c.isArray()) {
      return typeName(c.getComponentType()) + "[]";
    }
    return c.getCanonicalName() != null ? c.getCanonicalName() : c.getName();
  }

  private static String typeAnnotations(AnnotatedType t) {
    return Arrays.stream(t.getDeclaredAnnotations())
        .map(a -> "@" + typeName(a.annotationType()) + " ")
        .sorted()
        .collect(Collectors.joining());
  }

  /** {@code @Deprecated} and JSpecify's nullness annotations on a declaration. */
  private static String declarationAnnotations(AnnotatedElement element) {
    List<String> shown = new ArrayList<>();
    for (Annotation a : element.getDeclaredAnnotations()) {
      String name = typeName(a.annotationType());
      if (a instanceof Deprecated d) {
        List<String> values = new ArrayList<>();
        if (!d.since().isEmpty()) {
          values.add("since=\"" + d.since() + "\"");
        }
        if (d.forRemoval()) {
          values.add("forRemoval=true");
        }
        shown.add("@" + DEPRECATED + (values.isEmpty() ? "" : "(" + String.join(", ", values) + ")"));
      } else if (name.startsWith(JSPECIFY)) {
        shown.add("@" + name);
      }
    }
    shown.sort(Comparator.naturalOrder());
    return shown.stream().map(s -> s + " ").collect(Collectors.joining());
  }
}
