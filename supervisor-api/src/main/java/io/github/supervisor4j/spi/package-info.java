/**
 * The service interface an implementation of supervisor4j provides ({@link
 * io.github.supervisor4j.spi.SupervisorProvider}); applications never use it.
 */
package io.github.supervisor4j.spi;
