/**
 * Building blocks for plug-in authors: implementations of parts of the SPI contracts in
 * {@link dev.fdbe.spi} that several plug-ins share, so that each rule has one home. Nothing here is
 * required; a plug-in may implement the contracts directly.
 */
@NullMarked
package dev.fdbe.spi.support;

import org.jspecify.annotations.NullMarked;
