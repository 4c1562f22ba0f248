/**
 * The engine's internals: request validation, the transition table, part keys, the part roller,
 * the attempt runner and the worker threads. Not exported; nothing outside core may depend on it.
 */
package dev.fdbe.internal;
