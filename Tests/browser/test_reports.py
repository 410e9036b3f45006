"""运维报告 and 停机统计 (ANA-3, ANA-4) in a real browser: a lead records downtime on an incident's ticket page, sees
the breach on the year's page, and the monthly report prints as A4 pages without the app's navigation."""

import base64
import datetime
import uuid

import pytest

from conftest import ADMIN_PASSWORD
from test_service_desk import api, login_token

PASSWORD = "Lead#Report2026"


@pytest.fixture(scope="module")
def lead(server):
    """A lead (信息科主任) with their own password, a business system, and an incident on it."""
    suffix = uuid.uuid4().hex[:6]
    admin = login_token(server, "admin", ADMIN_PASSWORD)
    system = api(server, "POST", "/api/v1/business-systems", {"name": f"检验LIS{suffix}", "criticality": "core"}, admin)
    username = f"bt.lead.{suffix}"
    api(server, "POST", "/api/v1/users", {"username": username, "displayName": f"主任{suffix}", "password": "Init#Pass2026",
                                          "roles": ["lead", "agent"]}, admin)
    token = login_token(server, username, "Init#Pass2026")
    api(server, "POST", "/api/v1/auth/password", {"currentPassword": "Init#Pass2026", "newPassword": PASSWORD}, token)
    token = login_token(server, username, PASSWORD)
    ticket = api(server, "POST", "/api/v1/tickets", {"domain": "it", "kind": "incident", "title": "检验系统无法登录",
                                                       "description": "全院检验科无法出报告", "impact": "hospital",
                                                       "urgency": "clinical", "businessSystemId": system["id"]}, token)
    return {"username": username, "token": token, "system": system, "ticket": ticket}


def test_record_downtime_on_the_ticket_and_see_the_breach(desktop, lead):
    desktop.login(lead["username"], PASSWORD)
    desktop.get(f"/tickets/{lead['ticket']['id']}")
    panel = desktop.find(".outage-panel")
    assert "停机记录" in panel.text
    desktop.find(".outage-record summary").click()
    # A 61-minute outage yesterday, entered in the ticket's panel (the system is prefilled).
    day = (datetime.datetime.now() - datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    start, end = f"{day}T09:00", f"{day}T10:01"
    for name, value in [("startedAt", start), ("endedAt", end)]:
        desktop.driver.execute_script("arguments[0].value = arguments[1]", desktop.find(f'.outage-quick [name="{name}"]'), value)
    desktop.find('.outage-quick [name="description"]').send_keys("数据库服务器宕机，切换备机后恢复")
    desktop.shot("outage-panel")
    desktop.click_and_wait_for_page(desktop.find('.outage-quick button[type="submit"]'))
    assert desktop.path == f"/tickets/{lead['ticket']['id']}"
    assert "61 分钟" in desktop.text(".outage-panel")
    desktop.get(f"/reports/downtime?year={day[:4]}")
    desktop.shot("downtime")
    body = desktop.text()
    assert lead["system"]["name"] in body
    assert "单次非计划停机 61 分钟，超过 60 分钟" in body
    assert "第 2.5 条" in body


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_monthly_report_reads_and_prints(request, size, lead):
    browser = request.getfixturevalue(size)
    browser.login(lead["username"], PASSWORD)
    browser.get("/reports/monthly")
    assert "月度运维报告" in browser.text("h1")
    body = browser.text()
    for section in ["总体概况", "工单量趋势", "按优先级的 SLA 达标情况", "重大故障（P1/P2）", "巡检模块尚未启用，本期无巡检数据", "风险与待办"]:
        assert section in body
    # Nothing wider than the screen except inside the scrolling tables and charts.
    overflow = browser.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the {size} screen"
    browser.shot("monthly")
    # Print: no side bar, top bar or buttons; the title stays; A4 pages.
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    hidden = browser.driver.execute_script("""
        const shown = s => { const e = document.querySelector(s); return !!e && getComputedStyle(e).display !== 'none'; };
        return {sidebar: shown('.sidebar'), topbar: shown('.topbar'), tools: shown('.report-tools'), title: shown('.report .page-title')};""")
    assert hidden == {"sidebar": False, "topbar": False, "tools": False, "title": True}
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = base64.b64decode(browser.driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
    assert pdf.startswith(b"%PDF")
    # A4 is 595 × 842 points.
    assert b"/MediaBox [0 0 595" in pdf or b"/MediaBox [0 0 594" in pdf
