package io.tasq.spi;

import java.util.concurrent.CompletionStage;

/**
 * The workers a client spreads its jobs over itself, for a backend whose client does (a brokerless
 * pool, where workers do not find their queue through a broker); offered through
 * {@link JobProducer#feature}. Thread-safe.
 */
public interface ClientPool {

    /**
     * Adds a worker to the ones this client sends to. The stage completes once the worker is part of
     * the pool.
     *
     * @param address the worker's address, in the backend's own form
     * @throws io.tasq.ConfigurationException if the address is not one worker's
     */
    CompletionStage<Void> addWorker(String address);
}
