"""值班 (DUTY-1, DUTY-2) in a real browser: a lead sets up the shift types, rosters a night and a backup, is told
in Chinese why the morning after the night cannot be added, and an engineer reads the roster on a phone."""

import uuid

import pytest

from test_service_desk import api, login_token
from test_surveys import _account, PASSWORD
from conftest import ADMIN_PASSWORD


@pytest.fixture(scope="module")
def roster(server):
    suffix = uuid.uuid4().hex[:6]
    admin = login_token(server, "admin", ADMIN_PASSWORD)
    team = api(server, "POST", "/api/v1/teams", {"name": f"值班测试组{suffix}", "domain": "it"}, admin)
    lead = f"bt.duty.lead.{suffix}"
    _account(server, admin, lead, ["lead"], teamIds=[team["id"]])
    night = f"bt.duty.night.{suffix}"
    _account(server, admin, night, ["agent"], teamIds=[team["id"]])
    backup = f"bt.duty.backup.{suffix}"
    _account(server, admin, backup, ["agent"], teamIds=[team["id"]])
    return {"team": team["id"], "teamName": team["name"], "lead": lead, "night": night, "backup": backup}


def _add_type(d, name, start, end, level):
    d.get("/duty/shift-types")
    d.fill("name", name)
    d.fill("start", start)
    d.fill("end", end)
    d.select("level", level)
    d.submit()


def _add_shift(d, team, person, shift, date):
    d.get(f"/duty?teamId={team}&month=2027-03")
    d.select("userId", person)
    d.select("shiftTypeId", shift)
    d.driver.execute_script("arguments[0].value = arguments[1]", d.find('input[name="date"]'), date)
    d.submit()


def test_lead_rosters_and_engineer_reads_on_a_phone(server, roster, desktop, phone):
    d = desktop
    d.login(roster["lead"], PASSWORD)
    suffix = roster["team"][:4]
    _add_type(d, f"夜班{suffix}", "17:30", "08:00", "值班")
    _add_type(d, f"白班{suffix}", "08:00", "17:30", "值班")
    _add_type(d, f"二线{suffix}", "08:00", "08:00", "二线/听班")
    _add_type(d, f"错误{suffix}", "25:00", "08:00", "值班")
    assert "时间格式应为 08:00" in d.text()
    d.shot("duty-types")

    _add_shift(d, roster["team"], roster["night"], f"夜班{suffix} 17:30–次日 08:00", "2027-03-10")
    _add_shift(d, roster["team"], roster["backup"], f"二线{suffix} 08:00–次日 08:00", "2027-03-10")
    _add_shift(d, roster["team"], roster["night"], f"白班{suffix} 08:00–17:30", "2027-03-11")
    assert f"排班冲突：{roster['night']} 在夜班 2027-03-10 17:30–次日08:00 前后须休息 8 小时" in d.text()
    d.get(f"/duty?teamId={roster['team']}&month=2027-03")
    rows = d.find_all("main table tbody tr")
    assert len(rows) == 2
    assert "2027-03-10 周三" in rows[0].text and "二线/听班" in rows[0].text and roster["backup"] in rows[0].text
    assert "17:30–次日 08:00" in rows[1].text and roster["night"] in rows[1].text
    d.shot("duty-roster")

    p = phone
    p.login(roster["night"], PASSWORD)
    p.get(f"/duty?teamId={roster['team']}&month=2027-03")
    assert "夜班" in p.text() and "排班" not in [e.text for e in p.find_all("main form.form h2")]
    width = p.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390, f"the roster scrolls sideways on a phone ({width}px)"
    p.shot("duty-phone")
