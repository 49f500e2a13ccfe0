package io.tasq.spi;

import java.util.Set;

/**
 * A transport for one queue: carries job envelopes from clients to workers and result envelopes
 * back, as opaque bytes. It never sees a job, a class or a key.
 *
 * <p>A backend is a factory of connections: a client opens one {@link JobProducer}, a worker one
 * {@link JobConsumer}. Implementations are thread-safe; {@link #close()} closes whatever is still
 * open.
 */
public interface Backend extends AutoCloseable {

    /** The URL this backend was made for, password masked, for logs and messages. */
    String describe();

    /**
     * The name of the queue this backend carries, as clients and workers both read it from the URL
     * (its {@code name} parameter, {@code default} when absent). Clients sign it into every job and
     * workers refuse jobs signed for another queue.
     */
    String queue();

    /**
     * Hands the backend the keys it may need to authenticate peers (see {@link Credentials}). The
     * runtime calls it once, before opening any producer, consumer or admin; a backend that routes
     * nothing by unauthenticated identities ignores it.
     */
    default void useCredentials(Credentials credentials) {
    }

    /** What this backend does by itself. */
    Set<BackendCapability> capabilities();

    /**
     * Opens the client side: sending jobs, receiving the results addressed to {@code clientId}.
     *
     * @param clientId the address results for this client are sent to
     * @param listener receives every result envelope addressed to {@code clientId}, on a backend thread
     * @throws io.tasq.BackendUnavailableException if the server cannot be reached
     */
    JobProducer openProducer(String clientId, ResultListener listener);

    /**
     * Opens the worker side. Deliveries start when {@link JobConsumer#start(JobListener)} is called.
     *
     * @throws io.tasq.BackendUnavailableException if the server cannot be reached or the address
     *     cannot be bound
     */
    JobConsumer openConsumer(ConsumerOptions options);

    /**
     * An optional feature this backend offers for operators' tools, if it offers it: its
     * {@link DeadLetters} ({@code tq dead}) or its {@link QueueAdmin} ({@code tq inspect}, the
     * dashboard). A feature opens what it needs when first used and is closed with the backend.
     * Every optional feature of the SPI is found this way, on the object that offers it (see
     * {@link JobConsumer#feature} and {@link JobProducer#feature}); docs/spi.md lists them.
     *
     * @return the feature, or empty if this backend does not offer it
     */
    default <F> java.util.Optional<F> feature(Class<F> type) {
        return java.util.Optional.empty();
    }

    /** Closes every producer and consumer still open. Idempotent. */
    @Override
    void close();
}
