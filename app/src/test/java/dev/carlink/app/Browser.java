package dev.carlink.app;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, both installed when missing. The driver's path
 * is given explicitly, so Selenium Manager never looks for (or downloads) a driver or a browser.
 */
final class Browser implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Browser.class);

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path output;
    private final List<String> consoleLog = new ArrayList<>();
    private final String name;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path output, String name) {
        this.service = service;
        this.driver = driver;
        this.output = output;
        this.name = name;
    }

    /** Starts a 1440x900 headless browser; screenshots and logs go to {@code output}. */
    static Browser start(Path output) {
        return start(output, "staff-console", 1440, 900);
    }

    /**
     * Starts a headless browser with a window of {@code width} x {@code height}; screenshots go to {@code output},
     * and its logs as {@code <name>-chromedriver.log} and {@code <name>-browser.log}.
     */
    static Browser start(Path output, String name, int width, int height) {
        DebianPackage.require("chromium", CHROMIUM);
        DebianPackage.require("chromium-driver", CHROMEDRIVER);
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(output.resolve(name + "-chromedriver.log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height,
                "--lang=en-GB");
        // the page's console messages, read back with logs()
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(service, driver, output, name);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Saves a PNG of the window as {@code output/<name>.png}. */
    Path screenshot(String name) {
        Path file = output.resolve(name + ".png");
        try {
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            log.info("screenshot [file: {}]", file.toAbsolutePath());
        } catch (IOException | WebDriverException e) {
            log.warn("no screenshot [name: {}, cause: {}]", name, e.toString());
        }
        return file;
    }

    /** The page's console messages so far (each read drains the browser's buffer, so they are kept here). */
    List<String> consoleLog() {
        try {
            for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
                consoleLog.add(
                        Instant.ofEpochMilli(entry.getTimestamp()) + " " + entry.getLevel() + " " + entry.getMessage());
            }
        } catch (WebDriverException | UnsupportedOperationException e) {
            log.debug("browser console log not readable [cause: {}]", e.toString());
        }
        return List.copyOf(consoleLog);
    }

    @Override
    public void close() {
        try {
            List<String> lines = consoleLog();
            Files.write(output.resolve(name + "-browser.log"), lines);
        } catch (IOException | WebDriverException e) {
            log.warn("browser console log not saved [cause: {}]", e.toString());
        }
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
