package dev.fdbe.storage.local;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/*
 * The body of a download: exactly `length` bytes of an open file from `position` on, read with
 * positional reads so that nothing else moves the channel. Closing the stream closes the file. A
 * file that ends early (it was truncated in place, which the store itself never does) is an
 * EOFException rather than a short body that the client would take for the whole.
 */
final class FileRangeStream extends InputStream {
  private final FileChannel channel;
  private long position;
  private long remaining;

  FileRangeStream(FileChannel channel, long position, long length) {
    this.channel = channel;
    this.position = position;
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, buffer.length);
    if (remaining == 0) {
      return -1;
    }
    if (length == 0) {
      return 0;
    }
    int wanted = (int) Math.min(length, remaining);
    int read = channel.read(ByteBuffer.wrap(buffer, offset, wanted), position);
    if (read < 0) {
      throw new EOFException("the file ended " + remaining + " bytes before the end of the download");
    }
    position += read;
    remaining -= read;
    return read;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
