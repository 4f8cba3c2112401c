package io.infnet.jobs;

import java.util.LinkedHashMap;
import java.util.Map;

/** Which code produced an output: the jar's version and, when the launcher knows it, the git commit. */
public final class BuildInfo {
  private BuildInfo() {}

  public static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    String version = Main.class.getPackage().getImplementationVersion();
    m.put("version", version == null ? "dev" : version);
    String sha = System.getenv("INFNET_GIT_SHA");
    m.put("git_commit", sha == null ? "unknown" : sha);
    m.put("java", System.getProperty("java.version"));
    m.put("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION());
    return m;
  }
}
