/**
 * Code shipping: finding the classes a job needs, bundling them by content hash, and defining them on a worker.
 *
 * <p>Not API: the types here are public only so that other Tasq packages can use them, and may change
 * in any release. Applications use {@code io.tasq} (tasq-api), {@code io.tasq.core.worker} and
 * {@code io.tasq.core.security}.
 */
package io.tasq.core.internal.shipping;
