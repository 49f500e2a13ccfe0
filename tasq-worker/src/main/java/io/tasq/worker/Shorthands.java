package io.tasq.worker;

import picocli.CommandLine.Command;

/** {@code tq zmq}, {@code tq redis}, {@code tq rabbitmq}: a worker on that backend's usual address. */
final class Shorthands {

    private Shorthands() {
    }

    /** A worker on the brokerless backend. */
    @Command(name = "zmq", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Run a brokerless worker: the setting 'backend' if it is a zmq:// URL, else zmq://127.0.0.1:9000."})
    static final class Zmq extends WorkerCommand {
        @Override
        String defaultBackend() {
            return "zmq://127.0.0.1:9000";
        }

        @Override
        boolean accepts(String url) {
            return url.startsWith("zmq:") || url.startsWith("tcp:");
        }
    }

    /** A worker on Redis. */
    @Command(name = "redis", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Run a Redis worker: the setting 'backend' if it is a redis:// URL, else redis://localhost:6379/0?name=default."})
    static final class Redis extends WorkerCommand {
        @Override
        String defaultBackend() {
            return "redis://localhost:6379/0?name=default";
        }

        @Override
        boolean accepts(String url) {
            return url.startsWith("redis:") || url.startsWith("rediss:") || url.startsWith("redis-cluster:")
                    || url.startsWith("rediss-cluster:");
        }
    }

    /** A worker on RabbitMQ. */
    @Command(name = "rabbitmq", aliases = "amqp", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Run a RabbitMQ worker: the setting 'backend' if it is an amqp:// URL, else amqp://guest:guest@localhost:5672/%%2f?name=default."})
    static final class RabbitMq extends WorkerCommand {
        @Override
        String defaultBackend() {
            return "amqp://guest:guest@localhost:5672/%2f?name=default";
        }

        @Override
        boolean accepts(String url) {
            return url.startsWith("amqp:") || url.startsWith("amqps:");
        }
    }
}
