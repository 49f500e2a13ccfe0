package io.tasq.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.tasq.RecurringInfo;
import io.tasq.Tasq;
import io.tasq.TasqClient;
import io.tasq.core.testkit.Ports;
import io.tasq.core.testkit.TestKeys;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium}, driven by Selenium through
 * Debian's {@code chromium-driver}), served by a real {@code tq worker --dashboard-port} under load:
 * the page shows the live worker, its charts move, a job name full of HTML shows as text, and
 * cancelling a scheduled job from the page removes it from the queue. Without the browser it fails,
 * saying what to install; it never skips.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DashboardBrowserIT {

    static final Path CHROMIUM = Path.of(System.getProperty("tasq.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("tasq.chromedriver", "/usr/bin/chromedriver"));
    private static final String INSTALL = "install them with `apt-get install -y chromium chromium-driver` "
            + "(.ci/run does), or point -Dtasq.chromium and -Dtasq.chromedriver at them";
    private static final String TOKEN = "browser-test-token";
    private static final String ODD = "<b>nightly</b> report <img src=x onerror=\"document.title='pwned'\"> & more";

    @TempDir
    Path profile;

    static WebDriver startChromium(Path profile) {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError("the dashboard's browser test needs " + p + ", which is missing: " + INSTALL);
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(new File("target/chromedriver.log")).build();
        try {
            return new ChromeDriver(service, options);
        } catch (WebDriverException e) {
            throw new AssertionError("cannot start headless Chromium (" + CHROMIUM + " through " + CHROMEDRIVER + "): "
                    + e.getMessage() + "\n" + INSTALL, e);
        }
    }

    @Test
    void thePageShowsTheLiveWorkerChartsThatMoveAndCancelsAScheduledJob() throws Exception {
        WebDriver browser = startChromium(profile);
        String url = "zmq://127.0.0.1:" + Ports.freePair();
        int port = Ports.free();
        Map<String, String> env = new HashMap<>(Map.of("TASQ_SIGN_KEY", TestKeys.KEY,
                "TASQ_WORKER_ALLOW_CLASSES", "io.tasq.worker.**", "TASQ_WORKER_HEARTBEAT", "500ms",
                "TASQ_DASHBOARD_TOKEN", TOKEN));
        DashboardLoad load = null;
        try (TqProcess tq = TqProcess.startWithTestClasses(env, "worker", "--backend", url, "--workers", "4",
                "--dashboard-port", Integer.toString(port));
                TasqClient client = Tasq.builder().url(url).settings(TestKeys.client()).client()) {
            tq.awaitLine("Serving the dashboard", Duration.ofSeconds(60));
            tq.awaitLine("Listening for jobs on", Duration.ofSeconds(60));
            client.connect();
            load = new DashboardLoad(client, url).start(ODD);

            browser.get("http://127.0.0.1:" + port + "/");
            // the page re-renders its tables every few seconds: elements found a moment ago may be gone
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
            wait.ignoring(StaleElementReferenceException.class);

            // the live worker, as the tq process that runs it
            wait.until(d -> d.findElements(By.cssSelector("#workers tr[data-worker] td")).stream().skip(2).findFirst()
                    .map(td -> td.getText().equals(Long.toString(tq.pid()))).orElse(false));
            assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("live");

            // the throughput chart moves: new points come, and the jobs run show as a rate above zero
            By chart = By.id("chart-throughput");
            By okLine = By.cssSelector("#chart-throughput polyline[data-series=ok]");
            wait.until(d -> !attribute(d, chart, "data-last").isEmpty());
            String firstPoint = attribute(browser, chart, "data-last");
            String firstLine = attribute(browser, okLine, "points");
            wait.until(d -> !attribute(d, chart, "data-last").equals(firstPoint));
            wait.until(d -> number(d.findElement(By.id("stat-ok")).getText()) > 0);
            assertThat(attribute(browser, okLine, "points")).isNotEqualTo(firstLine);
            assertThat(Integer.parseInt(attribute(browser, chart, "data-points"))).isGreaterThan(1);

            // a job name full of HTML is shown as it is, as text
            wait.until(d -> rowNamed(d, ODD).findElements(By.tagName("td")).get(0).getText().equals(ODD));
            assertThat(browser.findElements(By.cssSelector("#recurring b, #recurring img"))).isEmpty();
            assertThat(browser.getTitle()).isEqualTo("Tasq dashboard");
            wait.until(d -> !d.findElements(By.cssSelector("#dead tr[data-id]")).isEmpty());

            // a few more points of history for the screenshot
            int extra = Integer.getInteger("tasq.dashboard.demo-points", 3);
            int points = Integer.parseInt(attribute(browser, chart, "data-points"));
            wait.until(d -> Integer.parseInt(attribute(d, chart, "data-points")) >= points + extra);
            Files.write(Path.of("target", "dashboard.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

            // locked until the token is given; then cancel asks for a confirmation and removes the job
            wait.until(d -> !rowNamed(d, ODD).findElement(By.cssSelector("button.cancel")).isEnabled());
            browser.findElement(By.id("token")).sendKeys(TOKEN);
            browser.findElement(By.id("unlock")).click();
            wait.until(ExpectedConditions.textToBe(By.id("mode"), "actions unlocked"));
            wait.until(d -> {
                rowNamed(d, ODD).findElement(By.cssSelector("button.cancel")).click();
                return true;
            });
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(ExpectedConditions.textToBe(By.id("message"), "Cancelled " + ODD));
            wait.until(d -> d.findElements(By.cssSelector("#recurring tr[data-name]")).stream()
                    .noneMatch(r -> ODD.equals(r.getDomAttribute("data-name"))));
            assertThat(client.listRecurring().unwrap(Duration.ofSeconds(10))).extracting(RecurringInfo::name)
                    .doesNotContain(ODD).contains("cleanup", "every-10-minutes");

            load.close();
            assertThat(tq.terminate(Duration.ofSeconds(30))).isZero();
        } finally {
            if (load != null) {
                load.close();
            }
            browser.quit();
        }
    }

    private static WebElement rowNamed(WebDriver browser, String name) {
        return browser.findElements(By.cssSelector("#recurring tr[data-name]")).stream()
                .filter(r -> name.equals(r.getDomAttribute("data-name"))).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no row for '" + name + "' yet"));
    }

    private static String attribute(WebDriver browser, By by, String name) {
        String v = browser.findElement(by).getDomAttribute(name);
        return v == null ? "" : v;
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text.replace(",", ""));
        } catch (NumberFormatException e) {
            return 0; // not drawn yet
        }
    }
}
