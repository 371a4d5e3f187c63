package io.github.supervisor4j.posix;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Reads a resource that sits next to a class (our native libraries), from the jar or directory
 * the class was loaded from, without {@code Class.getResourceAsStream}: that looks the name up
 * in the JDK's own modules first and then opens a {@code jar:} URL connection, about 15 classes
 * outside the CDS archive and a few milliseconds of the launcher's start-up (issue 14). Where
 * the class did not come from a plain file or directory (a jar inside a jar, a custom class
 * loader), it falls back to {@code getResourceAsStream}.
 */
final class Resources {
  private Resources() {}

  /**
   * The bytes of resource {@code name} (absolute, with a leading slash) of {@code owner}'s code
   * source, or null if it has none. Read whole: our libraries are tens of kilobytes, and a
   * stream that closes the jar behind it would be one more class to load.
   */
  static byte[] read(Class<?> owner, String name) throws IOException {
    File source = codeSource(owner);
    if (source == null) {
      try (InputStream in = owner.getResourceAsStream(name)) {
        return in == null ? null : in.readAllBytes();
      }
    }
    String entry = name.substring(1);
    if (source.isDirectory()) {
      File f = new File(source, entry);
      if (!f.isFile()) return null;
      try (InputStream in = new FileInputStream(f)) {
        return in.readAllBytes();
      }
    }
    try (JarFile jar = new JarFile(source, false)) { // shares the class loader's open zip; no signature check
      ZipEntry e = jar.getEntry(entry);
      if (e == null) return null;
      try (InputStream in = jar.getInputStream(e)) {
        return in.readAllBytes();
      }
    }
  }

  /** The file or directory {@code owner} was loaded from, or null if it was not a local one. */
  private static File codeSource(Class<?> owner) {
    try {
      CodeSource cs = owner.getProtectionDomain().getCodeSource();
      URL location = cs == null ? null : cs.getLocation();
      if (location == null || !"file".equals(location.getProtocol())) return null;
      File f = new File(location.toURI());
      return f.exists() ? f : null;
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return null;
    }
  }
}
