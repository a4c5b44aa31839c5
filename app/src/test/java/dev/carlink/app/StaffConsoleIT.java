package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.car.Weather;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The staff console in a real browser (headless Chromium) against the whole system: two simulated cars over MQTT,
 * a critical fatigue alert pushed into the live queue, and a staff member working the task from claim to resolve.
 * The steps build on each other, like a shift at the console. Screenshots go to {@code target/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StaffConsoleIT {

    private static final String VIN_ALICE = "STAFF000000000001";
    private static final String VIN_BOB = "STAFF000000000002";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String NOTE = "Called Alice: she is awake and pulling into the next rest area.";
    private static final String OUTCOME = "Driver stopped at a rest area";

    private static TestSystem system;
    private static ScheduledExecutorService scheduler;
    private static MqttCar aliceCar;
    private static MqttCar bobCar;
    private static Browser browser;
    private static WebDriver driver;
    private static long firstTaskId;

    /** A screenshot of the moment a step failed, beside the others. */
    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.screenshot("staff-console-failed-"
                        + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        system = TestSystem.start();
        scheduler = Executors.newScheduledThreadPool(2);
        aliceCar = connectedCar(VIN_ALICE, "alice");
        bobCar = connectedCar(VIN_BOB, "bob");
        // a command in the car's history, with its status
        String alice = system.login("alice");
        TestSystem.Reply climate = system.post(
                alice,
                "/api/v1/vehicles/" + VIN_ALICE + "/commands",
                "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":22}");
        assertThat(climate.status()).as(climate.body()).isEqualTo(201);
        String staff = system.login("staff");
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(system.get(staff, "/api/v1/vehicles/" + VIN_ALICE + "/telemetry")
                                .json()
                                .getJsonArray("samples"))
                        .hasSizeGreaterThan(2));
        browser = Browser.start(SCREENSHOTS);
        driver = browser.driver();
        // the address staff type: /console redirects to /console/, which serves the page
        driver.get(system.api("/console"));
        try {
            wait(Duration.ofSeconds(30))
                    .until(d -> d.findElement(By.id("login-username")).isDisplayed());
        } catch (TimeoutException e) {
            browser.screenshot("staff-console-failed-to-load");
            throw new AssertionError(
                    "the console did not load from /console: the browser is at " + driver.getCurrentUrl() + " showing '"
                            + driver.getTitle() + "'",
                    e);
        }
        assertThat(driver.getCurrentUrl()).endsWith("/console/");
    }

    private static MqttCar connectedCar(String vin, String owner) throws Exception {
        VehicleCredentials credentials = system.enrollCar(vin, owner);
        SimulatedCar simulated =
                new SimulatedCar(CarConfig.of(vin).withReminderAcknowledgeDelay(Duration.ZERO), Clock.systemUTC());
        simulated.park();
        simulated.lockAllDoors();
        simulated.setWeather(Weather.sunny(32, LocalTime.of(15, 0)));
        simulated.setCabinTemperature(38);
        MqttCar car = new MqttCar(
                credentials,
                simulated,
                MqttCarConfig.of(URI.create(system.mqttUri()))
                        .withTelemetryInterval(Duration.ofSeconds(1))
                        .withTimeScale(10),
                scheduler);
        car.connect().get(30, TimeUnit.SECONDS);
        return car;
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        for (MqttCar car : new MqttCar[] {aliceCar, bobCar}) {
            if (car != null) {
                car.close();
            }
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void wrongPassword_showsAnError_andOpensNoSession() {
        signIn("staff", "not-the-password");

        WebElement error = waitFor(By.cssSelector("[data-testid=login-error]"));
        assertThat(error.getText()).containsIgnoringCase("wrong username or password");
        assertThat(testId("workspace").isDisplayed()).isFalse();
        assertThat(script("return sessionStorage.getItem('carlink.console.session')"))
                .isNull();
    }

    @Test
    @Order(2)
    void anOwnerAccount_isTurnedAway_withAClearError() {
        signIn("alice", "alice-test-pass");

        wait(PATIENCE).until(d -> testId("login-error").getText().contains("service staff only"));
        assertThat(testId("workspace").isDisplayed()).isFalse();
        assertThat(script("return sessionStorage.getItem('carlink.console.session')"))
                .isNull();
    }

    @Test
    @Order(3)
    void staff_signIn_andTheQueueIsLive() {
        signIn("staff", "staff-test-pass");

        waitFor(By.cssSelector("[data-testid=workspace]"));
        wait(PATIENCE).until(d -> "live".equals(testId("stream-status").getDomAttribute("data-state")));
        assertThat(testId("who").getText()).contains("staff");
        assertThat(testId("queue-empty").isDisplayed()).isTrue();
        // a marker that a page reload would wipe out
        script("window.consoleNeverReloaded = true");
    }

    @Test
    @Order(4)
    void aCriticalFatigueAlert_isPushedIntoTheQueue_withoutAReload() {
        aliceCar.car().raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);

        firstTaskId = taskIdOf(wait(PATIENCE).until(d -> queueRow(VIN_ALICE).orElse(null)));

        assertThat(script("return window.consoleNeverReloaded === true")).isEqualTo(true);
        assertThat(rowText(firstTaskId, "row-priority")).isEqualTo("HIGH");
        assertThat(rowText(firstTaskId, "row-open")).containsIgnoringCase("fatigue");
        assertThat(rowText(firstTaskId, "row-status")).isEqualTo("Open");
        assertThat(rowText(firstTaskId, "row-occurrences")).isEqualTo("×1");
        String sla = rowText(firstTaskId, "row-sla");
        assertThat(sla).matches("\\d{2}:\\d{2}");
        // the countdown runs by itself
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> assertThat(
                        rowText(firstTaskId, "row-sla"))
                .matches("\\d{2}:\\d{2}")
                .isNotEqualTo(sla));
        browser.screenshot("staff-console-1-queue");
    }

    @Test
    @Order(5)
    void theTask_openedWithTheKeyboardAndClaimed_showsTheCarsWholePicture() {
        keys("j");
        wait(PATIENCE).until(d -> "true".equals(row(firstTaskId).getDomAttribute("aria-current")));
        keys(Keys.ENTER);

        WebElement panel = wait(PATIENCE).until(d -> panel(firstTaskId).orElse(null));
        in(panel, "panel-claim").click();

        wait(PATIENCE).until(d -> status(panel).equals("CLAIMED"));
        assertThat(in(panel, "panel-assignee").getText()).isEqualTo("staff (you)");
        assertThat(in(panel, "playbook").getText()).contains("Call the driver");
        wait(PATIENCE).until(d -> in(panel, "owner-name").getText().equals("Alice"));
        wait(PATIENCE).until(d -> "online".equals(in(panel, "vehicle-presence").getDomAttribute("data-value")));
        wait(PATIENCE).until(d -> in(panel, "data-age").getText().matches("Data age \\d+ (s|min) \\(sampled .+\\)"));
        assertThat(in(panel, "state-cabin").getText()).matches("\\d+\\.\\d °C");
        assertThat(in(panel, "state-soc").getText()).matches("\\d+ %.*");
        wait(PATIENCE)
                .until(d -> Integer.parseInt(in(panel, "chart").getDomAttribute("data-points-temp")) > 1
                        && Integer.parseInt(in(panel, "chart").getDomAttribute("data-points-soc")) > 1);
        assertThat(in(panel, "chart-temp").getDomAttribute("d")).contains("L");
        assertThat(in(panel, "chart-soc").getDomAttribute("d")).contains("L");
        assertThat(in(panel, "chart").getText()).contains("Cabin temperature", "State of charge");
        wait(PATIENCE).until(d -> panel.findElements(By.cssSelector("[data-testid=command-row]")).stream()
                .anyMatch(r -> r.getText().contains("Climate start")));
        wait(PATIENCE).until(d -> !panel.findElements(By.cssSelector("[data-testid=event-entry]"))
                .isEmpty());
        assertThat(panel.findElements(By.cssSelector("[data-testid=timeline-entry]")))
                .isNotEmpty();
        browser.screenshot("staff-console-2-task-panel");
        script("document.querySelector(\"[data-testid='task-panel'] [data-testid='chart-section']\").scrollIntoView()");
        browser.screenshot("staff-console-2b-car-picture");
    }

    @Test
    @Order(6)
    void aNote_andAResolveWithAnOutcome_takeTheTaskOutOfTheQueue() {
        WebElement panel = panel(firstTaskId).orElseThrow();
        in(panel, "panel-start").click();
        wait(PATIENCE).until(d -> status(panel).equals("IN_PROGRESS"));

        in(panel, "note-input").sendKeys(NOTE);
        in(panel, "note-submit").click();
        wait(PATIENCE).until(d -> in(panel, "timeline").getText().contains(NOTE));
        new Select(in(panel, "outcome-choice")).selectByVisibleText(OUTCOME);
        in(panel, "panel-resolve").click();

        wait(PATIENCE).until(d -> status(panel).equals("RESOLVED"));
        assertThat(in(panel, "panel-outcome").getText()).isEqualTo(OUTCOME);
        wait(PATIENCE).until(d -> queueRow(VIN_ALICE).isEmpty());
        JsonObject task = system.get(system.login("staff"), "/api/v1/tasks/" + firstTaskId)
                .json();
        assertThat(task.getString("status")).isEqualTo("RESOLVED");
        assertThat(task.getString("outcome")).isEqualTo(OUTCOME);
        assertThat(task.getJsonArray("timeline").stream().map(e -> (JsonObject) e))
                .anySatisfy(e -> {
                    assertThat(e.getString("kind")).isEqualTo("NOTE");
                    assertThat(e.getString("text")).isEqualTo(NOTE);
                    assertThat(e.getString("author")).isEqualTo("staff");
                });
        browser.screenshot("staff-console-3-resolved");
    }

    @Test
    @Order(7)
    void twoTasks_openSideBySide_andAConflictIsShownWhereItHappened() {
        WebElement resolved = panel(firstTaskId).orElseThrow();
        in(resolved, "panel-title").click();
        keys(Keys.ESCAPE);
        wait(PATIENCE).until(d -> panels().isEmpty());

        aliceCar.car()
                .raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_REPEATED_WARNING);
        bobCar.car().raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);
        long aliceTask = taskIdOf(wait(PATIENCE).until(d -> queueRow(VIN_ALICE).orElse(null)));
        long bobTask = taskIdOf(wait(PATIENCE).until(d -> queueRow(VIN_BOB).orElse(null)));
        // another staff member takes Bob's task meanwhile: the queue shows it, pushed
        TestSystem.Reply taken = system.post(system.login("admin"), "/api/v1/tasks/" + bobTask + "/claim", "");
        assertThat(taken.status()).as(taken.body()).isEqualTo(200);
        wait(PATIENCE).until(d -> rowText(bobTask, "row-assignee").equals("admin"));

        selectWithKeys(aliceTask);
        keys("c");
        WebElement alicePanel = wait(PATIENCE).until(d -> panel(aliceTask).orElse(null));
        wait(PATIENCE).until(d -> {
            in(row(bobTask), "row-open").click();
            return true;
        });
        WebElement bobPanel = wait(PATIENCE).until(d -> panel(bobTask).orElse(null));

        wait(PATIENCE).until(d -> in(alicePanel, "panel-assignee").getText().equals("staff (you)"));
        assertThat(panels()).hasSize(2);
        Rectangle left = alicePanel.getRect();
        Rectangle right = bobPanel.getRect();
        assertThat(right.getX()).isGreaterThanOrEqualTo(left.getX() + left.getWidth());
        assertThat(right.getY()).isEqualTo(left.getY());
        assertThat(right.getX() + right.getWidth()).isLessThanOrEqualTo(1440);
        wait(PATIENCE).until(d -> alicePanel.findElements(By.cssSelector("[data-testid=previous-task]")).stream()
                .anyMatch(p -> p.getText().toUpperCase(Locale.ROOT).contains("RESOLVED")));
        new Select(in(bobPanel, "outcome-choice")).selectByVisibleText(OUTCOME);
        in(bobPanel, "panel-resolve").click();
        WebElement conflict = wait(PATIENCE).until(d -> {
            WebElement error = in(bobPanel, "action-error");
            return error.isDisplayed() ? error : null;
        });
        assertThat(conflict.getText()).contains("Resolve failed", "409", "claimed by admin");
        assertThat(system.get(system.login("staff"), "/api/v1/tasks/" + bobTask)
                        .json()
                        .getString("status"))
                .isEqualTo("CLAIMED");
        browser.screenshot("staff-console-4-side-by-side");
        driver.manage().window().setSize(new Dimension(1366, 768));
        browser.screenshot("staff-console-5-at-1366x768");
    }

    @Test
    @Order(8)
    void signingOutEverywhereFromAnotherDesk_returnsTheConsoleToSignIn_sayingSo() {
        String otherDesk = system.login("staff");

        assertThat(system.post(otherDesk, "/api/v1/auth/logout?everywhere=true", "")
                        .status())
                .isEqualTo(204);

        // the queue's stream ends with the session, and the console says why at once
        wait(PATIENCE).until(d -> testId("login-error").isDisplayed());
        assertThat(testId("login-error").getText())
                .isEqualTo("This session was signed out, here or on another device. Please sign in again.");
        assertThat(testId("workspace").isDisplayed()).isFalse();
        assertThat(script("return sessionStorage.getItem('carlink.console.session')"))
                .isNull();
        browser.screenshot("staff-console-5-signed-out-elsewhere");
    }

    @Test
    @Order(9)
    void thePage_threwNoScriptError() {
        List<String> log = browser.consoleLog();

        assertThat(log).noneMatch(line -> line.contains("Uncaught"));
    }

    // ------------------------------------------------------------------ helpers

    private static void signIn(String username, String password) {
        WebElement user = waitFor(By.id("login-username"));
        user.clear();
        user.sendKeys(username);
        WebElement pass = driver.findElement(By.id("login-password"));
        pass.clear();
        pass.sendKeys(password);
        testId("login-submit").click();
    }

    /** Waits for a condition; the queue re-renders its rows on every push, so stale elements are retried. */
    private static FluentWait<WebDriver> wait(Duration patience) {
        return new WebDriverWait(driver, patience).ignoring(StaleElementReferenceException.class);
    }

    private static long taskIdOf(WebElement row) {
        return Long.parseLong(row.getDomAttribute("data-task-id"));
    }

    private static WebElement waitFor(By by) {
        return wait(PATIENCE).until(d -> {
            List<WebElement> found = d.findElements(by);
            return !found.isEmpty() && found.get(0).isDisplayed() ? found.get(0) : null;
        });
    }

    private static WebElement testId(String id) {
        return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
    }

    private static WebElement in(WebElement scope, String id) {
        return scope.findElement(By.cssSelector("[data-testid='" + id + "']"));
    }

    private static Object script(String js) {
        return ((org.openqa.selenium.JavascriptExecutor) driver).executeScript(js);
    }

    private static void keys(CharSequence keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    private static Optional<WebElement> queueRow(String vin) {
        return driver.findElements(By.cssSelector("[data-testid=queue-row]")).stream()
                .filter(r -> r.findElement(By.cssSelector("[data-testid=row-vin]"))
                        .getText()
                        .equals(vin))
                .findFirst();
    }

    private static WebElement row(long taskId) {
        return driver.findElement(By.cssSelector("[data-testid=queue-row][data-task-id='" + taskId + "']"));
    }

    private static String rowText(long taskId, String id) {
        List<WebElement> rows =
                driver.findElements(By.cssSelector("[data-testid=queue-row][data-task-id='" + taskId + "']"));
        return rows.isEmpty() ? "" : in(rows.get(0), id).getText();
    }

    /** A panel's task status (its badge shows it in capitals, as styled). */
    private static String status(WebElement panel) {
        return in(panel, "panel-status").getDomAttribute("data-value");
    }

    private static Optional<WebElement> panel(long taskId) {
        return driver.findElements(By.cssSelector("[data-testid=task-panel][data-task-id='" + taskId + "']")).stream()
                .filter(WebElement::isDisplayed)
                .findFirst();
    }

    private static List<WebElement> panels() {
        return driver.findElements(By.cssSelector("[data-testid=task-panel]"));
    }

    /** Moves the queue's selection with j and k until the task is selected. */
    private static void selectWithKeys(long taskId) {
        for (int i = 0; i < 20; i++) {
            long distance = ((Number) script("const rows = [...document.querySelectorAll('[data-testid=queue-row]')];"
                            + "const selected = rows.findIndex(r => r.getAttribute('aria-current') === 'true');"
                            + "return rows.findIndex(r => r.dataset.taskId === '" + taskId + "') - selected;"))
                    .longValue();
            if (distance == 0) {
                return;
            }
            keys(distance > 0 ? "j" : "k");
        }
        throw new AssertionError("j and k did not select task " + taskId);
    }
}
