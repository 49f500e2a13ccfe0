package io.tasq.examples;

import io.tasq.JobFailedException;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.worker.WorkerType;
import java.util.Map;

/**
 * A process worker: jobs run in child JVMs; one that calls System.exit fails alone, the worker goes
 * on. (From the command line: {@code tq worker --worker-type process}.)
 *
 * <pre>java -cp tasq-examples/target/tasq-demo.jar io.tasq.examples.ProcessWorker</pre>
 */
public final class ProcessWorker {

    private ProcessWorker() {
    }

    static long pid(int unused) {
        return ProcessHandle.current().pid();
    }

    static int quit(int code) {
        System.exit(code);
        return code;
    }

    @SuppressWarnings("try") // the worker only needs to be open while the example runs
    public static void main(String[] args) {
        String url = LocalWorker.zmqUrl();
        try (LocalWorker worker = LocalWorker.start(url, WorkerType.PROCESS, Map.of("worker.child-heap", "128m"));
                TasqClient tc = Tasq.builder().url(url).setting("sign.key", LocalWorker.KEY).client()) {
            tc.connect();
            System.out.println("this JVM is " + ProcessHandle.current().pid() + "; the job ran in "
                    + tc.schedule(ProcessWorker::pid, 0).unwrap());
            try {
                tc.schedule(ProcessWorker::quit, 1).unwrap();
            } catch (JobFailedException e) {
                System.out.println("a job that exits: " + e.remoteMessage());
            }
            System.out.println("and the worker goes on, in a new child: " + tc.schedule(ProcessWorker::pid, 0).unwrap());
        }
    }
}
