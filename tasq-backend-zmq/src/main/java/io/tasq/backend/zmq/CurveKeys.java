package io.tasq.backend.zmq;

import io.tasq.ConfigurationException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;
import org.zeromq.ZMQ;

/**
 * ZMQ's CURVE encryption (CurveZMQ) on the wire, when configured: a worker holds a secret key
 * ({@code zmq.curve.secret-key}), its clients and operators its public key
 * ({@code zmq.curve.server-key}), each with a key pair of its own made for the connection. Without
 * it, jobs, results and operator answers travel in clear, and whoever sees the traffic reads them.
 * A key pair comes from {@code org.zeromq.ZMQ.Curve.generateKeyPair()}; a worker started with a
 * secret key logs the public key its clients need. Immutable.
 *
 * @param secretKey the worker's secret key (32 bytes), or null
 * @param serverKey the worker's public key a client or operator connects with (32 bytes), or null
 */
record CurveKeys(byte[] secretKey, byte[] serverKey) {

    static final CurveKeys NONE = new CurveKeys(null, null);
    static final String SECRET_KEY = "zmq.curve.secret-key";
    static final String SERVER_KEY = "zmq.curve.server-key";

    /** Reads a key written in Z85 (40 characters), as ZMQ prints them. */
    static byte[] parse(String z85, String setting, String source) {
        String text = z85.strip();
        byte[] key = null;
        if (text.length() == ZMQ.Curve.KEY_SIZE_Z85) {
            try {
                key = ZMQ.Curve.z85Decode(text);
            } catch (RuntimeException e) {
                key = null;
            }
        }
        if (key == null || key.length != ZMQ.Curve.KEY_SIZE) {
            throw new ConfigurationException("setting " + setting + " (from " + source + ") is not a CURVE key: it "
                    + "must be 40 characters of Z85, as org.zeromq.ZMQ.Curve.generateKeyPair() prints them");
        }
        return key;
    }

    /** The public key of a secret key, in Z85: what clients set as {@code zmq.curve.server-key}. */
    static String publicOf(byte[] secretKey) {
        try {
            // X25519(secret, 9) is the public key; the JDK computes it as a key agreement with the base point
            KeyFactory keys = KeyFactory.getInstance("XDH");
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, secretKey)));
            agreement.doPhase(keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.valueOf(9))),
                    true);
            return ZMQ.Curve.z85Encode(agreement.generateSecret());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot compute an X25519 public key", e);
        }
    }

    /** Whether a worker encrypts. */
    boolean serves() {
        return secretKey != null;
    }

    /** Whether a client or operator encrypts. */
    boolean connects() {
        return serverKey != null;
    }

    /** Makes a worker's bound socket a CURVE server, if configured. */
    void serve(ZMQ.Socket socket) {
        if (serves()) {
            socket.setCurveServer(true);
            socket.setCurveSecretKey(secretKey);
        }
    }

    /** Makes a connecting socket a CURVE client of the worker, with this side's key pair, if configured. */
    void connect(ZMQ.Socket socket, ZMQ.Curve.KeyPair own) {
        if (connects()) {
            socket.setCurveServerKey(serverKey);
            socket.setCurvePublicKey(ZMQ.Curve.z85Decode(own.publicKey));
            socket.setCurveSecretKey(ZMQ.Curve.z85Decode(own.secretKey));
        }
    }

    /** A key pair for one client or operator, when it connects with CURVE; null otherwise. */
    ZMQ.Curve.KeyPair ownKeys() {
        return connects() ? ZMQ.Curve.generateKeyPair() : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CurveKeys k && java.util.Arrays.equals(secretKey, k.secretKey)
                && java.util.Arrays.equals(serverKey, k.serverKey);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(secretKey) + java.util.Arrays.hashCode(serverKey);
    }

    @Override
    public String toString() {
        return "CurveKeys[" + (serves() ? "server" : "") + (connects() ? "client" : "") + "]"; // never the keys
    }
}
