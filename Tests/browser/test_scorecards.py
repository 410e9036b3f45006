"""供应商考核 (EVAL-1, EVAL-3) in a real browser: a lead scores a vendor's month on a phone and on a desktop,
confirms it through the confirmation step, and the card prints on A4 without the page furniture."""

import uuid

import pytest
from selenium.webdriver.common.by import By

from conftest import ADMIN_PASSWORD
from test_service_desk import api, login_token

PASSWORD = "Score#Card2026"


@pytest.fixture(scope="module")
def vendor_month(server):
    """A vendor with a service fee, a lead with their own password, and a drafted card for 2026-10."""
    suffix = uuid.uuid4().hex[:6]
    admin = login_token(server, "admin", ADMIN_PASSWORD)
    vendor = api(server, "POST", "/api/v1/vendors", {"name": f"智医信息{suffix}"}, admin)
    username = f"bt.lead.{suffix}"
    api(server, "POST", "/api/v1/users", {"username": username, "displayName": f"刘主任{suffix}", "password": "Init#Pass2026", "roles": ["lead"]}, admin)
    token = login_token(server, username, "Init#Pass2026")
    api(server, "POST", "/api/v1/auth/password", {"currentPassword": "Init#Pass2026", "newPassword": PASSWORD}, token)
    lead = login_token(server, username, PASSWORD)
    api(server, "PUT", f"/api/v1/vendors/{vendor['id']}/service-fee", {"monthlyFee": "100000", "contractTotal": "1200000"}, lead)
    card = api(server, "POST", "/api/v1/scorecards", {"vendorId": vendor["id"], "month": "2026-10"}, lead)
    return {"vendor": vendor, "lead": username, "card": card}


ENTRIES = {"requirements_and_manuals": "8", "training": "10", "meetings_and_reports": "5", "inspection_rate": "15",
           "emergency_plans": "10", "user_satisfaction": "4.5"}  # + 25 (no late fault) + 7 (nothing due) = 84.5


def test_score_confirm_and_print(server, vendor_month, phone, desktop):
    card = f"/evaluation/scorecards/{vendor_month['card']['id']}"
    # On the phone: the card reads top to bottom, the inspection item says its module is not enabled.
    p = phone
    p.login(vendor_month["lead"], PASSWORD)
    p.get(card)
    assert "巡检模块未启用" in p.text()
    width = p.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the card scrolls sideways on a phone ({width}px)"
    p.shot("card-phone")

    # On the desktop: enter the scores with a comment each, save, confirm.
    d = desktop
    d.login(vendor_month["lead"], PASSWORD)
    d.get(card)
    for key, points in ENTRIES.items():
        d.fill(f"points_{key}", points)
        d.fill(f"comment_{key}", "据月度检查记录")
    d.shot("card-filled")
    d.click_and_wait_for_page(d.find('#card-form .form-actions button[type="submit"]'))
    assert "84.5" in d.text(".total-row")
    d.click_and_wait_for_page(d.find('a[href$="/confirm"]'))
    assert "¥99,600.00" in d.text()
    d.shot("confirm-step")
    d.find('input[name="checked"]').click()
    d.click_and_wait_for_page(d.find('main form.form button[type="submit"]'))
    assert "本评价表已确认并锁定" in d.text()
    assert d.find_all('input[name="points_training"]') == []

    # Print: A4, no navigation, the sheet and the payment steps stay.
    d.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not d.find(".sidebar").is_displayed()
    assert d.find(".scorecard-sheet").is_displayed()
    assert d.find(".table.payment").is_displayed()
    assert not d.find(".revoke").is_displayed()
    d.shot("card-print")
    d.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
