"""运维看板 (ANA-1) in a real browser: the wall screen at 1920×1080 shows the open tickets, and a ticket
reported through the API appears on it within 2 seconds, without a reload (Server-Sent Events)."""

import time
import uuid

import pytest

from conftest import ADMIN_PASSWORD, SECURITY_PASSWORD, Browser, _browser
from test_service_desk import api, login_token

PASSWORD = "Wall#Screen2026"
WALL = (1920, 1080)


@pytest.fixture
def wall(request, server, shots_dir):
    yield from _browser(request, server, shots_dir, WALL)


@pytest.fixture(scope="module")
def people(server):
    """A read-only wall-screen account (auditor) and a nurse who reports — each with their own password."""
    suffix = uuid.uuid4().hex[:6]
    admin = login_token(server, "admin", ADMIN_PASSWORD)
    security = login_token(server, "security", SECURITY_PASSWORD)
    department = api(server, "POST", "/api/v1/departments", {"name": f"急诊科{suffix}"}, admin)
    accounts = {}
    for key, roles, extra in [("screen", ["auditor"], {}), ("nurse", ["reporter"], {"departmentId": department["id"]})]:
        username = f"bt.{key}.{suffix}"
        api(server, "POST", "/api/v1/users", {"username": username, "displayName": f"大屏{key}{suffix}", "password": "Init#Pass2026",
                                              "roles": roles, **extra}, security if "auditor" in roles else admin)
        token = login_token(server, username, "Init#Pass2026")
        api(server, "POST", "/api/v1/auth/password", {"currentPassword": "Init#Pass2026", "newPassword": PASSWORD}, token)
        accounts[key] = (username, login_token(server, username, PASSWORD))
    return accounts


def open_count(browser: Browser) -> int:
    return int(browser.text('#dashboard [data-key="open"] .dash-tile-value').replace(",", ""))


def test_wall_screen_updates_live(server, people, wall):
    wall.login(people["screen"][0], PASSWORD)
    wall.get("/dashboard/wall")
    wall.wait_visible('#dashboard [data-key="open"] .dash-tile-value')
    assert "运维看板" in wall.text(".wall-brand")
    # Fills the screen without scrolling, and nothing sticks out sideways.
    width, height = wall.driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert (width, height) == WALL
    # The stream is open once the first event has been swapped in.
    wall.wait(lambda d: d.execute_script("return document.body.getAttribute('data-live')") == "live", 10)
    before = open_count(wall)
    wall.driver.execute_script("window.__notReloaded = true;")
    wall.shot("before")

    api(server, "POST", "/api/v1/tickets", {"domain": "it", "kind": "incident", "title": "抢救室监护工作站无法登录",
                                           "description": "大屏实时更新测试", "impact": "department", "urgency": "clinical"},
        people["nurse"][1])
    reported = time.monotonic()
    wall.wait(lambda d: open_count(wall) == before + 1, 5)
    assert time.monotonic() - reported < 2.0
    assert wall.driver.execute_script("return window.__notReloaded === true")  # swapped in, not reloaded
    assert int(wall.text('#dashboard [data-key="created_today"] .dash-tile-value')) >= 1
    wall.shot("after")


def test_nurse_may_not_open_the_dashboard(server, people, desktop):
    desktop.login(people["nurse"][0], PASSWORD)
    desktop.get("/dashboard")
    assert "403" in desktop.text() or "权限" in desktop.text()
    assert not desktop.find_all('a[href="/dashboard"]')
