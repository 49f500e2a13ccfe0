package io.tasq.core.config;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tasq.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a JSON configuration file into flat settings. Both forms work, and mix:
 * {@code {"worker.concurrency": 4}} and {@code {"worker": {"concurrency": 4}}}. Numbers and booleans
 * become text; a list of strings becomes a comma-separated value. Stateless.
 */
final class ConfigFile {

    private ConfigFile() {
    }

    static Map<String, String> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("configuration file " + file + " does not exist (named by "
                    + "-f or " + Config.CONF_ENV + ")");
        } catch (IOException e) {
            throw new ConfigurationException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        Object tree;
        try {
            tree = JSON.std.anyFrom(text);
        } catch (IOException e) {
            throw new ConfigurationException("configuration file " + file + " is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (!(tree instanceof Map<?, ?> map)) {
            throw new ConfigurationException("configuration file " + file + " must hold a JSON object, like "
                    + "{\"worker.concurrency\": 4}");
        }
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", map, out, file);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out, Path file) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out, file);
            } else if (v instanceof List<?> list) {
                if (list.stream().anyMatch(i -> i instanceof Map || i instanceof List)) {
                    throw new ConfigurationException("setting '" + key + "' in " + file + " must be a list of values");
                }
                out.put(key, list.stream().map(String::valueOf).collect(Collectors.joining(",")));
            } else if (v == null) {
                throw new ConfigurationException("setting '" + key + "' in " + file + " is null; remove it to use "
                        + "the default");
            } else {
                out.put(key, String.valueOf(v));
            }
        }
    }
}
