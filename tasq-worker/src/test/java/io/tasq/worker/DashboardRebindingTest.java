package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.jr.ob.JSON;
import io.tasq.ConfigurationException;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import io.tasq.spi.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DNS rebinding and cross-site actions, over real HTTP: a browser on a page of another site whose
 * name was made to point at the dashboard sends that site's name as the {@code Host} and its origin
 * as the {@code Origin}. Such requests are refused; requests naming the dashboard are served.
 *
 * <p>The JDK's HTTP client will not set a {@code Host} of its own choosing, but through a proxy it
 * sends the URL's host as the {@code Host}: the dashboard is made the "proxy", so a request for
 * {@code http://evil.example:PORT/} reaches it saying {@code Host: evil.example:PORT}, exactly as a
 * rebinding browser's would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardRebindingTest {

    private static final String TOKEN = "rebinding-test-token";

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final HttpClient direct = HttpClient.newHttpClient();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private Dashboard dashboard(String bind, String allowedHosts) {
        Settings s = Settings.of(TestKeys.client(), "test");
        if (allowedHosts != null) {
            s = s.with(Dashboard.ALLOWED_HOSTS, allowedHosts, "test");
        }
        Dashboard d = new Dashboard("zmq://127.0.0.1:" + Ports.freePair(), s, bind, 0, TOKEN);
        opened.add(d);
        return d;
    }

    /** A request that reaches the dashboard whatever host {@code url} names, with that host as its Host. */
    private static HttpResponse<String> via(Dashboard d, String url, String origin, String form)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1",
                d.port()))).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded").header("X-Tasq-Token", TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(form));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> r) throws IOException {
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        return (String) JSON.std.mapFrom(r.body()).get("error");
    }

    @Test
    void aRequestForAnotherHostIsRefusedWith421AndNothingOfTheQueueInIt() throws Exception {
        Dashboard d = dashboard("127.0.0.1", null);
        int port = d.port();
        for (String page : List.of("/", "/api/overview", "/api/dead", "/assets/dashboard.js")) {
            HttpResponse<String> r = via(d, "http://rebind.attacker.example:" + port + page, null, null);
            assertThat(r.statusCode()).as(page).isEqualTo(421);
            assertThat(error(r)).contains("not the Host 'rebind.attacker.example:" + port + "'")
                    .contains("127.0.0.1:" + port).contains("--allowed-hosts");
            assertThat(r.body()).doesNotContain("zmq://");
        }
        assertThat(via(d, "http://127.0.0.1:" + (port == 1 ? 2 : port - 1) + "/", null, null).statusCode())
                .as("the right address, another port").isEqualTo(421);
    }

    @Test
    void theAddressItServesAndItsLoopbackNamesAreServed() throws Exception {
        Dashboard d = dashboard("127.0.0.1", null);
        int port = d.port();
        for (String host : List.of("127.0.0.1", "localhost", "LocalHost.", "[::1]")) {
            HttpResponse<String> r = via(d, "http://" + host + ":" + port + "/api/overview", null, null);
            assertThat(r.statusCode()).as(host).isEqualTo(200);
            assertThat(r.body()).as(host).contains("\"queue\"");
        }
        HttpResponse<String> plain = direct.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body()).contains("<script src=\"/assets/dashboard.js\"");
    }

    @Test
    void namesConfiguredInAllowedHostsAreServedWithTheirPortOrAny() throws Exception {
        Dashboard d = dashboard("127.0.0.1", "dash.example.com, proxy.example.com:8443");
        int port = d.port();
        assertThat(via(d, "http://dash.example.com:" + port + "/", null, null).statusCode()).isEqualTo(200);
        assertThat(via(d, "http://DASH.example.com/", null, null).statusCode()).as("any port").isEqualTo(200);
        assertThat(via(d, "http://proxy.example.com:8443/", null, null).statusCode()).isEqualTo(200);
        assertThat(via(d, "http://proxy.example.com:" + port + "/", null, null).statusCode()).as("not its port")
                .isEqualTo(421);
        assertThat(via(d, "http://example.com:" + port + "/", null, null).statusCode()).isEqualTo(421);
        assertThat(via(d, "http://sub.dash.example.com:" + port + "/", null, null).statusCode()).isEqualTo(421);
    }

    @Test
    void anActionFromAnotherOriginIsRefusedEvenWithTheToken() throws Exception {
        Dashboard d = dashboard("127.0.0.1", null);
        int port = d.port();
        String self = "http://127.0.0.1:" + port + "/api/auth";
        for (String origin : List.of("http://rebind.attacker.example:" + port, "http://attacker.example", "null",
                "file://", "http://127.0.0.1:" + port + ".attacker.example", "ftp://127.0.0.1:" + port)) {
            HttpResponse<String> r = via(d, self, origin, "");
            assertThat(r.statusCode()).as(origin).isEqualTo(403);
            assertThat(error(r)).as(origin).contains("from another site");
        }
        for (String origin : List.of("http://127.0.0.1:" + port, "http://localhost:" + port)) {
            assertThat(via(d, self, origin, "").statusCode()).as(origin).isEqualTo(200);
        }
        assertThat(via(d, self, null, "").statusCode()).as("no Origin: not a browser").isEqualTo(200);
    }

    @Test
    void anAllowedHostNamesAllowedOriginsToo() throws Exception {
        Dashboard d = dashboard("127.0.0.1", "dash.example.com");
        String action = "http://dash.example.com/api/auth";
        assertThat(via(d, action, "https://dash.example.com", "").statusCode()).isEqualTo(200);
        assertThat(via(d, action, "http://dash.example.com:8080", "").statusCode()).isEqualTo(200);
        assertThat(via(d, action, "https://evil.example.com", "").statusCode()).isEqualTo(403);
    }

    @Test
    void aBadAllowedHostsSettingIsAnErrorNamingIt() {
        assertThatThrownBy(() -> dashboard("127.0.0.1", "good.example.com, http://bad/"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("http://bad/")
                .hasMessageContaining("dashboard.allowed-hosts");
    }

    @Test
    void theRulesForHostAndOriginHeaders() {
        DashboardHosts h = new DashboardHosts("127.0.0.1", 8080, List.of("proxy.example:443", "any.example"));
        assertThat(h.allowsHost("127.0.0.1:8080")).isTrue();
        assertThat(h.allowsHost("[0:0:0:0:0:0:0:1]:8080")).isTrue();
        assertThat(h.allowsHost("127.0.0.1")).as("no port: 80").isFalse();
        assertThat(h.allowsHost("127.0.0.1:08080")).as("same number").isTrue();
        assertThat(h.allowsHost("127.0.0.1:8080:1")).isFalse();
        assertThat(h.allowsHost("127.0.0.1:99999")).isFalse();
        assertThat(h.allowsHost("")).isFalse();
        assertThat(h.allowsHost(null)).isFalse();
        assertThat(h.allowsHost("127.0.0.1 :8080")).isFalse();
        assertThat(h.allowsHost("any.example")).isTrue();
        assertThat(h.allowsHost("proxy.example:443")).isTrue();
        assertThat(h.allowsHost("proxy.example")).isFalse();
        assertThat(h.allowsOrigin("https://proxy.example")).isTrue();
        assertThat(h.allowsOrigin("http://proxy.example")).isFalse();
        assertThat(h.allowsOrigin("http://127.0.0.1:8080/")).isTrue();
        assertThat(h.allowsOrigin("http://user@127.0.0.1:8080")).isFalse();
        assertThat(h.allowsOrigin("http://127.0.0.1:8080/path")).isFalse();

        DashboardHosts everywhere = new DashboardHosts("0.0.0.0", 8080, List.of());
        assertThat(everywhere.allowsHost("127.0.0.1:8080")).isTrue();
        assertThat(everywhere.allowsHost("localhost:8080")).isTrue();
        assertThat(everywhere.allowsHost("rebind.attacker.example:8080")).isFalse();

        DashboardHosts v6 = new DashboardHosts("::1", 8080, List.of());
        assertThat(v6.allowsHost("[::1]:8080")).isTrue();
        assertThat(v6.allowsHost("localhost:8080")).isTrue();
        assertThat(Map.of("describe", v6.describe()).get("describe")).contains("[0:0:0:0:0:0:0:1]:8080");
    }
}
