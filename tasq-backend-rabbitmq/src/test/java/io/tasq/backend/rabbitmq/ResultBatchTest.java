package io.tasq.backend.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import io.tasq.spi.ResultMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Results the worker has ready for one client at once travel in one message, and come out whole. */
class ResultBatchTest {

    private static long tags;

    private static WorkerOp.Complete complete(String client, String job) {
        RabbitMqDelivery d = new RabbitMqDelivery(null, ++tags, new AMQP.BasicProperties(), new byte[0], 1, op -> { });
        return new WorkerOp.Complete(d, new ResultMessage(client, job, ("result of " + job).getBytes(StandardCharsets.UTF_8)));
    }

    private static String jobs(WorkerOp op) {
        if (op instanceof WorkerOp.Complete c) {
            return c.result().jobId();
        }
        if (op instanceof WorkerOp.CompleteAll all) {
            return String.join("+", all.completes().stream().map(c -> c.result().jobId()).toList());
        }
        return op.getClass().getSimpleName();
    }

    @Test
    void eachClientsResultsArePutTogetherWhereTheFirstOfThemWasAndTheRestKeepTheirOrder() {
        ArrayDeque<WorkerOp> todo = new ArrayDeque<>(List.of(complete("a", "1"), new WorkerOp.Cancel(),
                complete("b", "2"), complete("a", "3"), new WorkerOp.Publish(new ResultMessage("a", "4", new byte[1])),
                complete("b", "5"), complete("a", "6")));

        ResultBatches.coalesce(todo);

        assertThat(todo.stream().map(ResultBatchTest::jobs)).containsExactly("1+3+6", "Cancel", "2+5", "Publish");
        ResultBatches.coalesce(todo); // what is put together stays so
        assertThat(todo.stream().map(ResultBatchTest::jobs)).containsExactly("1+3+6", "Cancel", "2+5", "Publish");
    }

    @Test
    void aLoneResultStaysALoneResultAndAGroupStopsAtItsLimit() {
        ArrayDeque<WorkerOp> todo = new ArrayDeque<>(List.of(complete("a", "1"), complete("b", "2")));
        ResultBatches.coalesce(todo);
        assertThat(todo).allMatch(op -> op instanceof WorkerOp.Complete);

        todo.clear();
        for (int i = 0; i < ResultBatches.MAX_RESULTS + 1; i++) {
            todo.add(complete("a", Integer.toString(i)));
        }
        ResultBatches.coalesce(todo);
        assertThat(todo).hasSize(2);
        assertThat(((WorkerOp.CompleteAll) todo.getFirst()).completes()).hasSize(ResultBatches.MAX_RESULTS);
        assertThat(todo.getLast()).isInstanceOf(WorkerOp.Complete.class);
    }

    @Test
    void aMessageOfResultsGivesBackEachEnvelopeInOrder() {
        List<ResultMessage> results = List.of(new ResultMessage("a", "1", new byte[] {1, 2, 3}),
                new ResultMessage("a", "2", new byte[0]), new ResultMessage("a", "3", new byte[] {9}));

        byte[] body = Messages.results(results);
        List<byte[]> back = Messages.results(Messages.results(results.size()), body);

        assertThat(back).containsExactly(new byte[] {1, 2, 3}, new byte[0], new byte[] {9});
        // a message without the header is one result, whatever its bytes
        assertThat(Messages.results(new AMQP.BasicProperties(), body)).containsExactly(body);
    }

    @Test
    void aTruncatedMessageOfResultsIsAClearError() {
        byte[] body = Messages.results(List.of(new ResultMessage("a", "1", new byte[] {1, 2, 3})));
        byte[] cut = java.util.Arrays.copyOf(body, body.length - 1);

        assertThatThrownBy(() -> Messages.results(Messages.results(1), cut))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed message of results");
    }
}
