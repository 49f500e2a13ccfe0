package io.tasq.backend.rabbitmq;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Results for one client put together in one message, so that the broker carries one message, not many. Stateless. */
final class ResultBatches {

    /** The most results put in one message. */
    static final int MAX_RESULTS = 256;
    /** The most bytes of results put in one message. */
    static final int MAX_RESULT_BYTES = 1 << 20;

    private ResultBatches() {
    }

    /**
     * Puts the results waiting in {@code todo} for the same client together, at the place of the
     * first of them, so that each client's results go in one message (up to {@link #MAX_RESULTS}
     * and {@link #MAX_RESULT_BYTES} each). The other operations keep their order.
     */
    static void coalesce(ArrayDeque<WorkerOp> todo) {
        if (todo.size() < 2) {
            return;
        }
        Map<String, List<WorkerOp.Complete>> byClient = new HashMap<>();
        List<Object> order = new ArrayList<>(todo.size());
        boolean merged = false;
        for (WorkerOp op : todo) {
            if (op instanceof WorkerOp.Complete c && c.result().body().length < MAX_RESULT_BYTES) {
                List<WorkerOp.Complete> group = byClient.get(c.result().replyTo());
                if (group == null || group.size() >= MAX_RESULTS || bytes(group) + c.result().body().length
                        > MAX_RESULT_BYTES) {
                    group = new ArrayList<>();
                    byClient.put(c.result().replyTo(), group);
                    order.add(group);
                } else {
                    merged = true;
                }
                group.add(c);
            } else {
                order.add(op);
            }
        }
        if (!merged) {
            return;
        }
        todo.clear();
        for (Object o : order) {
            if (o instanceof WorkerOp op) {
                todo.add(op);
            } else {
                @SuppressWarnings("unchecked")
                List<WorkerOp.Complete> group = (List<WorkerOp.Complete>) o;
                todo.add(group.size() == 1 ? group.get(0) : new WorkerOp.CompleteAll(List.copyOf(group)));
            }
        }
    }

    private static long bytes(List<WorkerOp.Complete> group) {
        long n = 0;
        for (WorkerOp.Complete c : group) {
            n += c.result().body().length;
        }
        return n;
    }
}
