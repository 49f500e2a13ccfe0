package io.tasq.worker;

import io.tasq.ConfigurationException;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tq workers host:jobs:results,...}: several brokerless workers in one process, stopped together. */
@Command(name = "workers", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run several brokerless workers in this process, one per address, all stopped together.",
            "Each address is host:jobs-port:results-port, as in the reference; the options apply to each worker."},
        footer = {"", "Example:", "  tq workers 127.0.0.1:9000:9001,127.0.0.1:9090:9091 --workers 2"})
final class WorkersCommand implements Callable<Integer> {

    @Parameters(paramLabel = "ADDRESSES", arity = "1..*", split = ",",
            description = "host:jobs-port:results-port, comma or space separated.")
    List<String> addresses;

    @Mixin
    WorkerOptions options;

    @Override
    public Integer call() throws Exception {
        Settings settings = options.settings(Map.of());
        List<Worker> workers = new ArrayList<>();
        for (String address : addresses) {
            workers.add(Worker.builder().backend(url(address.strip())).settings(settings).build());
        }
        return WorkerCommand.run(workers, settings, options, null);
    }

    static String url(String address) {
        String[] parts = address.split(":");
        if (parts.length != 3) {
            throw new ConfigurationException("'" + address + "' is not host:jobs-port:results-port, for example "
                    + "127.0.0.1:9000:9001");
        }
        return "zmq://" + parts[0] + ":" + parts[1] + "?results-port=" + parts[2];
    }
}
