package io.github.supervisor4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ChildSpecTest {

  @Test
  void defaultsInheritEverythingButDescriptorsAndAddNoGroup() {
    ChildSpec s = ChildSpec.of("sleep", "1");
    assertEquals(List.of("sleep", "1"), s.command());
    assertEquals(Optional.empty(), s.directory());
    assertEquals(Optional.empty(), s.environment());
    assertEquals(ProcessGroup.INHERIT, s.processGroup());
    assertTrue(s.passedFds().isEmpty());
    assertEquals("sleep 1", s.toString());
  }

  @Test
  void copiesTheCommandSoLaterChangesDoNotLeakIn() {
    List<String> cmd = new ArrayList<>(List.of("echo", "a"));
    ChildSpec s = ChildSpec.of(cmd);
    cmd.add("b");
    assertEquals(List.of("echo", "a"), s.command());
    assertThrows(UnsupportedOperationException.class, () -> s.command().add("c"));
  }

  @Test
  void refusesAnEmptyCommand() {
    assertEquals("command is empty", assertThrows(IllegalArgumentException.class, () -> ChildSpec.of(List.of())).getMessage());
    assertEquals("command is empty", assertThrows(IllegalArgumentException.class, ChildSpec::of).getMessage());
  }

  @Test
  void refusesAnEmptyCommandName() {
    assertEquals("command name is empty", assertThrows(IllegalArgumentException.class, () -> ChildSpec.of("", "x")).getMessage());
  }

  @Test
  void refusesNullArguments() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> ChildSpec.of(Arrays.asList("echo", null)));
    assertEquals("command has a null argument", e.getMessage());
    assertThrows(NullPointerException.class, () -> ChildSpec.of((List<String>) null));
  }

  @Test
  void refusesArgumentsWithNulBytesNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChildSpec.of("echo", "a\0b"));
    assertTrue(e.getMessage().startsWith("argument has a NUL byte: a"), e.getMessage());
  }

  @Test
  void passedFdsAreSortedUnionedAndChecked() {
    ChildSpec s = ChildSpec.of("true").withPassedFds(7, 3).withPassedFds(5, 3);
    assertEquals(new TreeSet<>(List.of(3, 5, 7)), s.passedFds());
    SortedSet<Integer> fds = s.passedFds();
    assertThrows(UnsupportedOperationException.class, () -> fds.add(9));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.withPassedFds(-1));
    assertEquals("fd < 0: -1", e.getMessage());
  }

  @Test
  void environmentIsCopiedAndChecked() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("A", "1");
    ChildSpec s = ChildSpec.of("env").withEnvironment(env);
    env.put("B", "2");
    assertEquals(Map.of("A", "1"), s.environment().orElseThrow());
    assertEquals("bad environment name: A=B",
        assertThrows(IllegalArgumentException.class, () -> s.withEnvironment(Map.of("A=B", "x"))).getMessage());
    assertEquals("bad environment name: ",
        assertThrows(IllegalArgumentException.class, () -> s.withEnvironment(Map.of("", "x"))).getMessage());
    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("A", null);
    assertThrows(NullPointerException.class, () -> s.withEnvironment(nullValue));
  }

  @Test
  void withMethodsReturnCopiesAndKeepTheRest() {
    ChildSpec base = ChildSpec.of("true").withPassedFds(4);
    ChildSpec group = base.withProcessGroup(ProcessGroup.NEW);
    ChildSpec session = group.withProcessGroup(ProcessGroup.NEW_SESSION).withDirectory(Path.of("/tmp"));
    assertEquals(ProcessGroup.INHERIT, base.processGroup());
    assertEquals(ProcessGroup.NEW, group.processGroup());
    assertEquals(ProcessGroup.NEW_SESSION, session.processGroup());
    assertTrue(session.processGroup().isOwnGroup());
    assertEquals(Optional.of(Path.of("/tmp")), session.directory());
    assertEquals(Optional.empty(), group.directory());
    assertEquals(new TreeSet<>(List.of(4)), session.passedFds());
    assertThrows(NullPointerException.class, () -> base.withDirectory(null));
    assertThrows(NullPointerException.class, () -> base.withProcessGroup(null));
  }

  @Test
  void onlyInheritLeavesTheChildWithoutAGroupOfItsOwn() {
    for (ProcessGroup g : ProcessGroup.values()) assertEquals(g != ProcessGroup.INHERIT, g.isOwnGroup(), g.name());
  }
}
