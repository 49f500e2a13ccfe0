/**
 * The client's and the worker's Micrometer meters.
 *
 * <p>Not API: the types here are public only so that other Tasq packages can use them, and may change
 * in any release. Applications use {@code io.tasq} (tasq-api), {@code io.tasq.core.worker} and
 * {@code io.tasq.core.security}.
 */
package io.tasq.core.internal.metrics;
