package dev.carlink.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.carlink.proto.v1.CabinPosition;
import dev.carlink.proto.v1.ChildPresence;
import dev.carlink.proto.v1.FatigueCause;
import dev.carlink.proto.v1.FatigueLevel;
import dev.carlink.proto.v1.OccupancyStatus;
import dev.carlink.simulator.VehicleCredentials;
import dev.carlink.simulator.car.CarConfig;
import dev.carlink.simulator.car.SimulatedCar;
import dev.carlink.simulator.car.Weather;
import dev.carlink.simulator.mqtt.MqttCar;
import dev.carlink.simulator.mqtt.MqttCarConfig;
import dev.carlink.simulator.mqtt.SleepPolicy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The owner's app in a real browser (headless Chromium emulating a 390x844 phone, in Europe/Berlin) against the
 * whole system: one simulated car over MQTT parked in the sun at 45 °C (time 30 times faster, so it cools in
 * seconds) and one car that never connected. The steps build on each other like an owner's day: sign in, cool the
 * car and watch it, schedule the morning, try a sterilization with someone inside, get an alert, rate the service,
 * change the fatigue opt-in, lose the network, and come back to an expired session. Screenshots go to
 * {@code target/screenshots/owner-app-*.png}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OwnerAppIT {

    private static final String VIN = "APPCAR00000000001";
    private static final String VIN_PARKED = "APPCAR00000000002";
    private static final String VIN_SLEEPY = "APPCAR00000000003";
    /** Long enough never to come during the test: the test wakes the car by opening its door. */
    private static final Duration SLEEPY_CHECK_IN = Duration.ofHours(1);

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int WIDTH = 390;
    private static final int HEIGHT = 844;

    private static TestSystem system;
    private static ScheduledExecutorService scheduler;
    private static MqttCar car;
    private static MqttCar sleepy;
    private static Browser browser;
    private static ChromeDriver driver;
    private static String alice;

    /** A screenshot of the moment a step failed, beside the others. */
    @RegisterExtension
    static final TestWatcher SCREENSHOT_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.screenshot(
                        "owner-app-failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    static void start() throws Exception {
        // a car that never answers is TIMED_OUT after 10 s (sterilization has its own allowance)
        system = TestSystem.start(config -> config.withResultTimeout(Duration.ofSeconds(10)));
        scheduler = Executors.newScheduledThreadPool(2);
        VehicleCredentials credentials = system.enrollCar(VIN, "alice");
        system.enrollCar(VIN_PARKED, "alice");
        VehicleCredentials sleepyCredentials = system.enrollCar(VIN_SLEEPY, "alice");
        SimulatedCar simulated =
                new SimulatedCar(CarConfig.of(VIN).withReminderAcknowledgeDelay(Duration.ZERO), Clock.systemUTC());
        simulated.park();
        simulated.lockAllDoors();
        simulated.setStateOfCharge(80);
        simulated.setWeather(Weather.sunny(35, LocalTime.of(14, 0)));
        simulated.setCabinTemperature(45);
        car = new MqttCar(
                credentials,
                simulated,
                MqttCarConfig.of(URI.create(system.mqttUri()))
                        .withTelemetryInterval(Duration.ofSeconds(1))
                        .withTimeScale(30),
                scheduler);
        car.connect().get(30, TimeUnit.SECONDS);
        // a car parked for the night: asleep a second after it has nothing to do, checking in every hour
        SimulatedCar parked = new SimulatedCar(CarConfig.of(VIN_SLEEPY), Clock.systemUTC());
        parked.park();
        parked.lockAllDoors();
        parked.setStateOfCharge(70);
        parked.setCabinTemperature(31);
        sleepy = new MqttCar(
                sleepyCredentials,
                parked,
                MqttCarConfig.of(URI.create(system.mqttUri()))
                        .withTelemetryInterval(Duration.ofSeconds(1))
                        .withStepInterval(Duration.ofMillis(250))
                        .withSleep(SleepPolicy.after(Duration.ofSeconds(1), SLEEPY_CHECK_IN)),
                scheduler);
        sleepy.connect().get(30, TimeUnit.SECONDS);
        alice = system.login("alice");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                        system.get(alice, "/api/v1/vehicles/" + VIN + "/state").status())
                .isEqualTo(200));

        browser = Browser.start(SCREENSHOTS, "owner-app", WIDTH, HEIGHT);
        driver = browser.driver();
        // a phone: its width, touch-style viewport, and a time zone that is not the server's
        driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", WIDTH, "height", HEIGHT, "deviceScaleFactor", 2, "mobile", true));
        driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", "Europe/Berlin"));
        // the address owners type: /app redirects to /app/, which serves the page
        driver.get(system.api("/app"));
        try {
            wait(Duration.ofSeconds(30))
                    .until(d -> d.findElement(By.id("login-username")).isDisplayed());
        } catch (TimeoutException e) {
            browser.screenshot("owner-app-failed-to-load");
            throw new AssertionError("the app did not load from /app: the browser is at " + driver.getCurrentUrl(), e);
        }
        assertThat(driver.getCurrentUrl()).endsWith("/app/");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (car != null) {
            car.close();
        }
        if (sleepy != null) {
            sleepy.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(10)
    void theAppShell_isServed_withAManifestAndAnOfflineShellThatLeavesTheApiAlone() throws Exception {
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> manifest = http.send(
                HttpRequest.newBuilder(URI.create(system.api("/app/manifest.webmanifest")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> worker = http.send(
                HttpRequest.newBuilder(URI.create(system.api("/app/sw.js"))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/manifest+json"));
        JsonObject json = new JsonObject(manifest.body());
        assertThat(json.getString("start_url")).isEqualTo("/app/");
        assertThat(json.getString("display")).isEqualTo("standalone");
        assertThat(worker.statusCode()).isEqualTo(200);
        assertThat(worker.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).contains("javascript"));
        assertThat(worker.body()).contains("url.pathname.startsWith('/app/')");
        // the service worker installed the shell and controls the page
        wait(PATIENCE).until(d -> Boolean.TRUE.equals(script("return navigator.serviceWorker.controller !== null")));
    }

    @Test
    @Order(20)
    void alice_signsInWithTheKeyboard_andSeesHerCars_onlineOrNot_withTheAgeOfTheirData() {
        signIn("alice", "alice-test-pass");

        wait(PATIENCE).until(d -> carRow(VIN).orElse(null));
        wait(PATIENCE).until(d -> "online"
                .equals(in(carRow(VIN).orElseThrow(), "car-row-presence").getDomAttribute("data-value")));
        wait(PATIENCE)
                .until(d ->
                        in(carRow(VIN).orElseThrow(), "car-row-age").getText().matches("Data from \\d+ s ago"));
        WebElement parked = carRow(VIN_PARKED).orElseThrow();
        assertThat(in(parked, "car-row-presence").getText()).isEqualTo("never connected");
        assertThat(in(parked, "car-row-age").getText()).isEqualTo("No data from this car yet");
        assertThat(read(d -> carRow(VIN).orElseThrow().getText())).contains("Cabin", "°C", "Charge", "%");
        assertNoHorizontalScroll();
        browser.screenshot("owner-app-1-cars");
    }

    @Test
    @Order(30)
    void coolingTheCar_showsEveryStepUntilTheCarConfirms_andTheCabinTemperatureFalls() {
        in(carRow(VIN).orElseThrow(), "car-row-name").click();
        wait(PATIENCE).until(d -> testId("car").isDisplayed());
        double before = wait(PATIENCE).until(d -> cabin().orElse(null));
        assertThat(before).isGreaterThan(38);
        assertThat(testId("car-age").getText()).matches("Data from \\d+ s ago");
        wait(PATIENCE).until(d -> Integer.parseInt(testId("chart").getDomAttribute("data-points")) > 0);

        setValue("climate-target", "22");
        setValue("climate-duration", "30");
        testId("climate-start").click();

        WebElement command = wait(PATIENCE).until(d -> displayed("command"));
        String firstStatus = command.getDomAttribute("data-status");
        assertThat(firstStatus).isIn("QUEUED", "SENT", "DELIVERED", "IN_PROGRESS", "SUCCEEDED");
        wait(PATIENCE).until(d -> "SUCCEEDED".equals(status("climate-command")));
        String id = wait(PATIENCE).until(d -> testId("command").getDomAttribute("data-command-id"));
        JsonObject stored =
                system.get(alice, "/api/v1/vehicles/" + VIN + "/commands/" + id).json();
        assertThat(stored.getString("status"))
                .as("the page says done only when the car did")
                .isEqualTo("SUCCEEDED");
        assertThat(read(d -> testId("command-meaning").getText())).isEqualTo("Done: the car confirmed it");
        wait(PATIENCE).until(d -> stepsOf("climate-command").containsAll(List.of("QUEUED", "SENT", "SUCCEEDED")));
        wait(PATIENCE).until(d -> "on".equals(testId("fact-ac").getDomAttribute("data-value")));
        // the cabin cools on screen, pushed by the car's stream
        wait(PATIENCE).until(d -> cabin().filter(now -> now <= before - 3).isPresent());
        assertThat(Integer.parseInt(testId("chart").getDomAttribute("data-points")))
                .isGreaterThan(3);
        assertThat(testId("chart-line").getDomAttribute("d")).contains("L");
        assertNoHorizontalScroll();
        browser.screenshot("owner-app-2-cooling");
        script("document.getElementById('sec-climate').scrollIntoView()");
        browser.screenshot("owner-app-2b-command-steps");
    }

    @Test
    @Order(40)
    void aWeekdaySchedule_readyBy0740_isCreatedInTheOwnersZone_andShowsItsNextRun() {
        script("document.getElementById('sec-schedules').scrollIntoView()");
        testId("schedule-new").click();
        setValue("schedule-time", "07:40");
        testId("preset-weekdays").click();
        setValue("schedule-target", "21");
        assertThat(testId("schedule-zone").getDomProperty("value")).isEqualTo("Europe/Berlin");
        testId("schedule-save").click();

        WebElement row = wait(PATIENCE).until(d -> displayed("schedule-row"));
        assertThat(in(row, "schedule-title").getText()).isEqualTo("Ready by 07:40 on weekdays");
        assertThat(in(row, "schedule-next").getText()).matches("Next: ready by (Mon|Tue|Wed|Thu|Fri)\\b.*07:40.*");
        JsonArray schedules = system.get(alice, "/api/v1/vehicles/" + VIN + "/schedules")
                .json()
                .getJsonArray("schedules");
        assertThat(schedules).hasSize(1);
        JsonObject schedule = schedules.getJsonObject(0);
        assertThat(schedule.getString("timeZone")).isEqualTo("Europe/Berlin");
        assertThat(schedule.getString("readyBy")).isEqualTo("07:40");
        assertThat(schedule.getJsonArray("weekdays"))
                .containsExactly("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY");
        browser.screenshot("owner-app-3-schedule");
    }

    @Test
    @Order(50)
    void theSchedule_isDisabledEditedAndDeleted() {
        testId("schedule-toggle").click();
        wait(PATIENCE).until(d -> read(x -> testId("schedule-next").getText()).equals("Disabled: it will not run."));
        assertThat(onlySchedule().getBoolean("enabled")).isFalse();

        testId("schedule-edit").click();
        setValue("schedule-time", "07:10");
        driver.findElement(By.id("schedule-enabled")).click();
        testId("schedule-save").click();
        wait(PATIENCE).until(d -> read(x -> testId("schedule-title").getText()).equals("Ready by 07:10 on weekdays"));
        assertThat(onlySchedule().getString("readyBy")).isEqualTo("07:10");
        assertThat(onlySchedule().getBoolean("enabled")).isTrue();

        testId("schedule-delete").click();
        wait(PATIENCE).until(ExpectedConditions.alertIsPresent()).accept();
        wait(PATIENCE).until(d -> d.findElements(By.cssSelector("[data-testid=schedule-row]"))
                .isEmpty());
        assertThat(system.get(alice, "/api/v1/vehicles/" + VIN + "/schedules")
                        .json()
                        .getJsonArray("schedules"))
                .isEmpty();
    }

    @Test
    @Order(60)
    void sterilization_withSomeoneInside_isRefused_andTheReasonIsShown() {
        // a mild day, so the occupied car does not also become a hot-cabin emergency
        car.car().setWeather(Weather.shade(20, LocalTime.of(14, 0)));
        car.car().setCabinTemperature(24);
        car.car().setSeat(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(system.get(alice, "/api/v1/vehicles/" + VIN + "/state")
                        .json()
                        .getJsonObject("signals")
                        .getString("Vehicle.Cabin.Seat.Row1.DriverSide.OccupancyStatus"))
                .isEqualTo("OCCUPIED"));
        script("document.getElementById('sec-steri').scrollIntoView()");
        assertThat(testId("steri-start").isEnabled())
                .as("no start before the checklist is confirmed")
                .isFalse();

        List<WebElement> checks = driver.findElements(By.cssSelector("#steri-form [data-check]"));
        assertThat(checks).hasSize(5);
        for (WebElement check : checks) {
            // ticked with the keyboard, as without a mouse
            script("arguments[0].focus()", check);
            check.sendKeys(Keys.SPACE);
        }
        wait(PATIENCE).until(d -> testId("steri-start").isEnabled());
        testId("steri-start").click();

        wait(PATIENCE).until(d -> "REJECTED".equals(status("steri-command")));
        assertThat(read(d -> in(testId("steri-command"), "command-reason").getDomAttribute("data-reason")))
                .isEqualTo("SEAT_OCCUPIED");
        assertThat(read(d -> in(testId("steri-command"), "command-reason").getText()))
                .contains("Seat occupied", "is occupied");
        assertThat(testId("steri-phase").getText()).isEqualTo("Not running.");
        script("document.getElementById('steri-command').scrollIntoView({block: 'end'})");
        browser.screenshot("owner-app-4-sterilization-refused");
        car.car().setSeat(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE, OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
    }

    @Test
    @Order(70)
    void aSterilization_followsItsPhasesLive_andACancelIsShownWithTheCarsReason() {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(system.get(alice, "/api/v1/vehicles/" + VIN + "/state")
                        .json()
                        .getJsonObject("signals")
                        .getString("Vehicle.Cabin.Seat.Row1.DriverSide.OccupancyStatus"))
                .isEqualTo("EMPTY"));
        for (WebElement check : driver.findElements(By.cssSelector("#steri-form [data-check]"))) {
            check.click();
        }
        wait(PATIENCE).until(d -> testId("steri-start").isEnabled());
        testId("steri-start").click();

        wait(PATIENCE).until(d -> "IN_PROGRESS".equals(status("steri-command")));
        wait(PATIENCE).until(d -> List.of("HEATING", "HOLDING")
                .contains(testId("steri-phase").getDomAttribute("data-value")));
        assertThat(read(d -> testId("steri-phases").getText())).contains("Precheck", "Heating", "Holding");
        assertThat(read(d -> testId("steri-phases").getText())).doesNotContain("null");
        script("document.getElementById('steri-command').scrollIntoView({block: 'end'})");
        browser.screenshot("owner-app-5-sterilization-running");
        testId("steri-cancel").click();

        wait(PATIENCE).until(d -> "SUCCEEDED".equals(status("steri-command")));
        wait(PATIENCE)
                .until(d -> "ABORTED".equals(testId("steri-phase").getDomAttribute("data-value"))
                        && testId("steri-phase").getText().contains("CANCELLED"));
        script("document.getElementById('steri-command').scrollIntoView({block: 'end'})");
        browser.screenshot("owner-app-5b-sterilization-cancelled");
    }

    @Test
    @Order(80)
    void aCriticalFatigueAlert_isPushedToTheOwner_andTheResolvedTaskIsRatedInOneTap() {
        car.car().raiseFatigueAlert(FatigueLevel.FATIGUE_LEVEL_CRITICAL, FatigueCause.FATIGUE_CAUSE_EYES_CLOSED);

        WebElement toast = wait(PATIENCE).until(d -> displayed("alert-toast"));
        assertThat(toast.getDomAttribute("data-kind")).isEqualTo("FATIGUE_CRITICAL");
        assertThat(testId("alert-toast-text").getText()).isNotBlank();
        wait(PATIENCE)
                .until(d -> driver.findElements(By.cssSelector("[data-testid=alert][data-kind=FATIGUE_CRITICAL]"))
                                .size()
                        == 1);
        browser.screenshot("owner-app-6-alert");

        // staff call the driver and resolve the task, through the API
        String staff = system.login("staff");
        long taskId = await().atMost(PATIENCE)
                .until(
                        () ->
                                system
                                        .get(staff, "/api/v1/tasks?status=OPEN&vin=" + VIN)
                                        .json()
                                        .getJsonArray("tasks")
                                        .stream()
                                        .map(JsonObject.class::cast)
                                        .filter(t -> t.getString("type").equals("DRIVER_FATIGUE_CRITICAL"))
                                        .map(t -> t.getLong("id"))
                                        .findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        assertThat(system.post(staff, "/api/v1/tasks/" + taskId + "/claim", "").status())
                .isEqualTo(200);
        TestSystem.Reply resolved = system.post(
                staff, "/api/v1/tasks/" + taskId + "/resolve", "{\"outcome\":\"Called Alice, she took a break\"}");
        assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);

        // the owner sees it resolved and rates it in one tap
        testId("alert-toast").findElement(By.id("alert-toast-close")).click();
        script("document.getElementById('sec-service').scrollIntoView()");
        testId("tasks-refresh").click();
        By resolvedTask = By.cssSelector("[data-testid=task][data-task-id='" + taskId + "'][data-status=RESOLVED]");
        assertThat(read(d -> d.findElement(resolvedTask).getText())).contains("Called Alice, she took a break");
        wait(PATIENCE).until(d -> {
            in(d.findElement(resolvedTask), "rate-4").click();
            return true;
        });

        wait(PATIENCE).until(d -> !d.findElements(By.cssSelector("[data-testid=task-rated][data-value='4']"))
                .isEmpty());
        JsonObject mine =
                system.get(alice, "/api/v1/vehicles/" + VIN + "/service-tasks").json().getJsonArray("tasks").stream()
                        .map(JsonObject.class::cast)
                        .filter(t -> t.getLong("id") == taskId)
                        .findFirst()
                        .orElseThrow();
        assertThat(mine.getInteger("rating")).isEqualTo(4);
        browser.screenshot("owner-app-6b-rated");
    }

    @Test
    @Order(90)
    void theOwner_optsOutOfAndBackIntoTheFatigueService() {
        script("document.getElementById('sec-service').scrollIntoView()");
        wait(PATIENCE).until(d -> testId("fatigue-toggle").isSelected());

        testId("fatigue-toggle").click();
        wait(PATIENCE).until(ExpectedConditions.alertIsPresent()).accept();

        wait(PATIENCE).until(d -> testId("fatigue-status").getText().startsWith("Off"));
        assertThat(fatigueOptedIn()).isFalse();
        browser.screenshot("owner-app-7-fatigue-off");
        testId("fatigue-toggle").click();
        wait(PATIENCE).until(d -> testId("fatigue-status").getText().equals("On."));
        assertThat(fatigueOptedIn()).isTrue();
    }

    @Test
    @Order(100)
    void offline_theAppSaysSo_andRecoversWhenTheNetworkIsBack() {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand(
                "Network.emulateNetworkConditions",
                Map.of("offline", true, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
        try {
            testId("tasks-refresh").click();

            wait(PATIENCE)
                    .until(d -> displayed("banner") != null
                            && testId("banner-text").getText().contains("offline"));
            browser.screenshot("owner-app-8-offline");

            // opened again without a network: the shell comes from the service worker's cache and says that the
            // server cannot be reached (a reloaded page is not told it is offline, only its requests fail)
            driver.navigate().refresh();
            wait(PATIENCE)
                    .until(d -> displayed("banner") != null
                            && testId("banner-text").getText().matches("(?s).*(offline|Cannot reach carlink).*"));
            assertThat(testId("cars").isDisplayed())
                    .as("the app's own page, not the browser's offline error")
                    .isTrue();
            assertThat(testId("car-list").getText()).startsWith("Could not load your cars");
            assertThat(script("return navigator.serviceWorker.controller !== null"))
                    .isEqualTo(true);
            browser.screenshot("owner-app-8b-offline-reopened");
        } finally {
            driver.executeCdpCommand(
                    "Network.emulateNetworkConditions",
                    Map.of("offline", false, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
        }
        // back online, the app reads everything again and opens the car it was showing
        wait(PATIENCE).until(d -> testId("car").isDisplayed() && cabin().isPresent());
        wait(PATIENCE).until(d -> !testId("banner").isDisplayed());
    }

    @Test
    @Order(101)
    void aSleepingCar_isShownAsleep_andACommandForItWaitsUntilItWakes() {
        testId("back").click();
        // pushed: the car announced its sleep and left; the row says until when
        WebElement row = wait(PATIENCE).until(d -> carRow(VIN_SLEEPY)
                .filter(r -> "asleep".equals(in(r, "car-row-presence").getDomAttribute("data-value")))
                .orElse(null));
        assertThat(in(row, "car-row-presence").getText()).matches("asleep, wakes by (.* )?\\d\\d:\\d\\d");
        browser.screenshot("owner-app-11-asleep");

        in(row, "car-row-name").click();
        WebElement note = wait(PATIENCE).until(d -> displayed("car-asleep"));
        assertThat(note.getText()).contains("asleep to save its battery", "checks in by");
        assertThat(testId("car-presence").getDomAttribute("data-value")).isEqualTo("asleep");
        setValue("climate-target", "21");
        setValue("climate-duration", "20");
        testId("climate-start").click();

        wait(PATIENCE).until(d -> "QUEUED".equals(status("climate-command")));
        assertThat(read(d -> testId("command-meaning").getText()))
                .startsWith("Waiting for the car to wake up: it checks in by");
        assertThat(sleepy.isAsleep()).isTrue();
        browser.screenshot("owner-app-11b-waiting-for-the-car");

        // Alice gets to the car and opens it: it wakes at once, connects, takes the command and answers; the
        // page follows without a reload
        SimulatedCar parked = sleepy.car();
        parked.unlockDoor(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE);
        parked.openDoor(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE);
        wait(PATIENCE).until(d -> "SUCCEEDED".equals(status("climate-command")));
        wait(PATIENCE).until(d -> "online".equals(testId("car-presence").getDomAttribute("data-value")));
        assertThat(testId("car-asleep").isDisplayed()).isFalse();
        assertThat(stepsOf("climate-command")).contains("QUEUED", "SUCCEEDED");
        parked.closeDoor(CabinPosition.CABIN_POSITION_ROW1_DRIVER_SIDE);
        parked.lockAllDoors();
    }

    @Test
    @Order(102)
    void aHotCabinWithAChildInside_alertsTheOwnerAtOnce() {
        SimulatedCar inside = sleepy.car();
        inside.setChildPresence(ChildPresence.CHILD_PRESENCE_DETECTED);
        inside.setSeat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_OCCUPIED);
        inside.setCabinTemperature(48);

        WebElement toast = wait(PATIENCE).until(d -> displayed("alert-toast"));
        assertThat(toast.getDomAttribute("data-kind")).isEqualTo("HOT_CABIN");
        assertThat(testId("alert-toast-text").getText())
                .contains("someone seems to be inside", "Please go to the car now");
        wait(PATIENCE)
                .until(d -> driver.findElements(By.cssSelector("[data-testid=alert][data-kind=HOT_CABIN]"))
                                .size()
                        == 1);
        browser.screenshot("owner-app-12-hot-cabin-alert");
        testId("alert-toast").findElement(By.id("alert-toast-close")).click();

        inside.setChildPresence(ChildPresence.CHILD_PRESENCE_NOT_DETECTED);
        inside.setSeat(CabinPosition.CABIN_POSITION_ROW2_MIDDLE, OccupancyStatus.OCCUPANCY_STATUS_EMPTY);
    }

    @Test
    @Order(103)
    void aCommandForACarThatNeverConnects_expires_andTheAppSaysItWasNeverSent() {
        TestSystem.Reply created = system.post(
                alice,
                "/api/v1/vehicles/" + VIN_PARKED + "/commands",
                "{\"type\":\"CLIMATE_START\",\"targetTemperatureC\":21,\"deliverWithinSeconds\":10}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        driver.get(system.api("/app/#/car/" + VIN_PARKED));
        wait(PATIENCE).until(d -> "QUEUED".equals(status("climate-command")));
        assertThat(read(d -> testId("command-meaning").getText()))
                .isEqualTo("Waiting to be sent to the car (it is sent as soon as the car is connected)");

        wait(PATIENCE).until(d -> "EXPIRED".equals(status("climate-command")));
        assertThat(read(d -> testId("command-meaning").getText()))
                .isEqualTo("Expired: the car did not connect in time, so it was never sent");
        assertThat(stepsOf("climate-command")).containsExactly("QUEUED", "EXPIRED");
        script("document.getElementById('sec-climate').scrollIntoView()");
        browser.screenshot("owner-app-13-expired");
    }

    @Test
    @Order(104)
    void aCommandTheCarNeverAnswers_timesOut_andIsNeverShownAsDone() {
        car.faults().ignoreCommands(true);
        try {
            driver.get(system.api("/app/#/car/" + VIN));
            wait(PATIENCE).until(d -> cabin().orElse(null));
            setValue("climate-target", "23");
            setValue("climate-duration", "10");
            testId("climate-start").click();

            wait(PATIENCE).until(d -> "TIMED_OUT".equals(status("climate-command")));
            assertThat(read(d -> testId("command-meaning").getText()))
                    .isEqualTo(
                            "No answer from the car in time: it may have succeeded; the answer is shown if it arrives");
            assertThat(stepsOf("climate-command")).contains("SENT").doesNotContain("SUCCEEDED");
            assertThat(testId("climate-command").getText()).doesNotContain("Done");
            script("document.getElementById('sec-climate').scrollIntoView()");
            browser.screenshot("owner-app-14-timed-out");
        } finally {
            car.faults().ignoreCommands(false);
        }
    }

    @Test
    @Order(110)
    void anExpiredSession_returnsToSignIn_withAClearMessage() {
        script("const s = JSON.parse(localStorage.getItem('carlink.app.session'));"
                + "s.token = 'no-longer-valid'; localStorage.setItem('carlink.app.session', JSON.stringify(s));");

        driver.navigate().refresh();

        WebElement error = wait(PATIENCE).until(d -> displayed("login-error"));
        assertThat(error.getText()).isEqualTo("Your session has expired. Please sign in again.");
        assertThat(script("return localStorage.getItem('carlink.app.session')")).isNull();
        assertThat(driver.findElement(By.id("login-username")).getDomProperty("value"))
                .isEqualTo("alice");
        browser.screenshot("owner-app-9-session-expired");
    }

    @Test
    @Order(120)
    void onADesktopWindow_theSameAppUsesTwoColumns() {
        driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", 1280, "height", 900, "deviceScaleFactor", 1, "mobile", false));
        // a link straight to the car: after signing in, the app opens it
        driver.get(system.api("/app/#/car/" + VIN));
        signIn("alice", "alice-test-pass");
        wait(PATIENCE).until(d -> cabin().orElse(null));
        assertThat(driver.findElement(By.id("sec-climate")).getRect().getX())
                .isGreaterThan(driver.findElement(By.id("sec-now")).getRect().getX());
        assertNoHorizontalScroll();
        browser.screenshot("owner-app-10-desktop");
    }

    @Test
    @Order(124)
    void signingOutEverywhereFromAnotherDevice_returnsThisPageToSignIn_saySo() {
        wait(PATIENCE).until(d -> displayed("logout"));
        String another = system.login("alice");

        assertThat(system.post(another, "/api/v1/auth/logout?everywhere=true", "")
                        .status())
                .isEqualTo(204);

        // the page's live stream ends with its session, and the page says why at once
        WebElement error = wait(PATIENCE).until(d -> displayed("login-error"));
        assertThat(error.getText())
                .isEqualTo("This session was signed out, here or on another device. Please sign in again.");
        assertThat(script("return localStorage.getItem('carlink.app.session')")).isNull();
        browser.screenshot("owner-app-15-signed-out-elsewhere");
        alice = system.login("alice");
    }

    @Test
    @Order(126)
    void theSignOutButton_endsTheSessionOnTheServerToo() {
        signIn("alice", "alice-test-pass");
        WebElement signOut = wait(PATIENCE).until(d -> displayed("logout"));
        String token = (String) script("return JSON.parse(localStorage.getItem('carlink.app.session')).token");
        assertThat(system.get(token, "/api/v1/vehicles").status()).isEqualTo(200);

        signOut.click();

        wait(PATIENCE).until(d -> displayedById("login-username"));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                        system.get(token, "/api/v1/vehicles").status())
                .as("the token of the signed-out page")
                .isEqualTo(401));
    }

    @Test
    @Order(130)
    void thePage_threwNoScriptError() {
        assertThat(browser.consoleLog()).noneMatch(line -> line.contains("Uncaught"));
    }

    // ------------------------------------------------------------------ helpers

    private static JsonObject onlySchedule() {
        JsonArray schedules = system.get(alice, "/api/v1/vehicles/" + VIN + "/schedules")
                .json()
                .getJsonArray("schedules");
        assertThat(schedules).hasSize(1);
        return schedules.getJsonObject(0);
    }

    private static boolean fatigueOptedIn() {
        return system.get(alice, "/api/v1/vehicles/" + VIN + "/fatigue-service")
                .json()
                .getBoolean("optedIn");
    }

    private static void signIn(String username, String password) {
        WebElement user = wait(PATIENCE).until(d -> displayedById("login-username"));
        user.clear();
        user.sendKeys(username);
        WebElement pass = driver.findElement(By.id("login-password"));
        pass.clear();
        pass.sendKeys(password, Keys.ENTER);
    }

    /** A text or attribute of elements that are redrawn on every push: read again until it is there. */
    private static String read(java.util.function.Function<WebDriver, String> what) {
        return wait(PATIENCE).until(what);
    }

    private static FluentWait<WebDriver> wait(Duration patience) {
        return new WebDriverWait(driver, patience).ignoring(StaleElementReferenceException.class);
    }

    private static WebElement displayedById(String id) {
        List<WebElement> found = driver.findElements(By.id(id));
        return !found.isEmpty() && found.get(0).isDisplayed() ? found.get(0) : null;
    }

    private static WebElement displayed(String testId) {
        return driver.findElements(By.cssSelector("[data-testid='" + testId + "']")).stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElse(null);
    }

    private static WebElement testId(String id) {
        return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
    }

    private static WebElement in(WebElement scope, String id) {
        return scope.findElement(By.cssSelector("[data-testid='" + id + "']"));
    }

    private static Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    private static void setValue(String testId, String value) {
        WebElement input = testId(testId);
        input.clear();
        script("arguments[0].value = arguments[1]", input, value);
    }

    private static Optional<WebElement> carRow(String vin) {
        return driver.findElements(By.cssSelector("[data-testid=car-row][data-vin='" + vin + "']")).stream()
                .findFirst();
    }

    /** The cabin temperature on screen, when there is one. */
    private static Optional<Double> cabin() {
        List<WebElement> found = driver.findElements(By.cssSelector("[data-testid=fact-cabin]"));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String value = found.get(0).getDomAttribute("data-value");
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(Double.parseDouble(value));
    }

    /** The status of the command card in a section. */
    private static String status(String section) {
        List<WebElement> cards = testId(section).findElements(By.cssSelector("[data-testid=command]"));
        return cards.isEmpty() ? "" : cards.get(0).getDomAttribute("data-status");
    }

    private static List<String> stepsOf(String section) {
        return testId(section).findElements(By.cssSelector("[data-testid=command-step]")).stream()
                .map(s -> s.getDomAttribute("data-status"))
                .toList();
    }

    private static void assertNoHorizontalScroll() {
        Number overflow =
                (Number) script("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow.intValue()).as("the page fits the screen's width").isLessThanOrEqualTo(0);
    }
}
