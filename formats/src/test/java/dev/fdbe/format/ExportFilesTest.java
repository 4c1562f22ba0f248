package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.Compression;
import dev.fdbe.ExportException;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reading files back gives the stream back to its owner closed, whatever goes wrong. */
class ExportFilesTest {
  /** A stream of bytes that remembers whether it was closed. */
  private static final class Watched extends ByteArrayInputStream {
    boolean closed;

    Watched(String text) {
      super(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
      closed = true;
      super.close();
    }
  }

  @Test
  void aCsvFileWithAnotherModelsHeaderIsRefusedAndItsStreamClosed() {
    Watched in = new Watched("session_id,team_id\ns1,1\n");

    assertThatThrownBy(() -> ExportFiles.readAll(in, FileFormat.CSV, Compression.NONE, Model.EVENTS.schema()))
        .isInstanceOf(ExportException.class);
    assertThat(in.closed).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD", "LZ4", "SNAPPY"})
  void aFileNotCompressedAsSaidFailsAndItsStreamIsClosed(Compression compression) {
    Watched in = new Watched("{\"uuid\":\"not compressed at all, just text that no codec's header matches\"}\n");

    assertThatThrownBy(() -> ExportFiles.readAll(in, FileFormat.JSON_LINES, compression, Model.EVENTS.schema()))
        .isInstanceOf(IOException.class);
    assertThat(in.closed).isTrue();
  }

  @Test
  void aParquetFileThatIsNotOneIsRefusedAndItsStreamClosed() {
    Watched in = new Watched("not parquet");

    assertThatThrownBy(() -> ExportFiles.open(in, FileFormat.PARQUET, Compression.NONE, Model.EVENTS.schema()))
        .isInstanceOfAny(ExportException.class, IOException.class);
    assertThat(in.closed).isTrue();
  }
}
