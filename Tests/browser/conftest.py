"""Browser tests for Yiwei: fixtures that start the real server and drive headless Chromium.

The server is the built binary (`.build/debug/yiwei`, or `$YIWEI_BINARY`), started once per test
session on a free loopback port with a fresh data directory (SQLite). Chromium and its driver are
Debian's (`chromium`, `chromium-driver`); nothing is downloaded at run time.

Screenshots of each main step go to `$YIWEI_SCREENSHOT_DIR`, or to a new temporary folder whose
path is printed at the end of the run. They are for looking at, never committed.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
# Not "Yw#Admin2026x": the password policy refuses any password that contains the username ("admin").
ADMIN_PASSWORD = "Yw#Chief2026x"
# The built-in security administrator (三员分立: grants the auditor role).
SECURITY_PASSWORD = "Yw#Guard2026x"
DESKTOP = (1366, 768)
PHONE = (390, 844)
CHROMEDRIVER = os.environ.get("YIWEI_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROMIUM = os.environ.get("YIWEI_CHROMIUM", "/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base_url: str, process: subprocess.Popen, log_path: Path):
        self.base_url = base_url
        self.process = process
        self.log_path = log_path

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    binary = Path(os.environ.get("YIWEI_BINARY", REPO / ".build" / "debug" / "yiwei"))
    if not os.access(binary, os.X_OK):
        pytest.fail(f"server binary not found at {binary}: build it first (swift build)")
    data_dir = tmp_path_factory.mktemp("yiwei-data")
    log_path = data_dir / "server.log"
    port = _free_port()
    env = dict(os.environ)
    # The browser suite always runs on its own SQLite file, whatever the shell has set.
    env.pop("YIWEI_DATABASE_URL", None)
    env.update({
        "YIWEI_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "YIWEI_SECURITY_PASSWORD": SECURITY_PASSWORD,
        "YIWEI_BCRYPT_COST": "4",
        "YIWEI_LOG_LEVEL": env.get("YIWEI_LOG_LEVEL", "notice"),
    })
    log = open(log_path, "wb")
    # Started from the data directory, not the repo: the server must find its own templates.
    process = subprocess.Popen(
        [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)],
        cwd=data_dir, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    srv = Server(base, process, log_path)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode} before answering /healthz:\n{srv.log_tail()}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"server did not answer /healthz within 60 s:\n{srv.log_tail()}")
        time.sleep(0.2)
    yield srv
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


@pytest.fixture(scope="session")
def shots_dir():
    configured = os.environ.get("YIWEI_SCREENSHOT_DIR")
    path = Path(configured) if configured else Path(tempfile.mkdtemp(prefix="yiwei-screenshots-"))
    path.mkdir(parents=True, exist_ok=True)
    yield path
    print(f"\nscreenshots: {path}")


def _make_driver(size):
    if not os.access(CHROMEDRIVER, os.X_OK) or not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium or its driver missing ({CHROMIUM}, {CHROMEDRIVER}): apt-get install chromium chromium-driver fonts-noto-cjk")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={size[0]},{size[1]}", "--lang=zh-CN", "--password-store=basic",
                "--disable-features=PasswordLeakDetection,PasswordCheck"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {
        "intl.accept_languages": "zh-CN,zh",
        "credentials_enable_service": False,
        "profile.password_manager_enabled": False,
    })
    driver = webdriver.Chrome(options=opts, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    # Headless Chromium will not make a window narrower than 500 px, so --window-size alone gives
    # no phone: pin the viewport itself (and mobile behaviour for the phone) instead.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": size[0] < 600,
    })
    return driver


class Browser:
    """A thin helper around one WebDriver: page URLs, forms, waits and named screenshots."""

    def __init__(self, driver, server: Server, shots: Path, prefix: str, size):
        self.driver = driver
        self.size = size
        self.server = server
        self.shots = shots
        self.prefix = prefix
        self.step = 0

    # Navigation and reading
    def get(self, path: str):
        self.driver.get(self.server.url(path))

    @property
    def path(self) -> str:
        url = self.driver.current_url
        rest = url[len(self.server.base_url):] if url.startswith(self.server.base_url) else url
        return rest.split("?")[0].split("#")[0] or "/"

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str = "body") -> str:
        return self.find(css).text

    def wait(self, condition, timeout: float = 10):
        return WebDriverWait(self.driver, timeout).until(condition)

    def wait_path(self, path: str, timeout: float = 10):
        try:
            self.wait(lambda d: self.path == path, timeout)
        except Exception:
            raise AssertionError(f"expected to reach {path}, still at {self.path}:\n{self.text()[:800]}")

    def wait_visible(self, css: str, timeout: float = 10):
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), timeout)

    # Forms
    def fill(self, name: str, value: str):
        field = self.find(f'[name="{name}"]')
        field.clear()
        field.send_keys(value)

    def select(self, name: str, visible_text: str):
        from selenium.webdriver.support.ui import Select
        Select(self.find(f'select[name="{name}"]')).select_by_visible_text(visible_text)

    def submit(self, form_css: str = "main form.form"):
        """Clicks the form's submit button and waits for the next page to load."""
        self.click_and_wait_for_page(self.find(f'{form_css} button[type="submit"]'))

    def click_and_wait_for_page(self, element, timeout: float = 15):
        """Clicks, then waits until a new document has loaded. A marker on `window` tells the old page
        from the new one (chromedriver's stale-element checks race with navigation and may raise
        "Node with given id does not belong to the document")."""
        self.driver.execute_script("window.__yiweiOldPage = true;")
        element.click()

        def loaded(driver):
            try:
                return driver.execute_script(
                    "return window.__yiweiOldPage === undefined && document.readyState === 'complete';")
            except WebDriverException:
                return False  # mid-navigation
        self.wait(loaded, timeout)

    # Evidence
    def shot(self, name: str):
        self.step += 1
        self.driver.save_screenshot(str(self.shots / f"{self.prefix}-{self.step:02d}-{name}.png"))

    # Account helpers
    def login(self, username: str, password: str):
        self.get("/login")
        self.fill("username", username)
        self.fill("password", password)
        self.submit("main form.form")

    def logout(self):
        self.find(".user-menu summary").click()
        button = self.wait(EC.element_to_be_clickable((By.CSS_SELECTOR, '.user-menu form[action="/logout"] button')))
        self.click_and_wait_for_page(button)


def _browser(request, server, shots_dir, size):
    driver = _make_driver(size)
    name = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")
    browser = Browser(driver, server, shots_dir, name, size)
    yield browser
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        try:
            browser.shot("FAILED")
        except Exception:
            pass
        print(f"\nserver log (last lines):\n{server.log_tail()}")
    driver.quit()


@pytest.fixture
def desktop(request, server, shots_dir):
    yield from _browser(request, server, shots_dir, DESKTOP)


@pytest.fixture
def phone(request, server, shots_dir):
    yield from _browser(request, server, shots_dir, PHONE)


@pytest.fixture(params=["desktop", "phone"])
def any_browser(request, server, shots_dir):
    yield from _browser(request, server, shots_dir, DESKTOP if request.param == "desktop" else PHONE)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
