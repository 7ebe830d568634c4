"""The web console in a real browser (Chromium through Selenium), against a real `squawk serve`
on the built-in simulator and a loopback receiver. Run by scripts/console-browser.sh.

Checks: sign-in as a tenant, a subscription created through the form (dry run first), a test
event arriving at the receiver, the delivery and its attempt on the detail pages, redelivery,
the live map and SSE feed, another tenant seeing none of it, a forged cross-site form refused,
the admin's keys page. Screenshots of each page go to $SCREENSHOTS.
"""
import json, os, re, socket, subprocess, sys, tempfile, threading, time, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

SQUAWK = os.path.abspath(sys.argv[1])
SHOTS = os.environ.get("SCREENSHOTS", ".build/console-screenshots")
ADMIN = "sqk_browser_admin_key_0123456789"
os.makedirs(SHOTS, exist_ok=True)


def wait(what, condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            value = condition()
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.25)
    raise AssertionError("timed out waiting for " + what)


class Received:
    lock = threading.Lock()
    posts = []  # (webhook-id, type)


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            kind = json.loads(body).get("type")
        except Exception:
            kind = None
        with Received.lock:
            Received.posts.append((self.headers.get("webhook-id"), kind))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class Forge(BaseHTTPRequestHandler):
    """Another site's page whose form posts to the console as soon as it loads."""
    target = ""
    confirm = ""

    def do_GET(self):
        page = ('<!doctype html><body><form id="f" method="post" action="%s"><input name="confirm" value="%s">'
                '<input name="_csrf" value="guessed"></form><script>document.getElementById("f").submit()</script></body>'
                % (Forge.target, Forge.confirm))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(page.encode())

    def log_message(self, *args):
        pass


