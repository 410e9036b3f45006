"""End-to-end flows of Yiwei in a real browser, at desktop (1366x768) and phone (390x844) widths.

Each test makes its own names (a random suffix), so the tests share one server and run in any order.
"""

import uuid

from selenium.webdriver.common.by import By

from conftest import ADMIN_PASSWORD


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


def nav_labels(b) -> list[str]:
    # textContent, not .text: on a phone the sidebar is off-screen until the menu opens.
    return [a.get_attribute("textContent").strip() for a in b.find_all("nav.sidebar a")]


def table_rows_with(b, text: str) -> list:
    return [row for row in b.find_all("table.table tbody tr") if text in row.get_attribute("textContent")]


def test_admin_logs_in_and_sees_home_and_navigation(any_browser):
    b = any_browser
    b.get("/")
    assert b.driver.execute_script("return window.innerWidth") == b.size[0]
    b.wait_path("/login")  # signed out: every page leads to the sign-in form
    b.shot("login-form")
    b.login("admin", ADMIN_PASSWORD)
    b.wait_path("/")
    assert "工作台" in b.driver.title
    labels = nav_labels(b)
    for label in ("工作台", "院区", "科室", "用户与角色"):
        assert label in labels, f"navigation lacks {label}: {labels}"
    active = b.find("nav.sidebar a.active")
    assert active.get_attribute("textContent").strip() == "工作台"
    assert b.find(".user-menu summary").is_displayed()
    b.shot("home")


def test_wrong_password_shows_error_and_stays_on_login(desktop):
    b = desktop
    b.login("admin", "Not-the-password-1")
    assert b.path == "/login"
    error = b.wait_visible(".flash-error")
    assert "用户名或密码错误" in error.text
    assert b.find('input[name="username"]').get_attribute("value") == "admin"
    assert b.find_all(".user-menu") == [], "a failed sign-in must not show the signed-in menu"
    b.shot("wrong-password")


def test_admin_creates_campus_and_department_and_duplicate_is_refused(desktop):
    b = desktop
    campus, department = unique("浏览器院区"), unique("浏览器科室")
    b.login("admin", ADMIN_PASSWORD)
    b.wait_path("/")

    b.get("/admin/campuses/new")
    b.fill("name", campus)
    b.fill("address", "测试路 1 号")
    b.shot("campus-form")
    b.submit()
    b.wait_path("/admin/campuses")
    assert "已保存" in b.text(".flash")
    assert len(table_rows_with(b, campus)) == 1
    b.shot("campus-list")

    b.get("/admin/departments/new")
    b.fill("name", department)
    b.select("campusId", campus)
    b.fill("location", "门诊楼 3 层")
    b.fill("phone", "010-8888 1234")
    b.shot("department-form")
    b.submit()
    b.wait_path("/admin/departments")
    assert "已保存" in b.text(".flash")
    rows = table_rows_with(b, department)
    assert len(rows) == 1, f"{department} not listed once:\n{b.text('main')[:800]}"
    assert campus in rows[0].text
    b.shot("department-list")

    # The same name again: the form comes back with the name field marked, and nothing is added.
    b.get("/admin/departments/new")
    b.fill("name", department)
    b.select("campusId", campus)
    b.submit()
    field = b.find(".field.has-error")
    assert field.find_element(By.CSS_SELECTOR, 'input[name="name"]').get_attribute("value") == department
    assert "已存在" in field.find_element(By.CSS_SELECTOR, ".field-error").text
    assert b.find_all(".flash-error"), "the form should say it has errors"
    b.shot("department-duplicate")

    b.get("/admin/departments?q=" + department)
    assert len(table_rows_with(b, department)) == 1, "a duplicate department was created"


def test_reporter_must_change_password_and_cannot_manage_users(desktop):
    b = desktop
    username, display = unique("bt.reporter."), unique("报修人")
    initial, chosen = "Init#Pass2026", "Mine#Pass2026"
    b.login("admin", ADMIN_PASSWORD)
    b.wait_path("/")

    b.get("/admin/users/new")
    b.fill("username", username)
    b.fill("displayName", display)
    b.fill("password", initial)
    b.find('input[name="roles[]"][value="reporter"]').click()
    b.shot("user-form")
    b.submit()
    b.wait_path("/admin/users")
    rows = table_rows_with(b, username)
    assert len(rows) == 1 and "报修人" in rows[0].text, b.text("main")[:800]
    b.shot("user-list")

    b.logout()
    b.wait_path("/login")
    assert "已安全退出" in b.text(".flash")
    b.get("/admin/users")
    b.wait_path("/login")  # signed out for real

    b.login(username, initial)
    b.wait_path("/account/password")
    assert "请先设置" in b.text(".flash-info")
    b.shot("forced-password-change")
    b.get("/")
    b.wait_path("/account/password")  # nothing else until the password is changed

    b.fill("currentPassword", initial)
    b.fill("newPassword", chosen)
    b.fill("confirmPassword", chosen)
    b.submit()
    b.wait_path("/portal")  # a reporter's start page
    assert "密码已修改" in b.text(".flash")
    labels = nav_labels(b)
    assert "我的报修" in labels
    assert "用户与角色" not in labels, f"a reporter sees 用户与角色: {labels}"
    b.shot("reporter-home")

    b.get("/admin/users")
    assert b.text(".error-code") == "403"
    assert "没有执行此操作的权限" in b.text("main")
    b.shot("reporter-forbidden")

    # The new password is the one that works from now on.
    b.logout()
    b.login(username, initial)
    assert b.path == "/login" and b.find_all(".flash-error")
    b.login(username, chosen)
    b.wait_path("/portal")


def test_phone_menu_button_opens_sidebar(phone):
    b = phone
    b.login("admin", ADMIN_PASSWORD)
    b.wait_path("/")

    def sidebar_left() -> float:
        return b.driver.execute_script("return document.querySelector('nav.sidebar').getBoundingClientRect().left")

    def sidebar_right() -> float:
        return b.driver.execute_script("return document.querySelector('nav.sidebar').getBoundingClientRect().right")

    assert sidebar_right() <= 0, "on a phone the sidebar starts hidden"
    button = b.find('label.nav-button[for="nav-toggle"]')
    assert button.is_displayed()
    b.shot("menu-closed")
    button.click()
    b.wait(lambda d: sidebar_left() >= 0)
    link = b.wait_visible('nav.sidebar a[href="/admin/departments"]')
    b.shot("menu-open")
    b.click_and_wait_for_page(link)
    b.wait_path("/admin/departments")
    b.shot("departments-on-phone")
