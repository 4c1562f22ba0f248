/**
 * The runnable jar: the command line ({@link dev.fdbe.server.Main}) and the embedded defaults (an
 * H2 database file, local storage and demo data). No export logic lives here.
 */
@NullMarked
package dev.fdbe.server;

import org.jspecify.annotations.NullMarked;
