package io.tasq;

/**
 * Marks an exception class whose throwing ends a job for good: the worker does not retry a job that
 * threw it, or that threw an exception caused by it.
 */
public interface NonRetryable {
}
