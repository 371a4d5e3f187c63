package io.github.supervisor4j.build;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A build step of the launcher jar (the {@code launcher-store} execution in supervisor-posix's
 * POM): rewrites the shaded jar in place with the entries under the given prefixes stored, not
 * deflated, and every other entry deflated as before.
 *
 * <p>Why: each class the JVM loads from a jar on the way to the child goes through an {@code
 * Inflater}, run by the interpreter that early; with the launcher's own classes, slf4j's and
 * libs4jsig stored, {@code java -jar launcher -- true} returns 5-9 ms sooner on JDK 17
 * (paired medians of interleaved runs; docs/launcher.md), for 0.3 MB more jar. The rest (jffi,
 * jnr-constants) is loaded only on a fallback or error path and stays deflated.
 *
 * <p>Reproducible (.ci/reproducible): entries keep their order, times, extra fields and
 * comments, and the same input gives the same bytes.
 *
 * <p>Usage: {@code StoreEntries JAR PREFIX...}
 */
public final class StoreEntries {
  private StoreEntries() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) throw new IllegalArgumentException("usage: StoreEntries JAR PREFIX...");
    Path jar = Path.of(args[0]);
    List<String> prefixes = List.of(args).subList(1, args.length);
    Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
    int stored = 0;
    try (ZipFile in = new ZipFile(jar.toFile());
        ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
      for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
        ZipEntry from = e.nextElement();
        byte[] data = read(in, from);
        ZipEntry to = new ZipEntry(from);
        if (!from.isDirectory() && prefixes.stream().anyMatch(from.getName()::startsWith)) {
          CRC32 crc = new CRC32();
          crc.update(data);
          to.setMethod(ZipEntry.STORED);
          to.setSize(data.length);
          to.setCompressedSize(data.length);
          to.setCrc(crc.getValue());
          stored++;
        } else if (to.getMethod() == ZipEntry.DEFLATED) {
          to.setCompressedSize(-1); // deflated again here: its size is known once written
        }
        out.putNextEntry(to);
        out.write(data);
        out.closeEntry();
      }
    }
    if (stored == 0) throw new IllegalStateException(jar + ": no entry under " + prefixes + " to store");
    Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
    System.out.println("StoreEntries: " + jar.getFileName() + ": " + stored + " entries stored under " + prefixes);
  }

  private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
    try (InputStream in = zip.getInputStream(entry)) {
      return in.readAllBytes();
    }
  }
}
