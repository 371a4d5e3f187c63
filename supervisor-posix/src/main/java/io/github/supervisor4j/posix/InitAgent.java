package io.github.supervisor4j.posix;

import io.github.supervisor4j.InitConfig;
import io.github.supervisor4j.Supervisors;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -javaagent:supervisor-posix.jar -jar app.jar}: makes the JVM a correct PID 1
 * before {@code main} runs, with no change to the application. (An executable jar can name
 * this class in its own manifest as {@code Launcher-Agent-Class} instead.)
 *
 * <p>Before installing, it opens {@code java.lang} to this module through {@link
 * Instrumentation#redefineModule}, so that the reaper reads the JDK's table of children by
 * plain reflection: no {@code --add-opens} flag and no sun.misc.Unsafe needed. Settings come
 * from the system properties of {@link InitConfig#fromSystemProperties()}; the agent argument
 * {@code exitZeroOnSigterm} is a shorthand for {@code -Dsupervisor4j.exitZeroOnSigterm=true}.
 * A setting it cannot understand, or a JVM that cannot host it, prints one line and exits 2.
 */
public final class InitAgent {
  private InitAgent() {}

  /**
   * For {@code -javaagent}: installs the init before {@code main} runs.
   *
   * @param args the agent argument, {@code exitZeroOnSigterm} or none
   * @param inst the JVM's instrumentation, used to open {@code java.lang} to this module
   */
  public static void premain(String args, Instrumentation inst) {
    install(args, inst);
  }

  /**
   * For {@code Launcher-Agent-Class}: the same as {@link #premain}.
   *
   * @param args the agent argument, {@code exitZeroOnSigterm} or none
   * @param inst the JVM's instrumentation, used to open {@code java.lang} to this module
   */
  public static void agentmain(String args, Instrumentation inst) {
    install(args, inst);
  }

  private static void install(String args, Instrumentation inst) {
    try {
      Module self = InitAgent.class.getModule();
      inst.redefineModule(Object.class.getModule(), Set.of(), Map.of(), Map.of("java.lang", Set.of(self)), Set.of(), Map.of());
      InitConfig config = InitConfig.fromSystemProperties();
      if (args != null && !args.isBlank()) {
        for (String a : args.split(",")) {
          if (a.trim().equals("exitZeroOnSigterm")) {
            config = config.withExitZeroOnSigterm(true);
          } else {
            throw new IllegalArgumentException("unknown agent argument '" + a.trim() + "' (known: exitZeroOnSigterm)");
          }
        }
      }
      Supervisors.installInit(config);
    } catch (RuntimeException e) {
      System.err.println("supervisor4j agent: " + e.getMessage());
      System.exit(2);
    }
  }
}
