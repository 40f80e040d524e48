package org.trustquorum.sim.view;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.trustquorum.sim.json.Json;

/**
 * Debian's headless Chromium driven through chromedriver with plain WebDriver calls over HTTP
 * (no Selenium). {@link #ensureInstalled} installs the two packages with apt-get when they are
 * missing and says why when that is impossible.
 */
final class Chromium implements AutoCloseable {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String session;

    /**
     * Null when chromium and chromedriver are there (installed now if needed), else why they cannot
     * be. {@code apt-get install} runs first, {@code apt-get update} only if that fails.
     */
    static String ensureInstalled() {
        if (installed()) {
            return null;
        }
        StringBuilder why = new StringBuilder();
        for (List<String> cmd : List.of(
                List.of("apt-get", "install", "-y", "chromium", "chromium-driver"),
                List.of("apt-get", "update"),
                List.of("apt-get", "install", "-y", "chromium", "chromium-driver"))) {
            String r = runQuietly(cmd, 600);
            if (r != null) {
                why.append(String.join(" ", cmd)).append(": ").append(r).append("; ");
            }
            if (installed()) {
                return null;
            }
        }
        return "Debian chromium and chromium-driver are not installed and could not be installed (" + why + ")";
    }

    private static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    /** Runs a command; null if it exited 0, else what went wrong. */
    private static String runQuietly(List<String> cmd, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out after " + timeoutSeconds + " s";
            }
            return p.exitValue() == 0 ? null : "exit " + p.exitValue();
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Starts chromedriver on a free port and opens a headless browser session. */
    Chromium(Path profileDir, int width, int height) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(DRIVER.toString(), "--port=" + port).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        base = "http://127.0.0.1:" + port;
        try {
            waitUntilReady();
            List<Object> args = new ArrayList<>(List.of("--headless", "--no-sandbox", "--disable-gpu",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                    "--user-data-dir=" + profileDir.toAbsolutePath(), "--window-size=" + width + "," + height));
            Map<String, Object> chrome = new LinkedHashMap<>();
            chrome.put("binary", BROWSER.toString());
            chrome.put("args", args);
            Map<String, Object> always = new LinkedHashMap<>();
            always.put("browserName", "chrome");
            always.put("goog:chromeOptions", chrome);
            Map<String, Object> caps = Map.of("capabilities", Map.of("alwaysMatch", always));
            Map<?, ?> v = (Map<?, ?>) call("POST", "/session", caps);
            session = (String) v.get("sessionId");
        } catch (IOException | InterruptedException | RuntimeException e) {
            driver.destroyForcibly();
            throw e;
        }
    }

    private void waitUntilReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                Map<?, ?> v = (Map<?, ?>) call("GET", "/status", null);
                if (Boolean.TRUE.equals(v.get("ready"))) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("chromedriver did not start: " + e.getMessage(), e);
                }
            }
            if (!driver.isAlive()) {
                throw new IOException("chromedriver exited with " + driver.exitValue());
            }
            Thread.sleep(100);
        }
    }

    /** One WebDriver command; returns its "value". */
    private Object call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8");
        if (method.equals("GET")) {
            b.GET();
        } else if (method.equals("DELETE")) {
            b.DELETE();
        } else {
            b.POST(HttpRequest.BodyPublishers.ofString(body == null ? "{}" : Json.writeCompact(body),
                    StandardCharsets.UTF_8));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Object parsed = Json.parse(r.body());
        Object value = parsed instanceof Map<?, ?> m ? m.get("value") : null;
        if (r.statusCode() != 200) {
            throw new IOException("WebDriver " + method + " " + path + " failed (" + r.statusCode() + "): "
                    + (value instanceof Map<?, ?> e ? e.get("message") : r.body()));
        }
        return value;
    }

    private String s(String path) {
        return "/session/" + session + path;
    }

    void open(URI uri) throws IOException, InterruptedException {
        call("POST", s("/url"), Map.of("url", uri.toString()));
    }

    /** Runs a script in the page ({@code return ...}); returns its JSON result. */
    Object script(String js, Object... args) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", js);
        body.put("args", List.of(args));
        return call("POST", s("/execute/sync"), body);
    }

    /** Polls a script until it returns true (or the time is up). */
    void waitFor(String js, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Boolean.TRUE.equals(script(js))) {
            if (System.nanoTime() > deadline) {
                throw new IOException("timed out waiting for: " + js);
            }
            Thread.sleep(50);
        }
    }

    /** The WebDriver id of the first element matching a CSS selector. */
    String find(String css) throws IOException, InterruptedException {
        Map<?, ?> v = (Map<?, ?>) call("POST", s("/element"), Map.of("using", "css selector", "value", css));
        return (String) v.get(ELEMENT);
    }

    /** A real click in the middle of the element. */
    void click(String element) throws IOException, InterruptedException {
        call("POST", s("/element/" + element + "/click"), Map.of());
    }

    void type(String element, String text) throws IOException, InterruptedException {
        call("POST", s("/element/" + element + "/value"), Map.of("text", text));
    }

    String text(String element) throws IOException, InterruptedException {
        return (String) call("GET", s("/element/" + element + "/text"), null);
    }

    byte[] screenshot() throws IOException, InterruptedException {
        return Base64.getDecoder().decode((String) call("GET", s("/screenshot"), null));
    }

    @Override
    public void close() {
        try {
            call("DELETE", s(""), null);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the driver goes away below anyway
        }
        driver.descendants().forEach(ProcessHandle::destroyForcibly);
        driver.destroyForcibly();
        try {
            driver.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
