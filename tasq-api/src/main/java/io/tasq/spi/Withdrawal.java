package io.tasq.spi;

import java.util.concurrent.CompletionStage;

/**
 * A client's way to take back a job its backend still holds undelivered (waiting in the client or
 * the queue, or delayed), so that no worker ever sees it; offered by a backend that can
 * ({@link JobProducer#feature}). Thread-safe.
 */
public interface Withdrawal {

    /**
     * Takes the job back if it is still undelivered.
     *
     * @return whether it was found and removed; {@code false} also when the backend cannot tell
     */
    CompletionStage<Boolean> withdraw(String jobId);
}
