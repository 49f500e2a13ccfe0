package io.tasq.core.security;

import io.tasq.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes PEM blocks ({@code -----BEGIN X-----}, base64, {@code -----END X-----}). Stateless. */
final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    record Block(String type, byte[] der) {
    }

    private Pem() {
    }

    static List<Block> read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigurationException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("key file " + file + " has a " + m.group(1)
                        + " block that is not valid base64", e);
            }
        }
        if (blocks.isEmpty()) {
            throw new ConfigurationException("key file " + file + " holds no PEM block; make keys with: tq keygen");
        }
        return blocks;
    }

    static String write(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
