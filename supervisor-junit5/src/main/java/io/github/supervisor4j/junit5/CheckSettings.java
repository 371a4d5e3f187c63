package io.github.supervisor4j.junit5;

import io.github.supervisor4j.junit5.NoProcessLeaks.OnLeak;
import java.lang.reflect.AnnotatedElement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The leak check's options for one test or class: the closest {@link NoProcessLeaks} (the
 * method, then its class, then the enclosing classes) wins over the configuration parameters,
 * which win over the defaults. Immutable.
 */
final class CheckSettings {
  static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

  final boolean annotated;
  final boolean fail;
  final Duration grace;
  final Set<String> allowed;

  private CheckSettings(boolean annotated, boolean fail, Duration grace, Set<String> allowed) {
    this.annotated = annotated;
    this.fail = fail;
    this.grace = grace;
    this.allowed = allowed;
  }

  /**
   * The settings for {@code context}, or empty if neither an annotation nor {@value
   * NoProcessLeaksExtension#ENABLED} asks for a check there.
   *
   * @throws ExtensionConfigurationException one line naming a bad value
   */
  static Optional<CheckSettings> of(ExtensionContext context) {
    Optional<NoProcessLeaks> a = closestAnnotation(context);
    if (a.isEmpty() && !flag(context, NoProcessLeaksExtension.ENABLED)) return Optional.empty();
    OnLeak onLeak = a.map(NoProcessLeaks::onLeak).orElse(OnLeak.CONFIGURED);
    if (onLeak == OnLeak.CONFIGURED) {
      String v = context.getConfigurationParameter(NoProcessLeaksExtension.ON_LEAK).orElse("fail").trim().toLowerCase(Locale.ROOT);
      if (v.equals("fail")) onLeak = OnLeak.FAIL;
      else if (v.equals("warn")) onLeak = OnLeak.WARN;
      else throw new ExtensionConfigurationException(NoProcessLeaksExtension.ON_LEAK + " must be fail or warn: " + v);
    }
    String graceText = a.map(NoProcessLeaks::grace).filter(g -> !g.isBlank())
        .or(() -> context.getConfigurationParameter(NoProcessLeaksExtension.GRACE)).orElse("");
    Duration grace;
    try {
      grace = graceText.isBlank() ? DEFAULT_GRACE : Durations.parse(a.isPresent() && !a.get().grace().isBlank()
          ? "@NoProcessLeaks(grace)" : NoProcessLeaksExtension.GRACE, graceText);
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException(e.getMessage());
    }
    Set<String> allowed = new LinkedHashSet<>();
    a.ifPresent(n -> allowed.addAll(Arrays.asList(n.allowed())));
    context.getConfigurationParameter(NoProcessLeaksExtension.ALLOWED)
        .ifPresent(list -> Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(allowed::add));
    return Optional.of(new CheckSettings(a.isPresent(), onLeak == OnLeak.FAIL, grace, Set.copyOf(allowed)));
  }

  static boolean flag(ExtensionContext context, String key) {
    return context.getConfigurationParameter(key).map(v -> v.trim().equalsIgnoreCase("true")).orElse(false);
  }

  /** The annotation on the test method, else its class, else an enclosing class ({@code @Nested}). */
  private static Optional<NoProcessLeaks> closestAnnotation(ExtensionContext context) {
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
      Optional<AnnotatedElement> element = c.get().getElement();
      Optional<NoProcessLeaks> found = AnnotationSupport.findAnnotation(element, NoProcessLeaks.class);
      if (found.isPresent()) return found;
    }
    return Optional.empty();
  }
}
