package io.infnet.lake;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 in hex: how models, checkpoints and broadcasts are identified and verified. */
public final class Checksums {
  private Checksums() {}

  public static String sha256(byte[] bytes) {
    return hex(newSha256().digest(bytes));
  }

  /** A fresh SHA-256 digest, for streams too large to hold as one array. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  public static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest);
  }
}
