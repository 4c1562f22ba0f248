package dev.fdbe.format.compress;

import dev.fdbe.format.internal.CompressionPool;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;

/**
 * A compressed file written as blocks that {@link CompressionPool}'s threads compress in parallel
 * while the writer's thread goes on serializing rows; their compressed bytes are written out in
 * file order, on the writer's thread only.
 *
 * <p>Design and invariants, for maintainers:
 * <ul>
 *   <li>Bytes fill the current block; a full block is prepared in order ({@link BlockCodec#prepare}),
 *       offered to the pool and queued in {@code inFlight}. At most {@code maxInFlight} blocks are in
 *       flight while the writer fills the next one, so a file holds at most {@code maxInFlight + 1}
 *       blocks of {@code blockBytes} (plus their compressed bytes): memory is bounded per file, and
 *       blocks are reused, never reallocated per block.
 *   <li>When the writer needs a block's result and no thread has started compressing it (the pool
 *       is busy with other files, or refused the task), the writer compresses it itself. So waiting
 *       always ends: either a thread is compressing the block or the writer is.
 *   <li>The size bound is exact in the same sense as a flushed stream's: bytes written out, plus
 *       the codec's worst case of each block in flight, plus the worst case of the blocks the
 *       pending bytes fill, plus the trailer. A write may span blocks, and the bound counts each
 *       block it fills. When the bound would cross the part limit while blocks are in flight, the
 *       writer waits for them (oldest first) and writes them out, so the bound tightens to what
 *       they really compressed to and parts fill as close to the limit as with one thread.
 *   <li>A compression that fails (or an interrupt while waiting for one) fails the next write,
 *       bound or finish with an {@link IOException} carrying the cause, and every call after it; the blocks still in flight finish on their own
 *       and are dropped with the stream. A stream that is dropped unfinished (an aborted part)
 *       holds no thread and needs no close.
 * </ul>
 * Not thread-safe: one writer thread.
 */
final class BlockStream implements CompressedOutput.Target {
  private final OutputStream out;
  private final BlockCodec codec;
  private final CompressionPool pool;
  private final int blockBytes;
  private final long fullBlockBound;
  private final int maxInFlight;
  private final long limit;
  private final ArrayDeque<Block> inFlight = new ArrayDeque<>();
  private final ArrayDeque<Block> free = new ArrayDeque<>();
  private @Nullable Block current;
  private long inFlightBound;
  private long nextIndex;
  private long written;
  private int blocksAllocated;
  private @Nullable IOException failure;

  /**
   * Opens the stream on {@code out} (never closed here) and writes the codec's header.
   *
   * @param blockBytes the uncompressed bytes of a block
   * @param maxInFlight the most blocks compressing while the writer fills the next one
   * @param limit the part size limit the bound is used against, 0 for none
   */
  BlockStream(OutputStream out, BlockCodec codec, CompressionPool pool, int blockBytes, int maxInFlight, long limit)
      throws IOException {
    if (blockBytes < 1 || maxInFlight < 1) {
      throw new IllegalArgumentException("blockBytes and maxInFlight must be positive, got " + blockBytes + " and "
          + maxInFlight);
    }
    this.out = out;
    this.codec = codec;
    this.pool = pool;
    this.blockBytes = blockBytes;
    this.fullBlockBound = codec.blockBound(blockBytes);
    this.maxInFlight = maxInFlight;
    this.limit = limit;
    emit(codec.header());
    this.current = newBlock();
  }

  /**
   * The most bytes the file can have if {@code more} bytes are appended and it ends. When that
   * would exceed the limit while blocks are in flight, first waits for them.
   */
  @Override
  public long boundWith(long more) throws IOException {
    Block block = open();
    writeDone();
    long bound = bound(block, more);
    while (limit > 0 && bound > limit && !inFlight.isEmpty()) {
      writeOldest();
      bound = bound(block, more);
    }
    return bound;
  }

