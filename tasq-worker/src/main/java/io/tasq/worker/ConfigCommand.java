package io.tasq.worker;

import io.tasq.core.config.Config;
import io.tasq.spi.Secrets;
import io.tasq.spi.SettingInfo;
import io.tasq.spi.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tq config --show}: every setting with its effective value and where it came from. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Show the settings: effective value, where it came from (default, file, environment), what it does.",
            "Secrets are masked. Unknown keys and bad values in the file or environment are errors naming them."})
final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--show", description = "List the settings (the default action).")
    boolean show = true;

    @Option(names = {"-f", "--config"}, paramLabel = "FILE", description = "A JSON configuration file (else TASQ_CONF).")
    Path config;

    @Override
    public Integer call() {
        Settings effective = Config.load(System.getenv(), config, Map.of(), "flag");
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-26s %-42s %-22s %s%n", "SETTING", "VALUE", "SOURCE", "ENVIRONMENT VARIABLE / MEANING");
        Set<String> listed = new LinkedHashSet<>();
        for (SettingInfo s : Config.all()) {
            listed.add(s.key());
            String value = effective.get(s.key()).orElse(s.defaultValue());
            print(out, s.key(), value, effective.sourceOf(s.key()), s.envVar() + "  " + s.description());
        }
        for (String key : effective.keys()) {
            if (!listed.contains(key)) {
                print(out, key, effective.get(key).orElse(""), effective.sourceOf(key), "(a backend setting)");
            }
        }
        return 0;
    }

    private static void print(PrintWriter out, String key, String value, String source, String meaning) {
        String shown = value == null ? "-" : Secrets.isSecret(key) ? "****" : value.isEmpty() ? "\"\"" : value;
        out.printf("%-26s %-42s %-22s %s%n", key, shown, source, meaning);
    }
}
