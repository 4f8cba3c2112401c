package io.infnet.jobs.dist;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;

/** The driver's Hadoop configuration (credentials, file system settings) carried to executors in its Writable form. */
final class HadoopConfBytes implements Serializable {
  private final byte[] bytes;

  HadoopConfBytes(Configuration conf) {
    try (ByteArrayOutputStream buf = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(buf)) {
      conf.write(out);
      out.flush();
      this.bytes = buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Configuration get() {
    Configuration conf = new Configuration(false);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      conf.readFields(in);
      return conf;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