  /** Appends bytes, handing each block to the pool as it fills. */
  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    int from = offset;
    int left = length;
    while (left > 0) {
      Block block = open();
      int n = Math.min(left, block.input.length - block.length);
      System.arraycopy(bytes, from, block.input, block.length, n);
      block.length += n;
      from += n;
      left -= n;
      if (block.isFull()) {
        current = null;
        submit(block, false);
        current = nextBlock();
      }
    }
  }

  /** Compresses the last block, writes every block out in order and the trailer; call once. */
  @Override
  public void finish() throws IOException {
    Block block = open();
    current = null;
    submit(block, true);
    while (!inFlight.isEmpty()) {
      writeOldest();
    }
    emit(codec.trailer());
    out.flush();
    free.clear();
  }

  /** Bytes written to the underlying stream so far. */
  @Override
  public long written() {
    return written;
  }

  /** The blocks this stream has allocated so far; at most {@code maxInFlight + 1}. */
  int blocksAllocated() {
    return blocksAllocated;
  }

  private Block open() throws IOException {
    if (failure != null) {
      throw new IOException("the " + codec.codec().compression().wireName() + " stream failed earlier: "
          + failure.getMessage(), failure);
    }
    if (current == null) {
      throw new IllegalStateException("the compressed stream is finished");
    }
    return current;
  }

  private long bound(Block block, long more) {
    long pending = block.length + more;
    return written + inFlightBound + (pending / blockBytes) * fullBlockBound
        + codec.blockBound(pending % blockBytes) + codec.endBound();
  }

  private void submit(Block block, boolean last) {
    block.index = nextIndex++;
    block.last = last;
    codec.prepare(block);
    FutureTask<Void> task = new FutureTask<>(() -> {
      compress(block);
      return null;
    });
    block.task = task;
    inFlight.addLast(block);
    inFlightBound += codec.blockBound(block.length);
    pool.offer(task); // refused: the writer compresses it when it needs it
  }

  private void compress(Block block) throws IOException {
    CodecState state = CompressionPool.threadResource(CodecState.class, CodecState::new);
    if (state != null) {
      codec.compress(block, state);
    } else {
      try (CodecState own = new CodecState()) {
        codec.compress(block, own);
      }
    }
  }

  /** A block to fill: a free one, else a new one while fewer than the most are allocated. */
  private Block nextBlock() throws IOException {
    writeDone();
    while (inFlight.size() > maxInFlight) {
      writeOldest();
    }
    Block block = free.pollFirst();
    return block != null ? block : newBlock();
  }

  private Block newBlock() {
    blocksAllocated++;
    return new Block(blockBytes, (int) Math.min(Integer.MAX_VALUE - 16, fullBlockBound));
  }

  /** Writes out the blocks at the head that are compressed already. */
  private void writeDone() throws IOException {
    Block head = inFlight.peekFirst();
    while (head != null && head.task != null && head.task.isDone()) {
      writeOldest();
      head = inFlight.peekFirst();
    }
  }

  /** Waits for the oldest block in flight, compressing it here if no thread has begun, and writes it. */
  private void writeOldest() throws IOException {
    Block block = inFlight.removeFirst();
    FutureTask<Void> task = block.task;
    if (task == null) {
      throw new IllegalStateException("block " + block.index + " in flight has no task");
    }
    task.run(); // does nothing when a thread has run it or runs it now
    try {
      task.get();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      InterruptedIOException stopped = new InterruptedIOException("interrupted while block " + block.index
          + " of the " + codec.codec().compression().wireName() + " stream was being compressed");
      failure = stopped;
      throw stopped;
    } catch (ExecutionException failed) {
      Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
      failure = new IOException("compressing block " + block.index + " of the "
          + codec.codec().compression().wireName() + " stream failed: " + cause, cause);
      throw failure;
    }
    inFlightBound -= codec.blockBound(block.length);
    emit(block.output, block.outputLength);
    block.task = null;
    block.length = 0;
    block.outputLength = 0;
    free.addLast(block);
  }

  private void emit(byte[] bytes) throws IOException {
    emit(bytes, bytes.length);
  }

  private void emit(byte[] bytes, int length) throws IOException {
    try {
      out.write(bytes, 0, length);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    written += length;
  }
}
