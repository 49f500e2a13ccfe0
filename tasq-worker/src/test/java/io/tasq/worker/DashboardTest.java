package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tasq.JobOptions;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.TasqFuture;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.core.worker.Worker;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dashboard's page and JSON API over HTTP, against a real brokerless worker in this JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardTest {

    private static final String TOKEN = "dashboard-test-token";
    private static final Settings SETTINGS = Settings.of(TestKeys.client(), "test");

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private String url;
    private Worker worker;

    @BeforeEach
    void startWorker() {
        url = "zmq://127.0.0.1:" + Ports.freePair();
        worker = Worker.builder().backend(url).settings(TestKeys.worker().with("worker.heartbeat", "200ms", "test"))
                .concurrency(2).build().start();
        opened.add(() -> worker.stop(Duration.ofSeconds(5)));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private Dashboard dashboard(String token) {
        Dashboard d = new Dashboard(url, SETTINGS, "127.0.0.1", 0, token);
        opened.add(d);
        return d;
    }

    private TasqClient client() {
        TasqClient c = Tasq.builder().url(url).settings(TestKeys.client()).client();
        opened.add(c);
        c.connect();
        return c;
    }

    @Test
    void thePageAndItsAssetsAreServedFromTheJarWithAStrictContentSecurityPolicy() throws Exception {
        Dashboard d = dashboard(null);
        HttpResponse<String> page = get(d, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString()
                .contains("default-src 'self'").doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.body()).contains("<script src=\"/assets/dashboard.js\"").doesNotContain("http://", "https://");
        for (String asset : List.of("dashboard.js", "dashboard.css", "favicon.svg")) {
            HttpResponse<String> a = get(d, "/assets/" + asset);
            assertThat(a.statusCode()).as(asset).isEqualTo(200);
            assertThat(a.body()).as(asset + " loads nothing from elsewhere").doesNotContainPattern("https?://(?!www\\.w3\\.org)");
        }
        assertThat(get(d, "/assets/dashboard.js").body()).doesNotContain("innerHTML", "insertAdjacentHTML",
                "document.write");
        assertThat(get(d, "/assets/../../logback.xml").statusCode()).isEqualTo(404);
        assertThat(get(d, "/assets/%2e%2e%2flogback.xml").statusCode()).isEqualTo(404);
        assertThat(get(d, "/elsewhere").statusCode()).isEqualTo(404);
        assertThat(get(d, "/api/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void theOverviewShowsTheLiveWorkerItsDepthAndThroughputFromItsHeartbeats() throws Exception {
        Dashboard d = dashboard(null);
        TasqClient client = client();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Object> o = json(get(d, "/api/overview"));
            assertThat(o).containsEntry("queue", url).containsEntry("actions", false);
            assertThat(list(o.get("workers"))).singleElement()
                    .satisfies(w -> assertThat(map(w)).containsEntry("workerId", worker.id()).containsEntry("concurrency", 2));
        });
        // jobs keep coming while the sampler watches: some point of the series sees them run
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            List<TasqFuture<String>> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(client.schedule(() -> "ran"));
            }
            for (TasqFuture<String> f : batch) {
                f.unwrap(Duration.ofSeconds(10));
            }
            Map<String, Object> o = json(get(d, "/api/overview"));
            assertThat(list(o.get("series"))).anySatisfy(p -> assertThat(((Number) map(p).get("ok")).doubleValue())
                    .isPositive());
            assertThat(list(o.get("workers"))).singleElement()
                    .satisfies(w -> assertThat(map(w).get("succeeded")).isNotEqualTo(0));
            assertThat(map(o.get("depth"))).containsKeys("waiting", "inFlight", "delayed", "deadLetters");
        });
    }

    @Test
    void aReadOnlyDashboardRefusesEveryActionWith403() throws Exception {
        Dashboard d = dashboard(null);
        String name = "hourly-" + System.nanoTime();
        client().schedule(() -> "tick", JobOptions.named(name).every("1h"));
        HttpResponse<String> refused = post(d, "/api/recurring/cancel", "name=" + name, Map.of("X-Tasq-Token", "anything"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(json(refused).get("error")).asString().contains("read-only").contains("--token");
        assertThat(post(d, "/api/dead/purge", "", Map.of()).statusCode()).isEqualTo(403);
        assertThat(post(d, "/api/auth", "token=", Map.of()).statusCode()).isEqualTo(403);
        assertThat(get(d, "/api/recurring/cancel?name=" + name).statusCode()).as("GET never acts").isEqualTo(404);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(names(d)).contains(name));
    }

    @Test
    void scheduledJobsAreListedAsTheyAreNamedAndCancelledWithTheToken() throws Exception {
        Dashboard d = dashboard(TOKEN);
        TasqClient client = client();
        String odd = "<img src=x onerror=alert(1)> & \"nightly\" " + System.nanoTime();
        client.schedule(() -> "tick", JobOptions.named(odd).every("1h"));
        client.schedule(() -> "tock", JobOptions.named("kept-" + odd).every("2h"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(names(d)).contains(odd, "kept-" + odd));

        assertThat(post(d, "/api/recurring/cancel", form("name", odd), Map.of()).statusCode()).isEqualTo(403);
        assertThat(post(d, "/api/recurring/cancel", form("name", odd), Map.of("X-Tasq-Token", "wrong")).statusCode())
                .isEqualTo(403);
        assertThat(post(d, "/api/auth", "", Map.of("X-Tasq-Token", TOKEN)).statusCode()).isEqualTo(200);
        HttpResponse<String> cancelled = post(d, "/api/recurring/cancel", form("name", odd), Map.of("X-Tasq-Token", TOKEN));
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(json(cancelled)).containsEntry("cancelled", true).containsEntry("name", odd);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(names(d)).doesNotContain(odd)
                .contains("kept-" + odd));
        assertThat(post(d, "/api/recurring/cancel", "", Map.of("Authorization", "Bearer " + TOKEN)).statusCode())
                .as("no name").isEqualTo(400);
    }

    @Test
    void deadLettersAreListedRetriedAndPurgedWithTheToken() throws Exception {
        Dashboard d = dashboard(TOKEN);
        try (TasqClient unsigned = Tasq.builder().url(url).setting("sign.algorithm", "none").client()) {
            unsigned.connect();
            TasqFuture<String> refused = unsigned.schedule(() -> "never");
            // refused without a word to its sender: it shows in the dead letters, its future waits
            await().atMost(Duration.ofSeconds(30)).until(() -> json(get(d, "/api/dead")).get("count").equals(1));
            assertThat(refused).isNotDone();
            Map<String, Object> dead = json(get(d, "/api/dead"));
            Map<String, Object> letter = map(list(dead.get("letters")).get(0));
            assertThat(letter.get("reason")).asString().contains("unsigned");
            String id = (String) letter.get("id");

            assertThat(post(d, "/api/dead/retry", form("id", id), Map.of()).statusCode()).isEqualTo(403);
            HttpResponse<String> retried = post(d, "/api/dead/retry", form("id", id) + "&" + form("token", TOKEN), Map.of());
            assertThat(json(retried)).as(retried.body()).containsEntry("retried", 1);
            // still unsigned: refused again, it comes back
            await().atMost(Duration.ofSeconds(20)).until(() -> json(get(d, "/api/dead")).get("count").equals(1));
            HttpResponse<String> purged = post(d, "/api/dead/purge", "", Map.of("X-Tasq-Token", TOKEN));
            assertThat(json(purged)).as(purged.body()).containsEntry("purged", 1);
            assertThat(json(get(d, "/api/dead"))).containsEntry("count", 0);
        }
    }

    private List<String> names(Dashboard d) throws IOException, InterruptedException {
        HttpResponse<String> r = get(d, "/api/recurring");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return list(json(r).get("jobs")).stream().map(j -> (String) map(j).get("name")).toList();
    }

    private HttpResponse<String> get(Dashboard d, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(Dashboard d, String path, String form, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(String name, String value) {
        return name + "=" + java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Map<String, Object> json(HttpResponse<String> r) throws IOException {
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return JSON.std.mapFrom(r.body());
    }

    private static List<?> list(Object o) {
        return (List<?>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
