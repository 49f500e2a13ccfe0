package io.tasq.spi;

import java.util.concurrent.CompletionStage;

/**
 * The client side of a backend: sends job envelopes and receives the results addressed to one
 * client id, through the {@link ResultListener} given when it was opened.
 *
 * <p>Thread-safe: any thread may send.
 */
public interface JobProducer extends AutoCloseable {

    /**
     * Sends a job. The stage completes when the backend has taken responsibility for it (a broker
     * confirmed it; a brokerless transport handed it to a worker's connection), or exceptionally
     * with a {@link io.tasq.TasqException} if it never can. A backend that cannot reach its server
     * keeps retrying rather than failing at once.
     */
    CompletionStage<Void> send(OutboundJob job);

    /**
     * Sends a control message (for example a signed request to cancel a job) to every worker of the
     * queue that is up, so that the one running the job can stop it. The stage fails with an
     * {@link UnsupportedOperationException} if the backend cannot broadcast; the runtime then sends
     * the message like a job, to one worker.
     */
    default CompletionStage<Void> broadcast(byte[] control) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException("this backend does not broadcast"));
    }

    /**
     * Takes back a job the backend still holds undelivered (waiting in the queue or delayed), so
     * that no worker ever sees it.
     *
     * @return whether it was found and removed; {@code false} also when the backend cannot tell
     */
    default CompletionStage<Boolean> withdraw(String jobId) {
        return java.util.concurrent.CompletableFuture.completedFuture(false);
    }

    /**
     * Adds a worker to the ones this producer sends to, for a backend whose client spreads jobs over
     * its workers itself (a brokerless pool). The stage completes once the worker is part of the pool.
     *
     * @param address the worker's address, in the backend's own form
     * @throws io.tasq.ConfigurationException if the address is not one worker's
     */
    default CompletionStage<Void> addWorker(String address) {
        return java.util.concurrent.CompletableFuture.failedFuture(new UnsupportedOperationException(
                "this backend's workers find their queue through its broker: start another worker on the same URL "
                        + "instead of adding it to the client"));
    }

    /** Stops receiving results and releases the connection. Idempotent. */
    @Override
    void close();
}
