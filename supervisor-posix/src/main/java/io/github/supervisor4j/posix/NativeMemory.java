package io.github.supervisor4j.posix;

/**
 * What {@link Os} needs from a {@link LibC} binding besides the C functions: native memory
 * (addresses as {@code long}, 64-bit), the errno of its last call, and the C library's {@code
 * environ}. Two implementations, one per binding: {@link JniLibC} (libs4jsig's JNI functions)
 * and {@link JffiMemory} (jffi's, for the jffi and jnr-ffi bindings).
 */
interface NativeMemory {
  /** {@code size} zeroed bytes, or 0 when out of memory. */
  long allocate(long size);

  void free(long address);

  int getInt(long address);

  long getLong(long address);

  void putLong(long address, long value);

  /** Copies all of {@code bytes} to {@code address}. */
  void putBytes(long address, byte[] bytes);

  /** The errno that this binding's last call left on this thread. */
  int errno();

  /** The value of the C library's {@code environ}: this process's environment. */
  long environ();
}
