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
     * An optional feature this backend offers a client, if it offers it: {@link Broadcast} (a
     * control message to every worker up), {@link Withdrawal} (taking back a job not yet delivered)
     * or {@link ClientPool} (a client that spreads jobs over workers it is told of). The runtime
     * falls back where one is absent (a cancel then travels like a job).
     *
     * @return the feature, or empty if this backend does not offer it
     */
    default <F> java.util.Optional<F> feature(Class<F> type) {
        return java.util.Optional.empty();
    }

    /** Stops receiving results and releases the connection. Idempotent. */
    @Override
    void close();
}
