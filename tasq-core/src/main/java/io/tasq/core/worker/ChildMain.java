package io.tasq.core.worker;

import io.tasq.core.internal.serial.ClassPolicy;
import io.tasq.core.internal.shipping.BundleCache;
import io.tasq.core.internal.wire.JobCodec;
import io.tasq.core.internal.wire.ResultCodec;
import io.tasq.core.internal.wire.SignedJob;
import io.tasq.spi.Providers;
import io.tasq.spi.Serializer;
import io.tasq.spi.Settings;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A child JVM of the process worker. It reads checked jobs from stdin, runs them with
 * {@link LocalExecution} and writes their results to stdout; a job's own output goes to stderr. It
 * trusts its parent, which verified every signature. It ends when stdin closes.
 *
 * <p>Frames, big-endian: parent to child {@code attempt:i32 run:i64 length:i32 envelope}; child to
 * parent {@code kind:u8 (0xA5 ran, 0x5A refused) retryable:u8 [refusalLength:i32 refusal] length:i32
 * resultEnvelope}.
 * The JVM's own messages go to stderr ({@code -XX:+DisplayVMOutputToStderr}); the parent checks the
 * kind byte and every length, and treats anything else as the child's death.
 */
public final class ChildMain {

    /** First byte of a result frame of a job that ran. */
    static final int FRAME_RAN = 0xA5;
    /** First byte of a result frame of a job that was refused. */
    static final int FRAME_REFUSED = 0x5A;

    private ChildMain() {
    }

    /**
     * Pays the serializer's first-use cost (class loading, code generation) before a job arrives,
     * so that a child started to replace one a job ended does not make the next job wait for it.
     */
    private static void warmUp(Serializer serializer, ClassLoader loader, ClassPolicy policy) {
        io.tasq.Task1<Integer, Integer> f = n -> n + 1;
        byte[] bytes = serializer.serialize(new io.tasq.internal.Call1<>(f, 1));
        serializer.deserialize(bytes, loader, name -> policy.allows(name) || name.startsWith("io.tasq.core.worker."));
    }

    /** Arguments: {@code workerId key=value...} (the worker's settings). */
    public static void main(String[] args) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
        System.setOut(System.err); // stdout carries the protocol: whatever the jobs print goes to stderr
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            values.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        Settings settings = Settings.of(values, "parent");
        Serializer serializer = Providers.serializer(settings.get("serializer", "fory")).create(settings);
        ClassPolicy policy = ClassPolicy.parse(settings.get(ClassPolicy.ALLOW_SETTING, ""));
        int maxBytes = settings.getInt("envelope.max-bytes", JobCodec.DEFAULT_MAX_BYTES, 1024, Integer.MAX_VALUE - 64);
        ClassLoader loader = ChildMain.class.getClassLoader();
        BundleCache bundles = settings.getBoolean("worker.code-shipping", true)
                ? new BundleCache(loader, policy, settings.getInt("worker.max-bundles", 256, 1, 1_000_000),
                        settings.getDuration("worker.bundle-idle", Duration.ofMinutes(30)), Clock.systemUTC(), maxBytes,
                        serializer::forget)
                : null;
        LocalExecution execution = new LocalExecution(args[0], serializer, loader, policy, bundles, Clock.systemUTC(),
                new Counters());
        warmUp(serializer, loader, policy);
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        while (true) {
            int attempt;
            try {
                attempt = in.readInt();
            } catch (EOFException e) {
                return; // the parent closed our stdin: stop
            }
            long run = in.readLong();
            byte[] envelope = new byte[in.readInt()];
            in.readFully(envelope);
            SignedJob job = JobCodec.decode(envelope, maxBytes);
            Execution.Ran ran = execution.run(job, attempt, run);
            out.writeByte(ran.refusal() != null ? FRAME_REFUSED : FRAME_RAN);
            out.writeBoolean(ran.retryable());
            if (ran.refusal() != null) {
                byte[] why = ran.refusal().getBytes(StandardCharsets.UTF_8);
                out.writeInt(why.length);
                out.write(why);
            }
            byte[] result = ResultCodec.encode(ran.result());
            out.writeInt(result.length);
            out.write(result);
            out.flush();
        }
    }
}
