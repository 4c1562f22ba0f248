package dev.fdbe.format.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet's codec factory over {@link ColumnCodec}, so that parquet-java never reaches for Hadoop's
 * codec classes: for this format's reader, and for {@code ParquetWriter}s of users who want the
 * codecs this format writes with ({@link ParquetFormat#codecFactory()}). One factory serves one
 * file. Not thread-safe, like the reader or writer it serves.
 */
final class ColumnCodecs implements CompressionCodecFactory {
  private final List<ColumnCodec.PageCodec> opened = new ArrayList<>();

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codecName) {
    ColumnCodec codec = ColumnCodec.of(codecName);
    ColumnCodec.PageCodec pageCodec = open(codec);
    return new BytesInputCompressor() {
      private byte[] output = new byte[0];

      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        if (codec == ColumnCodec.UNCOMPRESSED) {
          return bytes;
        }
        // A page of ours arrives as a wrapped array, compressed where it lies; anything else is copied once.
        ByteBuffer page = bytes.toByteBuffer();
        if (!page.hasArray()) {
          page = ByteBuffer.wrap(bytes.toByteArray());
        }
        int bound = pageCodec.maxCompressedLength(page.remaining());
        if (output.length < bound) {
          output = new byte[bound];
        }
        int length = pageCodec.compress(page.array(), page.arrayOffset() + page.position(), page.remaining(), output);
        // The page writer copies the result before the next call, so the output array is reused.
        return BytesInput.from(output, 0, length);
      }

      @Override
      public CompressionCodecName getCodecName() {
        return codecName;
      }

      @Override
      public void release() {
        pageCodec.close();
      }
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codecName) {
    ColumnCodec.PageCodec pageCodec = open(ColumnCodec.of(codecName));
    return new BytesInputDecompressor() {
      @Override
      public BytesInput decompress(BytesInput bytes, int decompressedSize) throws IOException {
        byte[] input = bytes.toByteArray();
        byte[] output = new byte[decompressedSize];
        pageCodec.decompress(input, input.length, output, decompressedSize);
        return BytesInput.from(output);
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int decompressedSize)
          throws IOException {
        byte[] in = new byte[compressedSize];
        input.duplicate().get(in);
        byte[] out = new byte[decompressedSize];
        pageCodec.decompress(in, compressedSize, out, decompressedSize);
        output.put(out);
      }

      @Override
      public void release() {
        pageCodec.close();
      }
    };
  }

  private ColumnCodec.PageCodec open(ColumnCodec codec) {
    ColumnCodec.PageCodec pageCodec = codec.newPageCodec();
    opened.add(pageCodec);
    return pageCodec;
  }

  @Override
  public void release() {
    opened.forEach(ColumnCodec.PageCodec::close);
    opened.clear();
  }
}
