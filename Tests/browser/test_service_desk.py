"""The service desk's main flow in a real browser: a nurse reports from her phone with a photo, the
service desk accepts and dispatches on a desktop, the engineer starts and resolves, the nurse sees each
step and rates the service, and the ticket closes."""

import base64
import json
import tempfile
import urllib.request
import uuid
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from conftest import ADMIN_PASSWORD

PASSWORD = "Desk#Flow2026"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def api(server, method, path, body=None, token=None):
    req = urllib.request.Request(server.url(path), method=method)
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10) as res:
        raw = res.read()
        return json.loads(raw) if raw else None


def login_token(server, username, password):
    return api(server, "POST", "/api/v1/auth/login", {"username": username, "password": password})["token"]


@pytest.fixture(scope="module")
def hospital(server):
    """A department, an IT team with an engineer, a printer category routed to the team, a dispatcher and
    a nurse — each account with its own chosen password (so no forced change in the browser)."""
    suffix = uuid.uuid4().hex[:6]
    admin = login_token(server, "admin", ADMIN_PASSWORD)
    department = api(server, "POST", "/api/v1/departments", {"name": f"门诊收费处{suffix}", "location": "门诊楼1楼"}, admin)
    team = api(server, "POST", "/api/v1/teams", {"name": f"信息科运维组{suffix}", "domain": "it"}, admin)
    names = {}
    for role, display, extra in [("reporter", "王护士", {"departmentId": department["id"]}),
                                 ("dispatcher", "陈调度", {}),
                                 ("agent", "李工程师", {"teamIds": [team["id"]]})]:
        username = f"bt.{role}.{suffix}"
        roles = ["dispatcher", "agent"] if role == "dispatcher" else [role]
        api(server, "POST", "/api/v1/users", {"username": username, "displayName": display + suffix, "password": "Init#Pass2026",
                                              "roles": roles, **extra}, admin)
        token = login_token(server, username, "Init#Pass2026")
        api(server, "POST", "/api/v1/auth/password", {"currentPassword": "Init#Pass2026", "newPassword": PASSWORD}, token)
        names[role] = (username, display + suffix)
    return {"department": department, "team": team, "names": names, "suffix": suffix}


def test_report_accept_dispatch_resolve_rate_close(server, hospital, phone, desktop):
    nurse, dispatcher, engineer = hospital["names"]["reporter"], hospital["names"]["dispatcher"], hospital["names"]["agent"]
    title = "收费窗口打印机无法打印" + hospital["suffix"]

    # The nurse reports from her phone: domain, what, where, and a photo.
    p = phone
    p.login(nurse[0], PASSWORD)
    p.wait_path("/portal")  # a reporter starts on the portal
    p.get("/portal/new")
    p.find('input[name="domain"][value="it"]').find_element(By.XPATH, "..").click()
    p.fill("title", title)
    p.find('input[name="urgency"][value="clinical"]').find_element(By.XPATH, "..").click()
    photo = Path(tempfile.mkdtemp()) / "printer.png"
    photo.write_bytes(PNG)
    p.find('input[name="photo"]').send_keys(str(photo))
    p.shot("report-form")
    p.click_and_wait_for_page(p.find("form.report-form button[type=submit]"))
    assert p.path.startswith("/portal/tickets/"), p.text()[:500]
    assert "报修已提交" in p.text(".flash")
    assert title in p.text("main")
    assert "待受理" in p.text("main")
    assert p.find_all(".attachments img"), "the photo should be attached"
    number = p.text(".portal-ticket .mono")
    ticket_path = p.path.replace("/portal", "")
    p.shot("reported")

    # The service desk finds it in the open queue, accepts and dispatches it to the engineer.
    d = desktop
    d.login(dispatcher[0], PASSWORD)
    d.wait_path("/")
    d.get("/desk?queue=open")
    assert number in d.text("table.tickets"), d.text("main")[:800]
    # On a 1366 px laptop every column of the queue is on screen, the report time included: the table does not
    # scroll sideways (long department names do not wrap; the time goes onto two lines instead).
    scroll, width = d.driver.execute_script("const w = document.querySelector('.table-wrap'); return [w.scrollWidth, w.clientWidth];")
    assert scroll <= width + 1, f"the queue scrolls sideways at {d.size[0]} px: {scroll} > {width}"
    d.shot("queue")
    d.get(ticket_path)
    d.submit('form.action-form:has(input[name="action"][value="accept"])')
    assert "已受理" in d.text(".ticket-state")
    d.select("assigneeId", f"{engineer[1]}（{engineer[0]}）")
    d.submit('form.action-form:has(select[name="assigneeId"])')
    assert engineer[1] in d.text(".facts"), d.text(".facts")
    assert engineer[1] in d.text("main")
    d.shot("dispatched")
    d.logout()

    # The engineer starts, adds an internal note and resolves.
    d.login(engineer[0], PASSWORD)
    d.wait_path("/")
    d.get("/desk?queue=mine")
    assert number in d.text("table.tickets")
    d.get(ticket_path)
    d.submit('form.action-form:has(input[name="action"][value="start"])')
    assert "处理中" in d.text(".ticket-state")
    d.fill("body", "驱动被杀毒软件隔离（内部）")
    d.find('form.comment-form input[name="internal"]').click()
    d.submit("form.comment-form")
    d.fill("resolution", "恢复打印驱动并加入白名单，已打印测试页")
    d.submit('form.action-form:has(input[name="action"][value="resolve"])')
    assert "已解决" in d.text(".ticket-state")
    d.shot("resolved")

    # The nurse sees the resolution (not the internal note), rates, and confirms.
    p.get("/portal" + ticket_path)
    text = p.text("main")
    assert "已解决" in text and "加入白名单" in text
    assert "杀毒软件" not in text, "an internal note reached the reporter"
    p.find('form.rate-form input[name="score"][value="5"]').find_element(By.XPATH, "..").click()
    p.fill("comment", "处理很快，谢谢")
    p.shot("rating")
    p.submit("form.rate-form")
    assert "感谢您的评价" in p.text(".flash")
    assert "★★★★★" in p.text("main")
    p.submit('.portal-actions form:has(input[name="action"][value="close"])')
    assert "已关闭" in p.text("main")
    timeline = p.text("ol.timeline")
    for step in ("提交报修", "受理", "派单", "开始处理", "解决", "评价", "关闭"):
        assert step in timeline, f"timeline lacks {step}: {timeline}"
    p.shot("closed")
