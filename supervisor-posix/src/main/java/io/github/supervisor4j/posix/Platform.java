package io.github.supervisor4j.posix;

import java.nio.charset.Charset;
import java.util.Locale;

/**
 * The operating system and architecture this JVM runs on, as the JDK reports them: the one place
 * that reads {@code os.name} and {@code os.arch}, and {@code sun.jnu.encoding}.
 */
enum Platform {
  LINUX_X86_64("linux-x86_64", 186, 61),
  LINUX_AARCH64("linux-aarch64", 178, 260),
  /** Anything else: supervisor-posix does not run there. */
  UNSUPPORTED(null, -1, -1);

  /** This JVM's platform. */
  static final Platform CURRENT = detect(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));

  /** The charset the JDK itself uses for command lines and file names (sun.jnu.encoding). */
  static final Charset JNU = jnuCharset();

  private final String directory;
  private final int gettid;
  private final int wait4;

  Platform(String directory, int gettid, int wait4) {
    this.directory = directory;
    this.gettid = gettid;
    this.wait4 = wait4;
  }

  static Platform detect(String osName, String osArch) {
    if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) return UNSUPPORTED;
    switch (osArch) {
      case "amd64":
      case "x86_64":
        return LINUX_X86_64;
      case "aarch64":
        return LINUX_AARCH64;
      default:
        return UNSUPPORTED;
    }
  }

  boolean isSupported() {
    return this != UNSUPPORTED;
  }

  /** The directory of this platform's native libraries in our jar, e.g. {@code linux-x86_64}; null if unsupported. */
  String nativeDirectory() {
    return directory;
  }

  /** The number of gettid(2): not a libc function before glibc 2.30, so it is called through syscall(2). */
  int gettidSyscall() {
    return gettid;
  }

  /**
   * The number of wait4(2), which glibc's waitpid calls: what a JDK "process reaper" thread is
   * blocked in, as {@code /proc/self/task/<tid>/syscall} shows it.
   */
  int wait4Syscall() {
    return wait4;
  }

  private static Charset jnuCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name != null ? Charset.forName(name) : Charset.defaultCharset();
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }
}
