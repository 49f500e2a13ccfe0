package io.tasq.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules between the modules, checked on their main classes as the launcher's class path holds
 * them (this module's tests see every module but the examples). A module is named by its packages;
 * a rule whose modules match no class fails too (ArchUnit's default), so a renamed package cannot
 * quietly empty a rule. A new rule is one more line in {@link #rules()}.
 */
class ModuleRulesTest {

    private static final String[] API = {"io.tasq", "io.tasq.spi..", "io.tasq.internal.."};
    private static final String CORE = "io.tasq.core..";
    private static final String BACKENDS = "io.tasq.backend..";
    private static final String WORKER = "io.tasq.worker..";
    private static final String BENCH = "io.tasq.bench..";
    private static final String[] OURS_BEYOND_API = {CORE, BACKENDS, WORKER, BENCH, "io.tasq.examples.."};
    private static final String[] TRANSPORTS = {"org.zeromq..", "redis.clients..", "com.rabbitmq.."};

    private static JavaClasses classes;

    static Stream<Arguments> rules() {
        return Stream.of(
                rule("tasq-api depends on nothing of ours",
                        noClasses().that().resideInAnyPackage(API).should().dependOnClassesThat().resideInAnyPackage(OURS_BEYOND_API)),
                rule("no backend imports the core",
                        noClasses().that().resideInAPackage(BACKENDS).should().dependOnClassesThat().resideInAPackage(CORE)),
                rule("the core imports no transport library",
                        noClasses().that().resideInAPackage(CORE).should().dependOnClassesThat().resideInAnyPackage(TRANSPORTS)),
                rule("the launcher's own code imports no transport library (the raw echoes live in tasq-bench)",
                        noClasses().that().resideInAPackage(WORKER).should().dependOnClassesThat().resideInAnyPackage(TRANSPORTS)),
                rule("the raw echoes use the transports' client libraries, not Tasq's runtime",
                        noClasses().that().resideInAPackage(BENCH).should().dependOnClassesThat().resideInAnyPackage(CORE, BACKENDS)),
                rule("only the core uses the core's internals",
                        noClasses().that().resideOutsideOfPackage(CORE).should().dependOnClassesThat()
                                .resideInAPackage("io.tasq.core.internal..")),
                rule("the API's internals serve the core and the backends only (documented in io.tasq.internal)",
                        noClasses().that().resideInAnyPackage(WORKER, BENCH).should().dependOnClassesThat()
                                .resideInAPackage("io.tasq.internal..")));
    }

    private static Arguments rule(String name, ArchRule rule) {
        return Arguments.of(name, rule.as(name));
    }

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // tasq-core's test kit comes as a test-jar: test code, not a module's main classes
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages("io.tasq");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void holds(String name, ArchRule rule) {
        rule.check(classes);
    }
}