def serve_in_thread(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def api(method, url, key, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def main():
    receiver = serve_in_thread(Hook)
    forge = serve_in_thread(Forge)
    workdir = tempfile.mkdtemp(prefix="squawk-console-")
    log = open(os.path.join(workdir, "serve.log"), "w+")
    serve = subprocess.Popen([SQUAWK, "serve", "--port", "0", "--db", os.path.join(workdir, "squawk.sqlite"),
                              "--set", "api.admin_key=\"%s\"" % ADMIN, "--set", "metrics.listen=\"\""],
                             stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
    driver = None
    try:
        def listening():
            log.seek(0)
            m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", log.read())
            return m and m.group(1)
        base = wait("squawk serve to listen", listening)
        console = base + "/console"
        _, a = api("POST", base + "/v1/keys", ADMIN, {"name": "tenant A"})
        _, b = api("POST", base + "/v1/keys", ADMIN, {"name": "tenant B"})

        options = webdriver.ChromeOptions()
        for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1200,900",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-default-apps",
                    "--disable-sync", "--metrics-recording-only", "--password-store=basic"]:
            options.add_argument(arg)
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        driver = webdriver.Chrome(service=Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
        driver.set_page_load_timeout(30)
        css = lambda sel: driver.find_element(By.CSS_SELECTOR, sel)
        all_css = lambda sel: driver.find_elements(By.CSS_SELECTOR, sel)
        shot = lambda name: driver.save_screenshot(os.path.join(SHOTS, name + ".png"))

        def sign_in(key):
            driver.get(console)
            assert driver.current_url.endswith("/console/signin"), driver.current_url
            css("#key").send_keys(key)
            css("#signin").click()
            wait("the overview", lambda: "Overview" in driver.title)

        # Tenant A signs in and creates a subscription through the form, dry run first.
        driver.get(console)
        shot("signin")
        sign_in(a["key"])
        shot("overview")
        css("a[href$='/console/subscriptions']").click()
        css("#new-subscription").click()
        css("#targetKind option[value='server']").click()
        css("#targetId").send_keys("Expert Server")
        css("input[name='events'][value='flight.takeoff']").click()
        css("input[name='events'][value='flight.landing']").click()
        css("#notifyEndpoint").send_keys("http://127.0.0.1:%d/hook" % receiver.server_port)
        css("#check").click()
        dry = wait("the dry run's answer", lambda: css("#dry-run").text)
        assert "every flight on Expert Server" in dry and "flight.takeoff" in dry, dry
        shot("subscription-form")
        css("#save").click()
        secret = wait("the secret, shown once", lambda: css("#shown-secret").text)
        assert secret.startswith("whsec_"), secret
        sub_url = driver.current_url
        sub_id = sub_url.rsplit("/", 1)[1]
        assert sub_id.startswith("sub_"), sub_url

        # A test event reaches the receiver; the delivery and its attempt show on the pages.
        css("#send-test").click()
        wait("the test event at the receiver", lambda: any(t == "subscription.test" for _, t in Received.posts))
        test_id = next(i for i, t in Received.posts if t == "subscription.test")

        def delivered_test_row():
            driver.get(sub_url + "?status=delivered")
            rows = all_css("tr.delivery.delivered a")
            return rows and rows[0].get_attribute("href")
        delivery_url = wait("the delivered test event in the log", delivered_test_row)
        shot("subscription")
        driver.get(delivery_url)
        attempt = css("tr.attempt").text
        assert "HTTP 204" in attempt, attempt
        assert "subscription.test" in css("#payload").text
        shot("delivery")
        before = sum(1 for i, _ in Received.posts if i == test_id)
        css("#redeliver").click()
        assert "again" in wait("the redeliver message", lambda: css("#flash").text)
        wait("the redelivery at the receiver", lambda: sum(1 for i, _ in Received.posts if i == test_id) > before)

        # Live: the simulator's flights on the map, detected events in the feed.
        def live_flights():
            driver.get(console + "/live")
            return int(css("#flight-count").text) > 0 and all_css("svg.map g.flight")
        wait("flights on the live map", live_flights, seconds=90)
        wait("events in the live feed", lambda: all_css("#feed li.event"), seconds=90)
        shot("live")

        # A forged form from another site (localhost is not 127.0.0.1) is refused; nothing is deleted.
        Forge.target = console + "/subscriptions/%s/delete" % sub_id
        Forge.confirm = sub_id
        driver.get("http://localhost:%d/forge.html" % forge.server_port)
        wait("the refusal", lambda: "Refused" in driver.title)
        status, _ = api("GET", base + "/v1/subscriptions/" + sub_id, a["key"])
        assert status == 200, "the forged post deleted the subscription"

        # Tenant B sees none of A's data.
        driver.get(console)
        css("#signout").click()
        sign_in(b["key"])
        driver.get(console + "/subscriptions")
        assert all_css("#no-subscriptions"), "tenant B sees subscriptions"
        assert sub_id not in driver.page_source
        driver.get(sub_url)
        assert "not found" in css("#message").text, css("#message").text
        driver.get(delivery_url)
        assert "not found" in css("#message").text
        assert not all_css("a[href$='/console/keys']"), "a tenant sees the keys page link"
        css("#signout").click()

        # The admin manages keys.
        sign_in(ADMIN)
        driver.get(console + "/keys")
        css("#key-name").send_keys("from the browser")
        css("#create-key").click()
        key = wait("the new key, shown once", lambda: css("#shown-secret").text)
        assert key.startswith("sqk_"), key
        shot("keys")
        # The admin looks at tenant A's subscriptions.
        driver.get(console + "/subscriptions")
        assert sub_id not in driver.page_source, "the admin's own list"
        css("#tenant option[value='%s']" % a["id"]).click()  # the select submits itself
        wait("tenant A's subscriptions", lambda: sub_id in driver.page_source and css("#viewing").text == "tenant A")
        # The admin's own overview counts every tenant's deliveries (A's test event and its redelivery).
        css("#tenant option[value='']").click()
        wait("the admin's own list again", lambda: sub_id not in driver.page_source)
        driver.get(console)
        delivered = int(re.search(r"(\d+) delivered", css("p.legend").text).group(1))
        assert delivered >= 2, css("p.legend").text
        print("console browser test: passed (%d webhooks received; screenshots in %s)" % (len(Received.posts), SHOTS))
    finally:
        if driver:
            driver.quit()
        serve.terminate()
        serve.wait(timeout=30)


if __name__ == "__main__":
    main()
