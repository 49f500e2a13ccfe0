package io.tasq.worker;

import io.tasq.ConfigurationException;
import io.tasq.core.config.Config;
import io.tasq.spi.Backend;
import io.tasq.spi.DeadLetter;
import io.tasq.spi.DeadLetters;
import io.tasq.spi.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tq dead list|retry|purge}: a queue's dead letters. */
@Command(name = "dead", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show, send back or clear a queue's dead letters: jobs refused by their worker, failed after "
            + "their last retry, or poison jobs that kept stopping their workers.",
        footer = {"", "Examples:",
            "  tq dead list --backend 'redis://localhost:6379/0?name=orders'",
            "  tq dead retry --backend 'redis://localhost:6379/0?name=orders' 1732802-0 1732803-0",
            "  tq dead purge --backend 'amqp://guest:guest@localhost:5672/%%2f?name=mail'      (all of them)"})
final class DeadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ACTION", description = "list, retry or purge")
    String action;

    @Parameters(index = "1..*", paramLabel = "ID", description = "Dead-letter ids (from list); none means all of them.")
    List<String> ids = List.of();

    @Option(names = {"-b", "--backend"}, paramLabel = "URL", description = "The queue's URL. Default: the setting 'backend'.")
    String backend;

    @Option(names = "--max", paramLabel = "N", defaultValue = "100", description = "list: at most N of them (default 100).")
    int max;

    @Option(names = {"-f", "--config"}, paramLabel = "FILE", description = "A JSON configuration file (else TASQ_CONF).")
    Path config;

    @Override
    public Integer call() {
        Settings settings = Config.load(System.getenv(), config, backend == null ? Map.of() : Map.of("backend", backend),
                "flag");
        String url = settings.get("backend", Config.defaultOf("backend"));
        PrintWriter out = spec.commandLine().getOut();
        try (Backend b = OperatorBackend.open(url, settings)) {
            DeadLetters dead = b.feature(DeadLetters.class).orElseThrow(() -> new ConfigurationException(
                    "the backend at " + b.describe() + " keeps no dead letters"));
            switch (action) {
                case "list" -> {
                    List<DeadLetter> letters = dead.list(max);
                    out.printf("%d dead letter%s in %s%n", dead.count(), dead.count() == 1 ? "" : "s", b.describe());
                    for (DeadLetter d : letters) {
                        out.printf("%-24s job %-28s %s  attempts %d  %s%n", d.id(), d.jobId().isEmpty() ? "(unreadable)"
                                : d.jobId(), Instant.ofEpochMilli(d.deadAtMillis()), d.attempts(), d.reason());
                    }
                }
                case "retry" -> out.printf("sent %d dead letter(s) back to %s%n", dead.retry(ids), b.describe());
                case "purge" -> out.printf("deleted %d dead letter(s) from %s%n", dead.purge(ids), b.describe());
                default -> throw new ConfigurationException("unknown action '" + action + "'; use list, retry or purge");
            }
        }
        return 0;
    }
}
