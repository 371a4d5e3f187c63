package io.github.supervisor4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.supervisor4j.testing.ForkedProcess;
import io.github.supervisor4j.testing.JavaCommand;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a release ships, checked on the jars and POMs the build made: the launcher's licence
 * output, a LICENSE and NOTICE in every jar, a NOTICE that names every library the launcher
 * jar bundles, the -sources and -javadoc jars Maven Central wants, libs4jsig for both
 * architectures in the launcher jar, and a BOM that manages exactly our deployed modules.
 */
@Timeout(120)
class PublishedArtifactsTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final String GROUP = "io.github.supervisor4j";

  /**
   * Bundled code by package, and the name the NOTICE gives it: a library added to the launcher
   * jar without a line in the NOTICE fails here.
   */
  private static final Map<String, String> BUNDLED = new TreeMap<>(Map.of(
      "jnr/constants/", "jnr-constants", "com/kenai/jffi/", "jffi", "jni/", "jffi", "org/slf4j/", "slf4j-api"));

  @ParameterizedTest
  @ValueSource(strings = {"-l", "--license"})
  void launcherPrintsOurLicenceFirstThenTheNoticeAndTheBundledLicences(String option) throws Exception {
    String license = Files.readString(Built.root().resolve("LICENSE"));
    String notice = Files.readString(Built.root().resolve("NOTICE"));
    String out;
    // As a user runs it: java -jar, no JVM option.
    try (ForkedProcess launcher = ForkedProcess.of(List.of(JavaCommand.java(), "-jar", Built.launcherJar().toString(), option))
        .mergedOutput().start()) {
      assertEquals(0, launcher.waitFor(LIMIT), launcher::output);
      out = launcher.output();
    }
    assertTrue(out.startsWith("supervisor4j launcher\n\nsupervisor4j is licensed under the Apache License, Version 2.0"),
        () -> "first lines: " + out.lines().limit(3).collect(Collectors.joining("\n")));
    int ours = out.indexOf(license);
    int notes = out.indexOf(notice);
    int mit = out.indexOf("Permission is hereby granted, free");
    assertTrue(ours > 0 && ours < 400, "the Apache License 2.0 text, verbatim, comes first");
    assertTrue(notes > ours + license.length() - 1, "the NOTICE, verbatim, after the licence");
    assertTrue(mit > notes, "the MIT texts of bundled libraries after the NOTICE");
    assertTrue(out.contains("QOS.ch") && out.contains("Anthony Green"), "slf4j's and libffi's notices: " + out);
    assertTrue(out.endsWith("DEALINGS IN THE SOFTWARE.\n"), "nothing after the licences, not even on stderr");
  }

  @Test
  void noticeNamesEveryLibraryTheLauncherJarBundlesWithItsVersion() throws Exception {
    String notice = Files.readString(Built.root().resolve("NOTICE"));
    Set<String> unnamed = new TreeSet<>();
    Set<String> seen = new TreeSet<>();
    try (JarFile jar = new JarFile(Built.launcherJar().toFile())) {
      for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
        String name = e.getName();
        if (e.isDirectory() || name.startsWith("META-INF/") || name.startsWith("io/github/supervisor4j/")) continue;
        String library = BUNDLED.entrySet().stream().filter(b -> name.startsWith(b.getKey())).map(Map.Entry::getValue)
            .findFirst().orElse(null);
        if (library == null) {
          unnamed.add(name);
        } else {
          seen.add(library);
        }
      }
      assertEquals(Set.of(), unnamed, "launcher jar entries from a library the NOTICE does not name");
      for (String library : seen) {
        assertTrue(notice.contains("  " + library + " "), "NOTICE does not name " + library);
      }
      // The version the NOTICE gives is the one bundled (Maven's pom.properties; ASM ships none).
      for (JarEntry e : (Iterable<JarEntry>) jar.stream()::iterator) {
        if (!e.getName().startsWith("META-INF/maven/") || !e.getName().endsWith("/pom.properties")) continue;
        Properties p = new Properties();
        try (InputStream in = jar.getInputStream(e)) {
          p.load(in);
        }
        if (GROUP.equals(p.getProperty("groupId"))) continue;
        String named = p.getProperty("artifactId") + " " + p.getProperty("version");
        assertTrue(notice.contains("  " + named + " "), "NOTICE does not name " + named + " (from " + e.getName() + ")");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"supervisor-api", "supervisor-posix", "supervisor-junit5"})
  void everyDeployedJarCarriesLicenseAndNoticeAndHasSourcesAndJavadocJars(String module) throws Exception {
    byte[] license = Files.readAllBytes(Built.root().resolve("LICENSE"));
    byte[] notice = Files.readAllBytes(Built.root().resolve("NOTICE"));
    Path target = Built.root().resolve(module).resolve("target");
    List<Path> jars = new ArrayList<>();
    for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
      Path jar = jar(target, module, suffix);
      assertTrue(Files.size(jar) > 1000, jar + " is nearly empty");
      jars.add(jar);
    }
    try (JarFile javadoc = new JarFile(jars.get(2).toFile())) {
      assertNotNull(javadoc.getEntry("index.html"), jars.get(2) + " has no index.html");
    }
    jars.remove(2);
    if (module.equals("supervisor-posix")) jars.add(Built.launcherJar());
    for (Path jar : jars) {
      try (JarFile j = new JarFile(jar.toFile())) {
        assertArrayEquals(license, read(j, "META-INF/LICENSE"), jar + ": META-INF/LICENSE");
        assertArrayEquals(notice, read(j, "META-INF/NOTICE"), jar + ": META-INF/NOTICE");
        assertTrue(j.stream().noneMatch(e -> e.getName().matches("META-INF/(LICENSE|NOTICE|COPYING)[^/]+")),
            jar + " has a second licence file at the top of META-INF");
      }
    }
  }

  /**
   * Both architectures in the jar we ship, each ELF file for its machine, with jffi's stub
   * next to it (without it the JVM could not call ours). CI must have both; a developer build
   * without the aarch64 cross compiler makes a jar without that library, and this test says so.
   */
  @ParameterizedTest
  @ValueSource(strings = {"x86_64", "aarch64"})
  void launcherJarShipsLibs4jsigAndJffiForTheArchitecture(String arch) throws Exception {
    int machine = arch.equals("x86_64") ? 62 : 183; // EM_X86_64, EM_AARCH64
    try (JarFile jar = new JarFile(Built.launcherJar().toFile())) {
      byte[] ours = read(jar, "META-INF/native/linux-" + arch + "/libs4jsig.so");
      if (ours == null) {
        String why = Built.launcherJar().getFileName() + " has no libs4jsig for linux-" + arch
            + " (built without " + arch + "-linux-gnu-gcc?)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) fail(why);
        assumeTrue(false, why);
      }
      assertEquals(machine, elfMachine(ours), "libs4jsig for linux-" + arch);
      byte[] jffi = read(jar, "jni/" + arch + "-Linux/libjffi-1.2.so");
      assertNotNull(jffi, "jffi's stub for " + arch);
      assertEquals(machine, elfMachine(jffi), "jffi's stub for " + arch);
    }
  }

  @Test
  void bomManagesExactlyTheDeployedModulesAtTheProjectVersionWithoutAParent() throws Exception {
    Document root = parse(Built.root().resolve("pom.xml"));
    Document bom = parse(Built.root().resolve("supervisor-bom/pom.xml"));
    Element r = root.getDocumentElement();
    Element b = bom.getDocumentElement();
    assertEquals(null, child(b, "parent"), "the BOM has no parent");
    assertEquals(text(r, "groupId"), text(b, "groupId"));
    assertEquals(text(r, "version"), text(b, "version"), "the BOM's version is the project's");
    assertEquals("pom", text(b, "packaging"));
    for (String element : List.of("url", "licenses", "developers", "scm")) {
      assertEquals(flat(child(r, element)), flat(child(b, element)), "the BOM's <" + element + "> is the root's");
    }

    // Deployed: every module of the default build except the BOM itself and those that skip deploy.
    Set<String> deployed = new TreeSet<>();
    for (Element module : children(child(r, "modules"), "module")) {
      String dir = module.getTextContent().trim();
      if (dir.equals("supervisor-bom")) continue;
      Element pom = parse(Built.root().resolve(dir).resolve("pom.xml")).getDocumentElement();
      Element properties = child(pom, "properties");
      if (properties != null && "true".equals(text(properties, "maven.deploy.skip"))) continue;
      deployed.add(text(pom, "artifactId"));
    }
    assertEquals(Set.of("supervisor-api", "supervisor-posix", "supervisor-junit5"), deployed);

    Set<String> managed = new TreeSet<>();
    for (Element d : children(child(child(b, "dependencyManagement"), "dependencies"), "dependency")) {
      assertEquals(GROUP, text(d, "groupId"), "the BOM manages only supervisor4j's own artifacts");
      assertEquals("${project.version}", text(d, "version"), text(d, "artifactId"));
      String classifier = text(d, "classifier");
      managed.add(text(d, "artifactId") + (classifier == null ? "" : ":" + classifier));
    }
    Set<String> expected = new TreeSet<>(deployed);
    expected.add("supervisor-posix:launcher");
    assertEquals(expected, managed);

    // The BOM has no parent, so it repeats plugin versions: they must be the root's.
    Element bomProperties = child(b, "properties");
    Element rootProperties = child(r, "properties");
    for (Element p : children(bomProperties, null)) {
      assertEquals(text(rootProperties, p.getTagName()), p.getTextContent().trim(), "BOM property " + p.getTagName());
    }
  }

  /** target/MODULE-VERSION-SUFFIX, which must exist. */
  private static Path jar(Path target, String module, String suffix) throws Exception {
    String version = text(parse(Built.root().resolve("pom.xml")).getDocumentElement(), "version");
    Path jar = target.resolve(module + "-" + version + suffix);
    assertTrue(Files.isRegularFile(jar), jar + " was not built by mvn package");
    return jar;
  }

  private static byte[] read(JarFile jar, String name) throws IOException {
    JarEntry e = jar.getJarEntry(name);
    if (e == null) return null;
    try (InputStream in = jar.getInputStream(e)) {
      return in.readAllBytes();
    }
  }

  private static int elfMachine(byte[] elf) {
    assertTrue(elf.length > 20 && elf[0] == 0x7f && elf[1] == 'E' && elf[2] == 'L' && elf[3] == 'F', "not an ELF file");
    return ByteBuffer.wrap(elf, 18, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
  }

  private static Document parse(Path pom) throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    factory.setExpandEntityReferences(false);
    return factory.newDocumentBuilder().parse(pom.toFile());
  }

  /** The direct child element {@code name} of {@code parent}, or null. */
  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0);
  }

  /** The direct child elements of {@code parent} named {@code name} (any name if null). */
  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) return out;
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n instanceof Element && (name == null || ((Element) n).getTagName().equals(name))) out.add((Element) n);
    }
    return out;
  }

  private static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }

  /** An element's text content with whitespace collapsed, for comparing two POMs' sections. */
  private static String flat(Element e) {
    assertNotNull(e);
    return e.getTextContent().replaceAll("\\s+", " ").trim();
  }
}
