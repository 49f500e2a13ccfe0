package io.tasq.worker;

import io.tasq.ConfigurationException;
import io.tasq.TasqException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tq} launcher: starts workers and helps operate them.
 *
 * <pre>
 * tq worker --backend zmq://127.0.0.1:9000 --workers 4
 * </pre>
 */
@Command(name = "tq", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Tasq for Java: start workers of a distributed task queue and operate them.",
        subcommands = {WorkerCommand.class, Shorthands.Zmq.class, Shorthands.Redis.class, Shorthands.RabbitMq.class,
            DashboardCommand.class, WorkersCommand.class, InspectCommand.class, BenchCommand.class, DeadCommand.class,
            ConfigCommand.class, KeygenCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Settings come from a JSON file (-f or TASQ_CONF), then TASQ_* environment variables, then flags."})
public final class Tq implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs {@code tq} with these arguments and returns its exit code. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Tq());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigurationException) {
                cmd.getErr().println("tq: " + e.getMessage());
                return 2;
            }
            if (e instanceof TasqException) {
                cmd.getErr().println("tq: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
