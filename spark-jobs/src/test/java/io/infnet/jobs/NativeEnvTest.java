package io.infnet.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launchers (conf/native-env.sh) and the Maven test JVMs (parent pom) give libtorch the same native settings:
 * a drift would make tests and benchmarks measure a different engine than users run.
 */
class NativeEnvTest {
  @Test
  void testJvmsRunWithTheLaunchersMallocTunables() throws IOException {
    String script = Files.readString(LauncherProcess.PROJECT.resolve("conf/native-env.sh"));
    Matcher m = Pattern.compile("(?m)^INFNET_MALLOC_TUNABLES=(\\S+)$").matcher(script);
    assertTrue(m.find(), "conf/native-env.sh defines INFNET_MALLOC_TUNABLES");
    assertEquals(m.group(1), System.getenv("GLIBC_TUNABLES"), "the pom's native.malloc.tunables");
    assertEquals("PASSIVE", System.getenv("OMP_WAIT_POLICY"));
  }
}
