package dev.fdbe.testing.apifixture;

import java.io.IOException;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** API dump fixture: generic signatures, type-use annotations, varargs, throws, deprecation. */
public final class Registry<K extends Comparable<? super K>, V> extends Base
    implements Iterable<Map.Entry<K, V>>, AutoCloseable {
  public @Nullable String label;

  public Registry() {}

  @SafeVarargs
  public final <T extends V> Registry<K, V> putAll(K key, T... values) {
    return this;
  }

  public Optional<V> find(K key) {
    return Optional.empty();
  }

  public @Nullable V orNull(K key) {
    return null;
  }

  public <E extends Exception & Serializable> void failWith(Supplier<? extends E> failure) throws E, IOException {
    throw failure.get();
  }

  public Map<? super K, ? extends @Nullable V> view() {
    return Map.of();
  }

  public int[][] grid() {
    return new int[0][];
  }

  @Override
  public Iterator<Map.Entry<K, V>> iterator() {
    return Collections.emptyIterator();
  }

  @Override
  public String name() {
    return "registry";
  }

  @Override
  public void close() {}

  @Deprecated(since = "0.9", forRemoval = true)
  public void legacy() {}

  protected void notListedInAFinalClass() {}
}
