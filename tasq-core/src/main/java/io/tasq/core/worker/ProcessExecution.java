package io.tasq.core.worker;

import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.JobEnvelope;
import io.tasq.core.internal.wire.RemoteErrors;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.ResultEnvelope;
import io.tasq.core.internal.wire.ResultStatus;
import io.tasq.core.internal.wire.SignedJob;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process worker's execution: a pool of child JVMs ({@link ChildMain}), fed from a queue of
 * idle children. A job that ends its child (System.exit, OutOfMemoryError with
 * {@code -XX:+ExitOnOutOfMemoryError}, a JVM crash) fails with a clear error to its sender, and the
 * child is replaced; the worker keeps serving. Thread-safe.
 */
final class ProcessExecution implements Execution {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessExecution.class);

    /** How children are started. */
    record ChildOptions(String javaHome, String classPath, String heap, List<String> settings) {
    }

    private final String workerId;
    private final ChildOptions options;
    private final Counters stats;
    private final BlockingQueue<Child> idle = new LinkedBlockingQueue<>();
    private final Map<Thread, Child> busy = new ConcurrentHashMap<>();
    private final List<Child> all = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    ProcessExecution(String workerId, int size, ChildOptions options, Counters stats) {
        this.workerId = workerId;
        this.options = options;
        this.stats = stats;
        for (int i = 0; i < size; i++) {
            idle.add(spawn());
        }
        LOG.info("worker {} runs jobs in {} child JVM{} (heap {} each)", workerId, size, size == 1 ? "" : "s",
                options.heap());
    }

    private Child spawn() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(options.javaHome(), "bin", "java").toString());
        cmd.add("-Xmx" + options.heap());
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+DisplayVMOutputToStderr"); // stdout is the protocol; the JVM's own messages go to stderr
        cmd.add("-XX:-CreateCoredumpOnCrash");
        cmd.add("-XX:ErrorFile=" + crashLogOf(0).toString().replace("_0.log", "_%p.log"));
        cmd.add("-cp");
        cmd.add(options.classPath());
        cmd.add(ChildMain.class.getName());
        cmd.add(workerId);
        cmd.addAll(options.settings());
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Child c = new Child(p);
            all.add(c);
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM for the process worker: " + e.getMessage(), e);
        }
    }

    @Override
    public Ran run(SignedJob job, int attempt, long run) {
        Child child;
        try {
            child = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return died(job.job(), attempt, run, 0, "the worker stopped before the job could start");
        }
        busy.put(Thread.currentThread(), child);
        long start = System.nanoTime();
        try {
            Ran ran = child.run(job.encoded(), attempt, run);
            count(ran);
            return ran;
        } catch (IOException e) {
            String what = child.describeEnd();
            Ran ran = died(job.job(), attempt, run, System.nanoTime() - start, what);
            stats.failed.incrementAndGet();
            LOG.warn("job {} ({}) {}; starting a new child JVM", job.job().name(), job.job().jobId(), what);
            all.remove(child);
            child = closed ? null : spawn();
            return ran;
        } finally {
            busy.remove(Thread.currentThread());
            if (child != null) {
                idle.add(child);
            }
        }
    }

    private void count(Ran ran) {
        if (ran.refusal() != null) {
            stats.rejected.incrementAndGet();
        } else if (ran.result().status() == ResultStatus.OK) {
            stats.succeeded.incrementAndGet();
        } else {
            stats.failed.incrementAndGet();
        }
    }

    private Ran died(JobEnvelope env, int attempt, long run, long took, String what) {
        String type = what.contains("out of memory") ? OutOfMemoryError.class.getName()
                : ChildProcessDiedException.class.getName();
        byte[] payload = RemoteErrors.encode(type, "job '" + env.name() + "' " + what
                + "; the worker replaced its process and goes on");
        return new Ran(ResultEnvelope.failed(ResultEnvelope.Origin.of(env, workerId, attempt, run),
                System.currentTimeMillis(), took, payload), null);
    }

    static String describeExit(int exit, Path crashLog) {
        if (crashLog != null) {
            return "crashed its child JVM (the JVM's report is in " + crashLog + ")";
        }
        if (exit == 3) {
            return "ran out of memory (OutOfMemoryError) in its child JVM";
        }
        if (exit > 128 && exit < 160) {
            return "crashed its child JVM (killed by signal " + (exit - 128) + ")";
        }
        if (exit == -1) {
            return "ended its child JVM";
        }
        return "ended its child JVM with exit code " + exit + " (System.exit(" + exit + "))";
    }

    private static Path crashLogOf(long pid) {
        return Path.of(System.getProperty("java.io.tmpdir"), "tasq-child-hs_err_" + pid + ".log");
    }

    /** Kills the child running the job of {@code thread}: a job cannot ignore that. */
    @Override
    public void interrupt(Thread thread) {
        Child c = busy.get(thread);
        if (c != null) {
            c.process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Child c : all) {
            c.close();
        }
    }

    /** One child JVM and its pipes; used by one thread at a time. */
    private static final class Child {
        final Process process;
        final DataOutputStream toChild;
        final DataInputStream fromChild;

        Child(Process process) {
            this.process = process;
            this.toChild = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
            this.fromChild = new DataInputStream(new BufferedInputStream(process.getInputStream()));
        }

        Ran run(byte[] envelope, int attempt, long run) throws IOException {
            toChild.writeInt(attempt);
            toChild.writeLong(run);
            toChild.writeInt(envelope.length);
            toChild.write(envelope);
            toChild.flush();
            int magic = fromChild.readUnsignedByte();
            if (magic != ChildMain.FRAME_REFUSED && magic != ChildMain.FRAME_RAN) {
                process.destroyForcibly(); // not our protocol: the child is not trustworthy any more
                throw new IOException("the child wrote something else than a result frame");
            }
            boolean retryable = fromChild.readBoolean();
            String refusal = null;
            if (magic == ChildMain.FRAME_REFUSED) {
                refusal = new String(readBounded(), StandardCharsets.UTF_8);
            }
            return new Ran(ResultCodec.decode(readBounded(), JobCodec.DEFAULT_MAX_BYTES), refusal, retryable);
        }

        private byte[] readBounded() throws IOException {
            int length = fromChild.readInt();
            if (length < 0 || length > JobCodec.DEFAULT_MAX_BYTES + 4096) {
                process.destroyForcibly();
                throw new IOException("the child sent a frame of " + length + " bytes");
            }
            byte[] bytes = new byte[length];
            fromChild.readFully(bytes);
            return bytes;
        }

        /** Why the child ended: its exit code, or the JVM's crash report when it wrote one. */
        String describeEnd() {
            int exit;
            try {
                exit = process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit = -1;
            }
            Path log = crashLogOf(process.pid());
            return describeExit(exit, java.nio.file.Files.exists(log) ? log : null);
        }

        void close() {
            try {
                toChild.close(); // the child ends when its stdin closes
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (IOException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
