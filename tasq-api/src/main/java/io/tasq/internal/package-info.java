/**
 * <b>Not API.</b> Types that must be public for the Tasq runtime (tasq-core) to reach them, but
 * that applications must not use: they may change or go in any release without notice, and
 * calling them can break the guarantees the API gives (for example that a {@link io.tasq.TasqFuture}
 * completes exactly once, with what its worker reported).
 *
 * <ul>
 *   <li>{@code Call0} to {@code Call4}: a task bound to its arguments, as a client sends it.</li>
 *   <li>{@link io.tasq.internal.FutureAccess}: the runtime's way to make and complete
 *       {@code TasqFuture}s, whose own methods for that are not public.</li>
 * </ul>
 */
package io.tasq.internal;
