package io.tasq.spi;

import java.util.concurrent.CompletionStage;

/**
 * A client's way to reach every worker of the queue that is up at once, offered by a backend that
 * can ({@link JobProducer#feature}), so that the worker running a job can be told to stop it.
 * Thread-safe.
 */
public interface Broadcast {

    /**
     * Sends a control message (a signed request, for example to cancel a job), opaque to the
     * backend, to every worker of the queue that is up; each gets it through
     * {@link JobListener#onControl}.
     */
    CompletionStage<Void> broadcast(byte[] control);
}
