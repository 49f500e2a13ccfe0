package io.tasq.core.internal.wire;

import java.util.Map;

/**
 * Control messages: signed envelopes with no job in them, that ask a worker to do something on a
 * client's behalf. They travel like jobs, so a broker keeps them, and are signed like jobs, so only
 * key holders can send them. The request is in the (signed) options.
 */
public final class Control {

    /** The option naming the request. */
    public static final String OPTION = "tasq.control";
    /** The option naming what the request is about. */
    public static final String TARGET = "tasq.target";
    /** Stop the repeating job named by {@link #TARGET}. */
    public static final String CANCEL_RECURRING = "cancel-recurring";
    /** Drop, or interrupt, the job whose id is {@link #TARGET}. */
    public static final String CANCEL_JOB = "cancel-job";
    /** List the repeating jobs the queue keeps. */
    public static final String LIST_RECURRING = "list-recurring";

    private Control() {
    }

    /** Whether the envelope is a control message. */
    public static boolean is(JobEnvelope env) {
        return env.options().containsKey(OPTION);
    }

    /** The options of a request to drop or interrupt the job {@code jobId}. */
    public static Map<String, String> cancelJob(String jobId) {
        return Map.of(OPTION, CANCEL_JOB, TARGET, jobId);
    }

    /** The options of a request for the queue's repeating jobs. */
    public static Map<String, String> listRecurring() {
        return Map.of(OPTION, LIST_RECURRING);
    }

    /** The options of a request to stop the repeating job {@code name}. */
    public static Map<String, String> cancelRecurring(String name) {
        return Map.of(OPTION, CANCEL_RECURRING, TARGET, name);
    }
}
