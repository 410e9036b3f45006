"""满意度调查 (EVAL-2) in a real browser: a ward's nurse answers the month's survey on a phone by tapping the
1–10 buttons under each dimension's rubric; the answer is final; the lead sees the means on a desktop."""

import uuid

import pytest

from test_service_desk import api, login_token
from conftest import ADMIN_PASSWORD

PASSWORD = "Survey#Ward2026"


def _account(server, admin, username, roles, **extra):
    api(server, "POST", "/api/v1/users", {"username": username, "displayName": username, "password": "Init#Pass2026", "roles": roles, **extra}, admin)
    token = login_token(server, username, "Init#Pass2026")
    api(server, "POST", "/api/v1/auth/password", {"currentPassword": "Init#Pass2026", "newPassword": PASSWORD}, token)
    return login_token(server, username, PASSWORD)


@pytest.fixture(scope="module")
def survey(server):
    suffix = uuid.uuid4().hex[:6]
    admin = login_token(server, "admin", ADMIN_PASSWORD)
    vendor = api(server, "POST", "/api/v1/vendors", {"name": f"满意度厂商{suffix}"}, admin)
    ward = api(server, "POST", "/api/v1/departments", {"name": f"呼吸科{suffix}"}, admin)
    lead = _account(server, admin, f"bt.sv.lead.{suffix}", ["lead"])
    _account(server, admin, f"bt.sv.nurse.{suffix}", ["reporter"], departmentId=ward["id"])
    created = api(server, "POST", "/api/v1/surveys", {"month": "2026-10", "vendorIds": [vendor["id"]], "departmentIds": [ward["id"]]}, lead)
    return {"id": created[0]["id"], "lead": f"bt.sv.lead.{suffix}", "nurse": f"bt.sv.nurse.{suffix}"}


def test_answer_on_a_phone(server, survey, phone, desktop):
    p = phone
    p.login(survey["nurse"], PASSWORD)
    assert "待填问卷" in p.driver.page_source  # the navigation entry (behind the menu button on a phone)
    p.get(f"/surveys/{survey['id']}")
    assert "报修后瞬间响应远优于SLA" in p.text()
    width = p.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the survey scrolls sideways on a phone ({width}px)"
    # Each button is a large tap target.
    button = p.find('input[name="response_speed"][value="9"] + span')
    assert button.size["height"] >= 44
    p.shot("survey-phone")
    for key, score in {"response_speed": 9, "service_attitude": 9, "technical_competence": 8, "communication": 9, "resolution_effect": 8}.items():
        p.find(f'input[name="{key}"][value="{score}"] + span').click()
    p.click_and_wait_for_page(p.find(".ev-survey-form button[type=submit]"))
    assert "本科室的评价" in p.text() and "8.6" in p.text()
    assert "提交评价" not in p.text()
    p.shot("survey-answered")

    d = desktop
    d.login(survey["lead"], PASSWORD)
    d.get(f"/surveys/{survey['id']}")
    assert "填写进度 1 / 1" in d.text() and "17.2" in d.text()
    d.shot("survey-progress")
