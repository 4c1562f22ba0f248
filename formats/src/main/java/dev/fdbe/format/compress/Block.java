package dev.fdbe.format.compress;

import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;

/**
 * One block of a file's uncompressed bytes and, once compressed, its compressed bytes: the unit a
 * {@link BlockStream} hands to a compression thread. A block's buffers are reused for later blocks
 * of the same file once its compressed bytes are written out.
 *
 * <p>Invariants: the writer's thread fills {@link #input} and reads {@link #output}; a compression
 * thread reads the input and fills the output between the two, and the {@link #task}'s completion
 * orders those accesses (happens-before through {@link FutureTask#get()}).
 */
final class Block {
  /** The uncompressed bytes, {@code length} of them. */
  final byte[] input;
  int length;
  /** The compressed bytes, {@code outputLength} of them; may be replaced by a larger array. */
  byte[] output;
  int outputLength;
  /** The bytes that precede the block in the file, for codecs that use them (gzip). */
  byte @Nullable [] history;
  int historyLength;
  /** Its position in the file, from 0. */
  long index;
  /** Whether it ends the file. */
  boolean last;
  /** Compresses the block; set when the block is submitted. */
  @Nullable FutureTask<Void> task;

  Block(int capacity, int outputCapacity) {
    this.input = new byte[capacity];
    this.output = new byte[outputCapacity];
  }

  /** Whether the block has no room left. */
  boolean isFull() {
    return length == input.length;
  }
}
