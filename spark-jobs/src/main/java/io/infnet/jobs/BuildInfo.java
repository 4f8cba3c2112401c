package io.infnet.jobs;

import io.infnet.model.io.Provenance;

/** Which code produced an output: the jar's version and, when the launcher knows it, the git commit. */
public final class BuildInfo {
  private BuildInfo() {}

  public static Provenance.Code describe() {
    String version = Main.class.getPackage().getImplementationVersion();
    String sha = System.getenv("INFNET_GIT_SHA");
    return Provenance.Code.ofThisJvm(version == null ? "dev" : version, sha == null ? "unknown" : sha,
        org.apache.spark.package$.MODULE$.SPARK_VERSION());
  }
}
