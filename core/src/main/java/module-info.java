/**
 * fdbe core: the run lifecycle, the export engine and the SPIs that formats, blob stores, record
 * sources and run stores implement. Start at {@link dev.fdbe.ExportEngine}.
 */
@SuppressWarnings("module") // dev.fdbe.formats, the one module the JSON check is exported to, is built after core
module dev.fdbe {
  requires transitive java.sql;
  requires org.slf4j;
  requires static transitive org.jspecify;
  requires static transitive com.google.errorprone.annotations;
  requires static com.h2database;
  requires static org.postgresql.jdbc;
  requires static micrometer.core;

  exports dev.fdbe;
  exports dev.fdbe.spi;
  exports dev.fdbe.schema;
  exports dev.fdbe.spi.support;
  exports dev.fdbe.internal.json to dev.fdbe.formats;

  uses dev.fdbe.spi.FormatProvider;
  uses dev.fdbe.spi.BlobStoreProvider;
}
