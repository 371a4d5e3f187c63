package io.github.supervisor4j.posix;

import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;

/**
 * {@link NativeMemory} through jffi ({@link MemoryIO}, {@link LastError}): for {@link
 * JffiLibC} and jnr-ffi's binding, which both save errno where jffi's {@code LastError} reads
 * it. Thread-safe.
 */
final class JffiMemory implements NativeMemory {
  private static final MemoryIO MEMORY = MemoryIO.getInstance();

  @Override public long allocate(long size) { return MEMORY.allocateMemory(size, true); }

  @Override public void free(long address) { MEMORY.freeMemory(address); }

  @Override public int getInt(long address) { return MEMORY.getInt(address); }

  @Override public long getLong(long address) { return MEMORY.getLong(address); }

  @Override public void putLong(long address, long value) { MEMORY.putLong(address, value); }

  @Override public void putBytes(long address, byte[] bytes) { MEMORY.putByteArray(address, bytes, 0, bytes.length); }

  @Override public int errno() { return LastError.getInstance().get(); }

  @Override
  public long environ() {
    long address = Library.getDefault().getSymbolAddress("environ");
    if (address == 0) throw new IllegalStateException("the C library has no environ");
    return MEMORY.getAddress(address);
  }
}
