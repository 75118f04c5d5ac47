package app.kindred.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver: both paths are given, so Selenium
 * Manager has nothing to find and nothing is downloaded. For the journeys page scripts are switched
 * off by a content setting, as for a member with JavaScript off. axe is itself a script that waits
 * on the page's timers, which that setting stops, so the scans run in a second browser with scripts
 * on; our pages carry no script of their own, so both browsers see the same page.
 *
 * <p>Public so the federation tests drive two instances' pages with the same setup.
 */
public final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium", CHROMEDRIVER = "/usr/bin/chromedriver";
    static final List<String> WCAG_TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    public final ChromeDriver driver;
    private final String base;

    /** @param scripts whether page scripts run: off for the journeys, on only where axe must run inside the page */
    public Browser(String base, boolean scripts) {
        this.base = base;
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,900",
                "--lang=en-GB",
                "--no-first-run",
                "--disable-extensions");
        if (!scripts)
            options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        var service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(PATIENCE);
        driver.manage().timeouts().scriptTimeout(PATIENCE);
    }

    public void open(String path) {
        driver.get(base + path);
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Clicks something that loads a new page, and waits until the old one is gone and the new one is ready. */
    public void clickAndLoad(WebElement element) {
        var old = driver.findElement(By.tagName("html"));
        element.click();
        waitUntil(d -> gone(old));
        waitUntil(d -> d.findElement(By.tagName("footer")) != null);
    }

    /**
     * Whether an element's page has been replaced. Mid-navigation chromedriver may report the node as
     * "not belonging to the document" instead of stale: the same fact, said by DevTools.
     */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (WebDriverException e) {
            var message = String.valueOf(e.getMessage());
            if (message.contains("does not belong to the document") || message.contains("No node with given id"))
                return true;
            throw e;
        }
    }

    public <T> T waitUntil(Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, PATIENCE).until(condition);
    }

    public void type(String css, String text) {
        var field = find(css);
        field.clear();
        field.sendKeys(text);
    }

    /** Signs in through the login form, as a member does, and waits for the page it leads to. */
    public void signIn(String name, String password) {
        open("/login");
        type("#username", name);
        type("#password", password);
        clickAndLoad(find("form[action='/login'] button[type=submit]"));
    }

    /** Collects, page by page, axe's violations and any page wider than 320 px, for one assertion at the end. */
    public Findings findings() {
        return new Findings(this, true);
    }

    /** Collects axe's violations only, for pages whose width another test already checks. */
    public Findings axeFindings() {
        return new Findings(this, false);
    }

    /**
     * What a scanning browser (scripts on) found wrong on the pages it was shown; gathered rather than
     * asserted one by one so that a failure lists every page at once.
     */
    public static final class Findings {
        private final Browser scanner;
        private final boolean width;
        private final List<String> failures = new ArrayList<>();

        private Findings(Browser scanner, boolean width) {
            this.scanner = scanner;
            this.width = width;
        }

        /** Opens the page and checks it. */
        public void scan(String path) {
            scanner.open(path);
            check(path);
        }

        /** Checks the page as it is now (a form with problems, a preview), named by what. */
        public void check(String what) {
            var found = scanner.violations();
            if (!found.isEmpty()) failures.add(what + ":\n" + found);
            // 320 CSS pixels: a small phone, or a 640 px window at 200% zoom; nothing may need sideways scrolling.
            if (width && !scanner.fitsWidth(320)) failures.add(what + ": wider than 320 px");
        }

        public void assertNone() {
            assertEquals(List.of(), failures, String.join("\n", failures));
        }
    }

    /** axe's WCAG 2.2 AA rules on the page as it is; the violations, described for a failure message. */
    public String violations() {
        var results = new AxeBuilder().withTags(WCAG_TAGS).analyze(driver);
        // Zero violations means something only if axe looked: it must also report rules that passed.
        if (results.isErrored()
                || results.getPasses() == null
                || results.getPasses().isEmpty()) {
            throw new AssertionError("axe did not run on " + driver.getCurrentUrl() + ": " + results.getErrorMessage());
        }
        List<Rule> violations = results.getViolations();
        return violations.stream()
                .map(v -> v.getId() + ": " + v.getHelp() + " at "
                        + v.getNodes().stream()
                                .map(n -> String.valueOf(n.getTarget()))
                                .collect(Collectors.joining(", ")))
                .collect(Collectors.joining("\n"));
    }

    /** Emulates the system's dark (or light) preference, as a phone in night mode would ask for it. */
    void darkScheme(boolean dark) {
        driver.executeCdpCommand(
                "Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
    }

    /** Whether the page fits a screen this many CSS pixels wide without scrolling sideways (needs scripts on). */
    public boolean fitsWidth(int width) {
        driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", 800, "deviceScaleFactor", 1, "mobile", true));
        try {
            var scrollWidth = ((Number) driver.executeScript("return document.documentElement.scrollWidth")).intValue();
            return scrollWidth <= width;
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** The whole page (not just the window) at this width, saved under target/screenshots/. */
    public void screenshot(String name, int width) {
        driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", 900, "deviceScaleFactor", 1, "mobile", width < 600));
        try {
            @SuppressWarnings("unchecked")
            var metrics = (Map<String, Object>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            @SuppressWarnings("unchecked")
            var size = (Map<String, Object>) metrics.get("cssContentSize");
            var height = Math.min(6000, ((Number) size.get("height")).intValue());
            var shot = driver.executeCdpCommand(
                    "Page.captureScreenshot",
                    Map.of(
                            "format",
                            "png",
                            "captureBeyondViewport",
                            true,
                            "clip",
                            Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
            var dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Files.write(
                    dir.resolve(name + "-" + width + ".png"),
                    Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** Closes each part that was started, in the order given: the browsers before the server they look at. */
    public static void closeAll(AutoCloseable... parts) throws Exception {
        for (var part : parts) if (part != null) part.close();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
