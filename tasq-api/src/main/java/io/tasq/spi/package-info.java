/**
 * Service provider interfaces: what a backend, serializer or signer implements to plug into Tasq,
 * and {@link io.tasq.spi.Providers}, which finds them through {@link java.util.ServiceLoader}.
 *
 * <p>Each kind has a cheap, stateless provider ({@link io.tasq.spi.BackendProvider},
 * {@link io.tasq.spi.SerializerProvider}, {@link io.tasq.spi.SignerProvider}) found by name: URL
 * scheme, serializer name or signing algorithm. Backends move opaque bytes; serializing, signing,
 * verifying, running and scheduling belong to the runtime ({@code tasq-core}).
 */
package io.tasq.spi;
