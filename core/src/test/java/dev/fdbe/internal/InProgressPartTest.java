package dev.fdbe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.Compression;
import dev.fdbe.ExportException;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.internal.blob.InMemoryBlobStore;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import dev.fdbe.testing.LinesFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InProgressPartTest {
  private static final TeamId TEAM = TeamId.of(1);
  private static final RunId RUN = RunId.parse("6f0c3c2e-2b1a-4c53-9a55-0e1b2c3d4e5f");
  private static final TimeRange DAY =
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));
  private static final PartKey KEY = PartKey.of(TEAM, RUN, 1, DAY, 0, FileConfig.of(FileFormat.JSON_LINES));

  private final InMemoryBlobStore blobs = new InMemoryBlobStore();

  private InProgressPart open(FormatProvider format) throws IOException {
    return InProgressPart.open(KEY, blobs.beginUpload(KEY.key()), format, Model.EVENTS, Compression.NONE,
        WriterContext.NONE);
  }

  private boolean anyUploadOpen() {
    return blobs.openUploadCount(PartKey.runPrefix(TEAM, RUN)) > 0;
  }

  static String sha256Hex(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aStagedRowIsAppendedOnlyWhenAsked() throws IOException {
    InProgressPart part = open(new LinesFormat());

    assertThat(part.stage(new TextRow("alpha"))).as("stored size with the row").isEqualTo(6);
    assertThat(part.records()).isZero();
    part.append();
    assertThat(part.stage(new TextRow("beta"))).isEqualTo(11);
    part.append();

    assertThat(part.records()).isEqualTo(2);
    assertThat(part.key()).isEqualTo(KEY);
  }

  @Test
  void closeForCommitCompletesTheFileButStoresNothing() throws Exception {
    InProgressPart part = open(new LinesFormat());
    part.stage(new TextRow("alpha"));
    part.append();
    part.stage(new TextRow("beta"));
    part.append();
    part.stage(new TextRow("staged, never appended"));

    PendingPart pending = part.closeForCommit();

    assertThat(pending.key()).isEqualTo(KEY);
    assertThat(pending.records()).isEqualTo(2);
    assertThat(pending.sizeBytes()).isEqualTo(11);
    assertThat(pending.sha256()).isEqualTo(sha256Hex("alpha\nbeta\n"));
    assertThat(blobs.stat(KEY.key())).as("visible only once committed").isEmpty();
  }

  @Test
  void abortLeavesNothingBehind() throws IOException {
    InProgressPart part = open(new LinesFormat());
    part.stage(new TextRow("alpha"));
    part.append();

    part.abort();
    part.abort();

    assertThat(blobs.stat(KEY.key())).isEmpty();
    assertThat(anyUploadOpen()).isFalse();
  }

  @Test
  void aWriterThatCannotBeOpenedAbortsTheUpload() {
    FormatProvider broken = new FormatProvider() {
      @Override
      public FileFormat format() {
        return FileFormat.JSON_LINES;
      }

      @Override
      public Set<Compression> compressions() {
        return Set.of(Compression.NONE);
      }

      @Override
      public RecordWriter open(OutputStream out, Schema schema, Compression compression, WriterContext context) {
        throw new ExportException("column 'event' cannot be written");
      }
    };

    assertThatThrownBy(() -> open(broken)).isInstanceOf(ExportException.class);
    assertThat(anyUploadOpen()).as("the upload is aborted").isFalse();
  }
}
