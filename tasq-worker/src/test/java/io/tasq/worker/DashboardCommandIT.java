package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tq dashboard} as a real process, watching a real {@code tq worker}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardCommandIT {

    private static final Map<String, String> ENV = Map.of("TASQ_SIGN_KEY", TestKeys.KEY, "TASQ_WORKER_HEARTBEAT",
            "500ms");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void tqDashboardServesTheLiveWorkersOfAQueueAndRefusesActionsWithoutItsToken() throws Exception {
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        int port = Ports.free();
        try (TqProcess worker = TqProcess.start(ENV, "worker", "--backend", url, "--workers", "3");
                TqProcess dashboard = TqProcess.start(Map.of("TASQ_SIGN_KEY", TestKeys.KEY, "TASQ_DASHBOARD_TOKEN", "t0k"),
                        "dashboard", "--backend", url, "--port", Integer.toString(port))) {
            worker.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            assertThat(dashboard.awaitLine("Serving the dashboard", Duration.ofSeconds(60)))
                    .contains("http://127.0.0.1:" + port + "/").contains("actions need the token");
            String base = "http://127.0.0.1:" + port;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Map<String, Object> o = JSON.std.mapFrom(get(base + "/api/overview").body());
                assertThat(o).containsEntry("queue", url).containsEntry("actions", true);
                assertThat((List<?>) o.get("workers")).singleElement().satisfies(w -> {
                    assertThat(((Map<?, ?>) w).get("pid")).isEqualTo((int) worker.pid());
                    assertThat(((Map<?, ?>) w).get("concurrency")).isEqualTo(3);
                });
            });
            assertThat(get(base + "/").body()).contains("<title>Tasq dashboard</title>");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "/api/dead/purge"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(403);
            HttpResponse<String> purged = http.send(HttpRequest.newBuilder(URI.create(base + "/api/dead/purge"))
                    .header("X-Tasq-Token", "t0k").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(purged.body()).isEqualTo("{\"purged\":0}");
            assertThat(dashboard.terminate(Duration.ofSeconds(30))).isZero();
            assertThat(worker.terminate(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void severalWorkersInOneProcessTakeNoDashboardPortAndSayWhatToDoInstead() throws Exception {
        int a = Ports.freePair();
        try (TqProcess tq = TqProcess.start(ENV, "workers", "127.0.0.1:" + a + ":" + (a + 1), "--dashboard-port", "0")) {
            assertThat(tq.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(tq.output()).contains("--dashboard-port shows one queue").contains("tq dashboard --backend");
        }
    }

    private HttpResponse<String> get(String uri) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
