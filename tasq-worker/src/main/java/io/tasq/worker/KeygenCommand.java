package io.tasq.worker;

import io.tasq.core.security.Ed25519;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tq keygen}: writes an Ed25519 key pair for signing jobs. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Write an Ed25519 key pair: NAME.key (private, for clients) and NAME.pub (public, for workers).",
            "Clients sign with sign.private-key=NAME.key; workers trust --public-keys NAME.pub (or a directory of .pub files)."})
final class KeygenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR", defaultValue = ".", description = "Where to write the files. Default: the current directory.")
    Path dir;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", defaultValue = "tasq", description = "The files' base name. Default: tasq.")
    String name;

    @Override
    public Integer call() {
        Path[] files = Ed25519.generate(dir, name);
        var out = spec.commandLine().getOut();
        out.println("wrote " + files[0] + " (private key: keep it with the clients, readable by its owner only)");
        out.println("wrote " + files[1] + " (public key: give it to the workers)");
        out.println("key id " + Ed25519.keyIdOf(files[1]));
        out.println("client: sign.private-key=" + files[0].toAbsolutePath() + "  (or TASQ_SIGN_PRIVATE_KEY)");
        out.println("worker: tq worker --public-keys " + files[1].toAbsolutePath() + " ...");
        return 0;
    }
}
