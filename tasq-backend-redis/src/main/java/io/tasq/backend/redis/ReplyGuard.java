package io.tasq.backend.redis;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Watches the bytes of a connection's replies (RESP2) before the Redis client reads them, and
 * breaks the connection as soon as a reply announces more than the caller expects: a string longer
 * than {@link Limits#bulk}, an array longer than {@link Limits#array}, or more than
 * {@link Limits#reply} bytes in one reply. The client allocates a string or an array as soon as it
 * reads its length, so the length is checked first: whatever someone who can write to Redis put
 * there, a worker never allocates more than the limits for it. A reply over the limits ends in an
 * {@link Exceeded}, which the client reports as a broken connection.
 *
 * <p>A scanner over the stream, not a parser: it knows where each element starts and how many are
 * left in the current reply, nothing of what they mean. Not thread-safe: the connection's reader
 * sets the limits ({@link #expect}) before each command and reads the reply on the same thread.
 */
final class ReplyGuard extends FilterInputStream {

    /**
     * What one reply may hold.
     *
     * @param bulk the longest string, in bytes
     * @param array the most elements of one array
     * @param reply the most bytes of the whole reply
     */
    record Limits(long bulk, long array, long reply) {

        /** What commands answer besides reads: ids, counts, short errors, the handshake. */
        static final Limits SMALL = new Limits(64 * 1024, 1024, 1 << 20);
    }

    /** A reply announced more than the limits: the connection is broken off before it is read. */
    static final class Exceeded extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Limits limits;

        Exceeded(String message, Limits limits) {
            super(message);
            this.limits = limits;
        }

        /** The limits the reply was over: which of a pipeline's replies it was. */
        Limits limits() {
            return limits;
        }
    }

    private static final int LINE_MAX = 32; // a length line: a type, a sign, at most 20 digits, CR

    private volatile Limits limits;
    /** The limits of the replies after the current one, for a pipeline; then {@link #limits} stay. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Limits> then =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Elements still to come in the current reply, this one's first byte included. */
    private long left = 1;
    private long replyBytes;
    /** Bytes of string content (and its CRLF) still to pass through unscanned. */
    private long skip;
    /** The type of the element whose header line is being read, or 0 between elements. */
    private int type;
    private final StringBuilder line = new StringBuilder(LINE_MAX);

    ReplyGuard(InputStream in, Limits limits) {
        super(in);
        this.limits = limits;
    }

    /** The limits for the next replies, until set again. */
    void expect(Limits next) {
        then.clear();
        limits = next;
    }

    /**
     * The limits of the next replies of a pipeline, one each in order; the last stay for the replies
     * after them until set again.
     */
    void expect(Limits first, Limits... next) {
        then.clear();
        limits = first;
        then.addAll(java.util.List.of(next));
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            pass(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = in.read(buf, off, len);
        if (n > 0) {
            pass(buf, off, n);
        }
        return n;
    }

    /** Scans bytes about to be handed to the client; string contents are counted, not looked at. */
    private void pass(byte[] buf, int off, int n) throws IOException {
        int i = 0;
        while (i < n) {
            if (skip > 0) {
                int take = (int) Math.min(skip, n - i);
                count(take);
                skip -= take;
                i += take;
                if (skip == 0) {
                    done();
                }
            } else {
                count(1);
                scan(buf[off + i]);
                i++;
            }
        }
    }

    private void count(int n) throws Exceeded {
        replyBytes += n;
        if (replyBytes > limits.reply()) {
            throw new Exceeded("a reply of Redis is over the " + limits.reply() + " bytes expected", limits);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skipping is not supported on a guarded Redis connection");
    }

    /** One byte outside a string's content: a type byte, or a byte of a header line. */
    private void scan(byte b) throws IOException {
        Limits l = limits;
        if (type == 0) {
            if (b != '+' && b != '-' && b != ':' && b != '$' && b != '*') {
                throw new Exceeded("not a RESP2 reply (type byte " + (b & 0xff) + ")", limits);
            }
            type = b;
            line.setLength(0);
            return;
        }
        if (b != '\n') {
            // a status or error line may be long; only length lines are kept, and they are short
            if ((type == '$' || type == '*') && b != '\r' && line.append((char) b).length() > LINE_MAX) {
                throw new Exceeded("a length line of a Redis reply is too long", limits);
            }
            return;
        }
        int t = type;
        type = 0;
        if (t == '$') {
            long n = number();
            if (n > l.bulk()) {
                throw new Exceeded("Redis answered a string of " + n + " bytes, over the " + l.bulk() + " expected",
                        l);
            }
            if (n >= 0) {
                skip = n + 2;
                return;
            }
        } else if (t == '*') {
            long n = number();
            if (n > l.array()) {
                throw new Exceeded("Redis answered an array of " + n + " elements, over the " + l.array()
                        + " expected", l);
            }
            if (n > 0) {
                left += n;
            }
        }
        done();
    }

    /** One element passed: when it was the reply's last, the next byte starts a new reply. */
    private void done() {
        if (--left == 0) {
            left = 1;
            replyBytes = 0;
            Limits next = then.poll();
            if (next != null) {
                limits = next;
            }
        }
    }

    private long number() throws IOException {
        try {
            return Long.parseLong(line, 0, line.length(), 10);
        } catch (NumberFormatException e) {
            throw new Exceeded("a length line of a Redis reply is not a number: " + line, limits);
        }
    }
}
