"""Crash durability: under concurrent ticket creation the server is killed with SIGKILL at random moments,
restarted, and every ticket whose creation was acknowledged (201) must exist with its timeline, the audit
chain must verify and the database must pass SQLite's integrity check.

CI runs a short version (YIWEI_CRASH_ROUNDS, default 5); `scripts/crash-test` runs 20 rounds or more."""
import json
import os
import random
import signal
import sqlite3
import threading
import time

from test_commands import ADMIN_PASSWORD, Server, call, login, run


def create_tickets(port, token, prefix, acknowledged, stop):
    n = 0
    while not stop.is_set():
        n += 1
        title = f"{prefix}-{n} 打印机无法打印"
        try:
            status, body = call(port, "POST", "/api/v1/tickets",
                                {"domain": "it", "kind": "incident", "title": title, "description": "崩溃测试",
                                 "impact": "individual", "urgency": "operation"}, token)
        except OSError:
            return  # the server is gone
        if status == 201:
            acknowledged.append((json.loads(body)["id"], title))


def crash_rounds(tmp_path, rounds, writers=4, seed=None):
    rng = random.Random(seed)
    data = tmp_path / "data"
    server = Server(data, YIWEI_ADMIN_PASSWORD=ADMIN_PASSWORD)
    admin = login(server.port, "admin", ADMIN_PASSWORD)
    status, body = call(server.port, "POST", "/api/v1/users",
                        {"username": "crash", "displayName": "崩溃测试", "password": "Init#Nine2026x", "roles": ["agent"]}, admin)
    assert status == 201, body
    # The account chooses its own password before anything else (an administrator set the first one).
    status, body = call(server.port, "POST", "/api/v1/auth/password",
                        {"currentPassword": "Init#Nine2026x", "newPassword": "Kill#Nine2026x"}, login(server.port, "crash", "Init#Nine2026x"))
    assert status in (200, 204), body
    acknowledged = []
    for r in range(rounds):
        token = login(server.port, "crash", "Kill#Nine2026x")
        stop = threading.Event()
        threads = [threading.Thread(target=create_tickets, args=(server.port, token, f"R{r}W{w}", acknowledged, stop)) for w in range(writers)]
        for t in threads:
            t.start()
        time.sleep(rng.uniform(0.3, 1.2))
        server.stop(signal.SIGKILL)  # mid-write, at a random moment
        stop.set()
        for t in threads:
            t.join(timeout=15)
        server = Server(data)
    server.stop()
    assert acknowledged, "no ticket was acknowledged before the kills"
    with sqlite3.connect(data / "yiwei.sqlite") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"
        stored = {row[0].upper(): row[1] for row in db.execute("select id, title from tickets")}
        created_events = {row[0].upper() for row in db.execute("select ticket_id from ticket_events where type = 'created'")}
    missing = [(i, t) for i, t in acknowledged if i.upper() not in stored]
    assert not missing, f"{len(missing)} acknowledged tickets lost, e.g. {missing[:3]}"
    assert all(stored[i.upper()] == t for i, t in acknowledged)
    assert all(i.upper() in created_events for i, _ in acknowledged), "a ticket without its timeline"
    verify = run("audit", "verify", data_dir=data)
    assert verify.returncode == 0, verify.stderr + verify.stdout
    return len(acknowledged)


def test_kill_9_under_concurrent_ticket_creation(tmp_path):
    rounds = int(os.environ.get("YIWEI_CRASH_ROUNDS", "5"))
    count = crash_rounds(tmp_path, rounds, seed=42)
    print(f"{rounds} kills, {count} acknowledged tickets, none lost")
