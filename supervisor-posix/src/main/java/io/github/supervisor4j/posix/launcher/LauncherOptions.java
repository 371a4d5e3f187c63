package io.github.supervisor4j.posix.launcher;

import io.github.supervisor4j.ForwarderConfig;
import io.github.supervisor4j.ShutdownConfig;
import io.github.supervisor4j.Signal;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The launcher's command line and environment, parsed the way tini 0.19 parses them: short
 * options may be bundled ({@code -vvv}, {@code -sg}), a value may be attached ({@code -e3}) or
 * follow ({@code -e 3}), and the first word that is not an option ends the options (getopt's
 * {@code +}), so {@code launcher cmd -x} passes {@code -x} to cmd. Long forms take {@code
 * --name value} or {@code --name=value}.
 *
 * <p>Environment, after the options as in tini's {@code parse_env()}: SUPERVISOR_SUBREAPER
 * and SUPERVISOR_KILL_PROCESS_GROUP turn a flag on (1, true, yes or empty) or off (0, false,
 * no); tini's TINI_SUBREAPER and TINI_KILL_PROCESS_GROUP turn it on whenever they are set,
 * whatever their value, as tini does. SUPERVISOR_VERBOSITY, else TINI_VERBOSITY, sets the
 * verbosity and, as in tini, overrides {@code -v}. A SUPERVISOR_ variable wins over its TINI_
 * twin.
 *
 * <p>Immutable once parsed; {@link #parse} throws {@link UsageException} with a one-line
 * message for any bad input.
 */
final class LauncherOptions {
  /** tini's default verbosity: warnings and fatal errors. */
  static final int DEFAULT_VERBOSITY = 1;

  /** What the launcher is asked to do. */
  enum Action { RUN, PAUSE, HELP, VERSION, LICENSE }

  Action action = Action.RUN;
  List<String> command = Collections.emptyList();
  boolean subreaper;
  boolean processGroup;
  boolean setsid;
  boolean singleChild;
  boolean warnOnReap;
  int verbosity = DEFAULT_VERBOSITY;
  Signal parentDeathSignal;
  final BitSet remappedExitCodes = new BitSet(256);
  final Map<Signal, Optional<Signal>> rewrites = new EnumMap<>(Signal.class);
  /** --grace, --kill-after, --on-child-exit, --pre-stop-delay; null while none was given. */
  private ShutdownConfig shutdown;
  private boolean pauseRequested;
  /** -g was on the command line (not only in the environment). */
  private boolean processGroupOption;

  private LauncherOptions() {}

  /** Thrown for bad input; the launcher prints the message on one line and exits 1, as tini does. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Parses {@code args} and then {@code env}.
   *
   * @throws UsageException naming the bad option or value
   */
  static LauncherOptions parse(String[] args, Map<String, String> env) throws UsageException {
    LauncherOptions o = new LauncherOptions();
    o.parseArgs(args);
    if (o.action == Action.RUN || o.action == Action.PAUSE) {
      o.parseEnv(env);
      o.check();
    }
    return o;
  }

  private void parseArgs(String[] args) throws UsageException {
    int i = 0;
    while (i < args.length) {
      String arg = args[i];
      if (arg.equals("--")) {
        if (i + 1 == args.length) throw new UsageException("'--' must be followed by a command (for pause mode, give no '--' or use --pause)");
        command = List.of(args).subList(i + 1, args.length);
        break;
      }
      if (arg.startsWith("--")) {
        i = parseLong(args, i);
        if (action != Action.RUN) return;
        continue;
      }
      if (arg.startsWith("-") && arg.length() > 1) {
        i = parseShort(args, i);
        if (action != Action.RUN) return;
        continue;
      }
      command = List.of(args).subList(i, args.length);
      break;
    }
    if (pauseRequested && !command.isEmpty()) throw new UsageException("--pause takes no command, but got: " + command.get(0));
    if (command.isEmpty()) action = Action.PAUSE;
  }

  /** Parses the long option at {@code args[i]}; returns the index of the next word. */
  private int parseLong(String[] args, int i) throws UsageException {
    String arg = args[i];
    int eq = arg.indexOf('=');
    String name = eq < 0 ? arg : arg.substring(0, eq);
    String inline = eq < 0 ? null : arg.substring(eq + 1);
    switch (name) {
      case "--help": action = Action.HELP; return i + 1;
      case "--version": action = Action.VERSION; return i + 1;
      case "--license": action = Action.LICENSE; return i + 1;
      case "--subreaper": noValue(name, inline); subreaper = true; return i + 1;
      case "--process-group": noValue(name, inline); processGroup = true; return i + 1;
      case "--setsid": noValue(name, inline); setsid = true; return i + 1;
      case "--single-child": noValue(name, inline); singleChild = true; return i + 1;
      case "--warn-on-reap": noValue(name, inline); warnOnReap = true; return i + 1;
      case "--verbose": noValue(name, inline); verbosity++; return i + 1;
      case "--pause": noValue(name, inline); pauseRequested = true; return i + 1;
      case "--parent-death-signal":
      case "--remap-exit":
      case "--rewrite":
      case ShutdownOptions.GRACE:
      case ShutdownOptions.KILL_AFTER:
      case ShutdownOptions.ON_CHILD_EXIT:
      case ShutdownOptions.PRE_STOP_DELAY: {
        String value = inline;
        int next = i + 1;
        if (value == null) {
          if (next >= args.length) throw new UsageException("option " + name + " requires a value");
          value = args[next++];
        }
        value(name, value);
        return next;
      }
      default:
        throw new UsageException("unknown option: " + name + " (see --help)");
    }
  }

  /** Parses a bundle of short options at {@code args[i]}; returns the index of the next word. */
  private int parseShort(String[] args, int i) throws UsageException {
    String arg = args[i];
    for (int k = 1; k < arg.length(); k++) {
      char c = arg.charAt(k);
      switch (c) {
        case 'h': action = Action.HELP; return i + 1;
        case 'l': action = Action.LICENSE; return i + 1;
        case 's': subreaper = true; break;
        case 'g': processGroup = true; break;
        case 'c': singleChild = true; break;
        case 'w': warnOnReap = true; break;
        case 'v': verbosity++; break;
        case 'p':
        case 'e':
        case 'r': {
          String name = "-" + c;
          if (k + 1 < arg.length()) {
            value(name, arg.substring(k + 1));
            return i + 1;
          }
          if (i + 1 >= args.length) throw new UsageException("option " + name + " requires a value");
          value(name, args[i + 1]);
          return i + 2;
        }
        default:
          throw new UsageException("unknown option: -" + c + " (see --help)");
      }
    }
    return i + 1;
  }

  /** Plain loops instead of streams and lambdas: each lambda costs start-up time (see docs/launcher.md). */
  private static boolean isDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') return false;
    }
    return true;
  }

  private static void noValue(String name, String inline) throws UsageException {
    if (inline != null) throw new UsageException("option " + name + " takes no value, but got: " + inline);
  }

  private void value(String name, String value) throws UsageException {
    switch (name) {
      case "-p":
      case "--parent-death-signal":
        parentDeathSignal = parseSignal(name, value);
        break;
      case "-e":
      case "--remap-exit":
        remappedExitCodes.set(parseExitCode(name, value));
        break;
      case ShutdownOptions.GRACE:
      case ShutdownOptions.KILL_AFTER:
      case ShutdownOptions.ON_CHILD_EXIT:
      case ShutdownOptions.PRE_STOP_DELAY:
        try {
          shutdown = ShutdownOptions.apply(shutdownConfig(), name, value);
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage()); // "--grace: not a duration: abc (use 500ms, 10s or 1m)"
        }
        break;
      default:
        parseRewrite(name, value);
    }
  }

  /** tini's {@code -e}: a decimal exit code from 0 to 255 ({@code "Not a valid option for -e: 300"}). */
  private static int parseExitCode(String name, String value) throws UsageException {
    if (!value.isEmpty() && value.length() <= 3 && isDigits(value)) {
      int code = Integer.parseInt(value);
      if (code <= 255) return code;
    }
    throw new UsageException("not a valid option for " + name + ": " + value + " (an exit code from 0 to 255)");
  }

  /**
   * A signal for {@code -p}: tini takes only names with the SIG prefix ({@code SIGKILL}); we
   * also take {@code KILL} and {@code 9}, where tini would fail.
   */
  private static Signal parseSignal(String name, String value) throws UsageException {
    try {
      return Signal.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("not a valid option for " + name + ": " + value + " (a signal such as SIGKILL, KILL or 9)");
    }
  }

  /** dumb-init's {@code -r S:R}: rewrite S to R; R = 0 drops S. Names are accepted too. */
  private void parseRewrite(String name, String value) throws UsageException {
    int colon = value.indexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UsageException("not a valid option for " + name + ": " + value + " (expected S:R, e.g. 15:2 or TERM:INT; R = 0 drops S)");
    }
    Signal from;
    Optional<Signal> target;
    String to = value.substring(colon + 1);
    try {
      from = Signal.parse(value.substring(0, colon));
      target = to.equals("0") ? Optional.empty() : Optional.of(Signal.parse(to));
    } catch (IllegalArgumentException e) {
      throw new UsageException("not a valid option for " + name + ": " + value + " (" + e.getMessage() + "; expected S:R with signals 1 to 31, R = 0 drops S)");
    }
    Optional<String> refusal = ForwarderConfig.refusal(from);
    if (refusal.isPresent()) throw new UsageException("cannot rewrite " + from + " (" + name + " " + value + "): " + from + " cannot be caught in a JVM: " + refusal.get());
    if (target.isPresent() && target.get() == Signal.SIGCHLD) throw new UsageException("cannot rewrite " + from + " to SIGCHLD (" + name + " " + value + ")");
    rewrites.put(from, target);
  }

  private void parseEnv(Map<String, String> env) throws UsageException {
    // The environment may turn a flag off only where the command line did not turn it on.
    boolean subreaperOption = subreaper;
    processGroupOption = processGroup;
    if (env.containsKey("TINI_SUBREAPER")) subreaper = true;
    if (env.containsKey("TINI_KILL_PROCESS_GROUP")) processGroup = true;
    Boolean s = flag(env, "SUPERVISOR_SUBREAPER");
    if (s != null) subreaper = s || subreaperOption;
    Boolean g = flag(env, "SUPERVISOR_KILL_PROCESS_GROUP");
    if (g != null) processGroup = g || processGroupOption;
    String v = env.get("SUPERVISOR_VERBOSITY");
    String name = "SUPERVISOR_VERBOSITY";
    if (v == null) {
      v = env.get("TINI_VERBOSITY");
      name = "TINI_VERBOSITY";
    }
    if (v != null) {
      String t = v.trim();
      if (t.isEmpty() || t.length() > 2 || !isDigits(t)) {
        throw new UsageException("not a valid value for " + name + ": " + v + " (0 fatal only, 1 warnings, 2 info, 3 debug, 4 trace)");
      }
      verbosity = Integer.parseInt(t);
    }
  }

  private static Boolean flag(Map<String, String> env, String name) throws UsageException {
    String v = env.get(name);
    if (v == null) return null;
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "":
      case "1":
      case "true":
      case "yes":
      case "on":
        return Boolean.TRUE;
      case "0":
      case "false":
      case "no":
      case "off":
        return Boolean.FALSE;
      default:
        throw new UsageException("not a valid value for " + name + ": " + v + " (1 or 0)");
    }
  }

  private void check() throws UsageException {
    if (singleChild && setsid) throw new UsageException("-c/--single-child and --setsid cannot be used together");
    if (singleChild && processGroupOption) throw new UsageException("-c/--single-child and -g/--process-group cannot be used together");
    if (action == Action.PAUSE && (processGroup && processGroupOption || setsid || singleChild || !rewrites.isEmpty() || !remappedExitCodes.isEmpty()
        || shutdown != null)) {
      // Options about a child make no sense without one; TINI_KILL_PROCESS_GROUP from an
      // image's environment is tolerated.
      throw new UsageException("pause mode runs no child, so -g, -c, --setsid, -r, -e and the shutdown options (--grace, --kill-after, "
          + "--on-child-exit, --pre-stop-delay) do not apply; give a command or drop them");
    }
    // -c: signals reach the child alone, whatever the environment asks for.
    if (singleChild) processGroup = false;
  }

  /** The signals the launcher catches and forwards: see {@link Launcher}'s class comment. */
  ForwarderConfig forwarderConfig() {
    Set<Signal> caught = EnumSet.copyOf(ForwarderConfig.forwardable());
    caught.remove(Signal.SIGTTIN);
    caught.remove(Signal.SIGTTOU);
    caught.addAll(rewrites.keySet());
    ForwarderConfig c = ForwarderConfig.of(caught);
    for (Map.Entry<Signal, Optional<Signal>> r : rewrites.entrySet()) {
      c = r.getValue().isPresent() ? c.withRewrite(r.getKey(), r.getValue().get()) : c.withDropped(r.getKey());
    }
    return c;
  }

  /** True if a graceful-shutdown option was given (without one, not even ShutdownConfig is loaded). */
  boolean hasShutdownOptions() {
    return shutdown != null;
  }

  /** The graceful-shutdown options given, or {@link ShutdownConfig#defaults()} (tini's behaviour). */
  ShutdownConfig shutdownConfig() {
    return shutdown != null ? shutdown : ShutdownConfig.defaults();
  }

  /** The exit code tini would give for a child that ended with shell code {@code code}. */
  int remap(int code) {
    return code >= 0 && code <= 255 && remappedExitCodes.get(code) ? 0 : code;
  }

  List<String> command() {
    return new ArrayList<>(command);
  }
}
