"""The `yiwei` binary as an operator uses it: commands, configuration errors, start-up from any
directory, the generated admin password, audit verification after tampering, and a kill -9."""
import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("YIWEI_BIN", ROOT / ".build" / "debug" / "yiwei"))
ADMIN_PASSWORD = "Yw#Root2026x"


def env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith("YIWEI_")}
    e.update({"YIWEI_BCRYPT_COST": "4"}, **extra)
    return e


def run(*args, data_dir, cwd="/", **extra):
    return subprocess.run([str(BIN), *args, "--data-dir", str(data_dir)], cwd=cwd, env=env(**extra),
                          capture_output=True, text=True, timeout=120)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, method, path, body=None, token=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


class Server:
    def __init__(self, data_dir, cwd="/", **extra):
        self.port = free_port()
        self.log = open(Path(data_dir).parent / f"server-{self.port}.log", "w")
        self.proc = subprocess.Popen([str(BIN), "serve", "--port", str(self.port), "--host", "127.0.0.1", "--data-dir", str(data_dir)],
                                     cwd=cwd, env=env(**extra), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if call(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError("server did not start: " + Path(self.log.name).read_text())

    def output(self):
        self.log.flush()
        return Path(self.log.name).read_text()

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the server did not stop within 20 s of " + signal.Signals(sig).name)
        finally:
            self.log.close()


def login(port, username, password):
    status, body = call(port, "POST", "/api/v1/auth/login", {"username": username, "password": password})
    assert status == 200, body
    return json.loads(body)["token"]


def test_migrate_and_seed_demo(tmp_path):
    data = tmp_path / "data"
    first = run("migrate", data_dir=data, YIWEI_ADMIN_PASSWORD=ADMIN_PASSWORD)
    assert first.returncode == 0, first.stderr + first.stdout
    assert "up to date" in first.stdout
    assert run("migrate", data_dir=data).returncode == 0
    seeded = run("seed-demo", data_dir=data)
    assert seeded.returncode == 0, seeded.stderr
    assert "50 business systems" in seeded.stdout
    again = run("seed-demo", data_dir=data)
    assert "nothing loaded" in again.stdout
    with sqlite3.connect(data / "yiwei.sqlite") as db:
        assert db.execute("select count(*) from business_systems").fetchone()[0] == 50
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["help"], ["backup", "--help"]])
def test_help_lists_the_commands_and_touches_nothing(tmp_path, args):
    res = subprocess.run([str(BIN), *args], cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    for command in ["serve", "migrate", "seed-demo", "audit verify", "backup --to DIR", "restore --from DIR", "doctor", "gen-data"]:
        assert command in res.stdout, command
    assert "用法 / usage: yiwei" in res.stdout and "YIWEI_DATA_DIR" in res.stdout
    # Nothing was opened or created in the folder it ran in (no ./data with a database and an admin password).
    assert list(tmp_path.iterdir()) == []


def test_bad_configuration_is_named(tmp_path):
    res = run("migrate", data_dir=tmp_path / "d", YIWEI_PORT="eighty")
    assert res.returncode == 2
    assert "YIWEI_PORT" in res.stderr
    res = run("migrate", data_dir=tmp_path / "d", YIWEI_NIO_EXECUTOR="maybe")
    assert res.returncode == 2
    assert "YIWEI_NIO_EXECUTOR=maybe" in res.stderr


def test_starts_from_any_directory_and_prints_a_generated_admin_password(tmp_path):
    data = tmp_path / "data"
    server = Server(data, cwd="/")
    try:
        status, page = call(server.port, "GET", "/login")
        assert status == 200 and "登录医维" in page  # templates found although cwd is /
        status, css = call(server.port, "GET", "/static/app.css")
        assert status == 200 and "--brand" in css
        out = server.output()
        password = (data / "initial-admin-password").read_text().strip()
        assert password in out
        assert oct((data / "initial-admin-password").stat().st_mode & 0o777) == "0o600"
        token = login(server.port, "admin", password)
        status, me = call(server.port, "GET", "/api/v1/auth/me", token=token)
        assert json.loads(me)["mustChangePassword"] is True
    finally:
        server.stop()


def test_audit_verify_finds_tampering(tmp_path):
    data = tmp_path / "data"
    server = Server(data, YIWEI_ADMIN_PASSWORD=ADMIN_PASSWORD)
    try:
        token = login(server.port, "admin", ADMIN_PASSWORD)
        for name in ["本部院区", "东院区"]:
            assert call(server.port, "POST", "/api/v1/campuses", {"name": name}, token)[0] == 201
    finally:
        server.stop()
    ok = run("audit", "verify", data_dir=data)
    assert ok.returncode == 0, ok.stderr + ok.stdout
    assert "intact" in ok.stdout
    with sqlite3.connect(data / "yiwei.sqlite") as db:
        db.execute("drop trigger audit_log_no_update")
        db.execute("update audit_log set after = replace(after, '东院区', '西院区') where action = 'campus.create' and after like '%东院区%'")
        seq = db.execute("select seq from audit_log where after like '%西院区%'").fetchone()[0]
    broken = run("audit", "verify", data_dir=data)
    assert broken.returncode == 1
    assert f"row {seq} is modified" in broken.stderr


@pytest.mark.parametrize("executor", ["1", "0"])
def test_serves_concurrent_writes_and_stops_cleanly_with_tasks_on_either_threads(tmp_path, executor):
    """Tasks on the event loops (the default) or on Swift's own pool (YIWEI_NIO_EXECUTOR=0): the same answers,
    every acknowledged write kept, and SIGTERM ends the process with status 0 in both."""
    from concurrent.futures import ThreadPoolExecutor
    data = tmp_path / "data"
    server = Server(data, YIWEI_ADMIN_PASSWORD=ADMIN_PASSWORD, YIWEI_NIO_EXECUTOR=executor)
    try:
        token = login(server.port, "admin", ADMIN_PASSWORD)
        names = [f"科室{i:02d}" for i in range(40)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda name: call(server.port, "POST", "/api/v1/departments", {"name": name}, token)[0], names))
        assert statuses == [201] * 40
        status, body = call(server.port, "GET", "/api/v1/departments?per=200", token=token)
        assert sorted(d["name"] for d in json.loads(body)["items"]) == names
        assert call(server.port, "GET", "/login")[0] == 200
        # The start-up lines say where tasks run: the take-over happened, or was declined.
        expected = "事件循环 / on the event loops" if executor == "1" else "Swift 线程池 / on Swift's pool"
        assert f"任务线程 / tasks: {expected}" in server.output()
    finally:
        server.stop()
    assert server.proc.returncode == 0, Path(server.log.name).read_text()
    assert run("audit", "verify", data_dir=data).returncode == 0


def test_acknowledged_writes_survive_kill_9(tmp_path):
    data = tmp_path / "data"
    server = Server(data, YIWEI_ADMIN_PASSWORD=ADMIN_PASSWORD)
    token = login(server.port, "admin", ADMIN_PASSWORD)
    names = [f"科室{i}" for i in range(30)]
    for name in names:
        assert call(server.port, "POST", "/api/v1/departments", {"name": name}, token)[0] == 201
    server.stop(signal.SIGKILL)
    server = Server(data)
    try:
        token = login(server.port, "admin", ADMIN_PASSWORD)
        status, body = call(server.port, "GET", "/api/v1/departments?per=200", token=token)
        assert sorted(d["name"] for d in json.loads(body)["items"]) == sorted(names)
        assert run("audit", "verify", data_dir=data).returncode == 0
    finally:
        server.stop()
    with sqlite3.connect(data / "yiwei.sqlite") as db:
        assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_backup_while_serving_and_restore_into_an_empty_folder(tmp_path):
    data = tmp_path / "data"
    server = Server(data, YIWEI_ADMIN_PASSWORD=ADMIN_PASSWORD)
    try:
        token = login(server.port, "admin", ADMIN_PASSWORD)
        assert call(server.port, "POST", "/api/v1/campuses", {"name": "本部院区"}, token)[0] == 201
        # Online: the server keeps running while the backup is taken.
        backup = run("backup", "--to", str(tmp_path / "backup"), data_dir=data)
        assert backup.returncode == 0, backup.stderr + backup.stdout
        assert "backup written" in backup.stdout
        assert call(server.port, "POST", "/api/v1/campuses", {"name": "东院区"}, token)[0] == 201  # after the backup
    finally:
        server.stop()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert "yiwei.sqlite" in manifest["files"] and manifest["database"] == "sqlite"
    # A second backup into the same folder is refused.
    assert run("backup", "--to", str(tmp_path / "backup"), data_dir=data).returncode == 2

    restored = tmp_path / "restored"
    ok = run("restore", "--from", str(tmp_path / "backup"), data_dir=restored)
    assert ok.returncode == 0, ok.stderr + ok.stdout
    check = run("migrate", data_dir=restored)
    assert check.returncode == 0 and "integrity check: ok" in check.stdout, check.stderr + check.stdout
    assert run("audit", "verify", data_dir=restored).returncode == 0
    with sqlite3.connect(restored / "yiwei.sqlite") as db:
        names = [r[0] for r in db.execute("select name from campuses order by name")]
    assert names == ["本部院区"]  # the state at the backup, not after it
    # The backup is a sensitive read: its audit entry names the folder, and the backup holds it.
    with sqlite3.connect(restored / "yiwei.sqlite") as db:
        entries = db.execute("select actor_name, entity_id from audit_log where action = 'backup.create'").fetchall()
    assert len(entries) == 1 and entries[0][1] == str(tmp_path / "backup") and entries[0][0].startswith("cli:")
    # Never over an existing database; a damaged backup is refused.
    assert run("restore", "--from", str(tmp_path / "backup"), data_dir=restored).returncode == 1
    with open(tmp_path / "backup" / "yiwei.sqlite", "r+b") as f:
        f.seek(200)
        f.write(b"damage")
    damaged = run("restore", "--from", str(tmp_path / "backup"), data_dir=tmp_path / "other")
    assert damaged.returncode == 1 and "damaged" in damaged.stderr


def test_gen_data_is_deterministic_and_doctor_reports_health(tmp_path):
    counts = []
    for name in ("a", "b"):
        data = tmp_path / name
        gen = run("gen-data", "--tickets", "3000", "--articles", "50", "--seed", "11", data_dir=data)
        assert gen.returncode == 0, gen.stderr + gen.stdout
        assert "generated: 3000 tickets" in gen.stdout
        with sqlite3.connect(data / "yiwei.sqlite") as db:
            counts.append(db.execute("""select count(*), sum(status = 'closed'), sum(rating_score), sum(reopen_count),
                                       sum(response_breached), (select count(*) from ticket_events), (select count(*) from kb_articles)
                                       from tickets""").fetchone()
                          + tuple(r[0] for r in db.execute("""select t.number || t.title || t.status || u.username || coalesce(m.name, '')
                                       from tickets t join users u on u.id = t.reporter_id left join teams m on m.id = t.team_id
                                       order by t.number""")))
    assert counts[0] == counts[1]                       # the same seed, the same hospital
    with sqlite3.connect(tmp_path / "a" / "yiwei.sqlite") as db:
        # The resolutions' search index, built once after the load, holds every resolved ticket; its trigger is back.
        assert db.execute("select count(*) from ticket_fts_docsize").fetchone()[0] == \
            db.execute("select count(*) from tickets where resolution is not null").fetchone()[0] > 0
        assert db.execute("select count(*) from sqlite_master where type = 'trigger' and name = 'tickets_fts_insert'").fetchone()[0] == 1
    assert counts[0][0] == 3000 and counts[0][6] >= 50
    again = run("gen-data", "--tickets", "10", data_dir=tmp_path / "a")
    assert again.returncode == 1 and "already has tickets" in again.stderr + again.stdout
    doctor = run("doctor", data_dir=tmp_path / "a")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "✓ 数据库连接" in doctor.stdout and "✓ SQLite 完整性 quick check: ok" in doctor.stdout
    assert "✓ 工单 tickets: 3000" in doctor.stdout
    # A damaged database file is a failed check and exit status 1.
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "yiwei.sqlite").write_bytes(b"this is not a database" * 100)
    bad = run("doctor", data_dir=broken)
    assert bad.returncode != 0


def test_json_logs_carry_the_request_id_and_metrics_need_the_token(tmp_path):
    data = tmp_path / "data"
    scrape = "scrape-secret-0123456789"
    server = Server(data, YIWEI_ADMIN_PASSWORD=ADMIN_PASSWORD, YIWEI_LOG_LEVEL="info", YIWEI_METRICS_TOKEN=scrape)
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{server.port}/api/v1/tickets/00000000-0000-0000-0000-000000000000",
                                     headers={"Authorization": "Bearer " + login(server.port, "admin", ADMIN_PASSWORD)})
        try:
            urllib.request.urlopen(req, timeout=10)
        except urllib.error.HTTPError as err:
            request_id = err.headers["X-Request-Id"]
        assert request_id
        assert call(server.port, "GET", "/metrics")[0] == 401  # loopback is no way around the token
        status, text = call(server.port, "GET", "/metrics", token=scrape)
        assert status == 200
        assert 'yiwei_http_requests_total{method="GET",route="/api/v1/tickets/:ticketId",status="404"} 1' in text
        assert 'yiwei_open_tickets{priority="P1"} 0' in text
        lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
        mine = [line for line in lines if line.get("request_id") == request_id]
        assert mine and mine[0]["level"] == "info" and mine[0]["status"] == "404" and "ts" in mine[0]
    finally:
        server.stop()


POSTGRES = os.environ.get("YIWEI_CLI_POSTGRES_URL", "")


def psql(url, sql):
    out = subprocess.run(["psql", "--no-psqlrc", "-tA", "--dbname", url, "--command", sql], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.skipif(not POSTGRES, reason="needs a PostgreSQL server (scripts/test starts one)")
def test_postgres_backup_with_pg_dump_and_restore_into_an_empty_database(tmp_path):
    base = POSTGRES.rsplit("/", 1)[0]
    suffix = str(os.getpid())
    source, target = f"yw_src_{suffix}", f"yw_dst_{suffix}"
    for name in (source, target):
        psql(POSTGRES, f"DROP DATABASE IF EXISTS {name}")
        psql(POSTGRES, f"CREATE DATABASE {name}")
    try:
        src_url, dst_url = f"{base}/{source}", f"{base}/{target}"
        gen = run("gen-data", "--tickets", "500", "--seed", "3", "--database-url", src_url, data_dir=tmp_path / "src")
        assert gen.returncode == 0, gen.stderr + gen.stdout
        backup = run("backup", "--to", str(tmp_path / "backup"), "--database-url", src_url, data_dir=tmp_path / "src")
        assert backup.returncode == 0, backup.stderr + backup.stdout
        assert (tmp_path / "backup" / "yiwei.pgdump").exists()
        # Written after the backup: not in it.
        psql(src_url, "DELETE FROM ticket_events WHERE ticket_id IN (SELECT id FROM tickets WHERE number LIKE 'IT-%' LIMIT 1)")
        restore = run("restore", "--from", str(tmp_path / "backup"), "--database-url", dst_url, data_dir=tmp_path / "restored")
        assert restore.returncode == 0, restore.stderr + restore.stdout
        query = "SELECT count(*) || '/' || coalesce(sum(rating_score), 0) || '/' || (SELECT count(*) FROM ticket_events) FROM tickets"
        assert psql(dst_url, query).split("/")[:2] == psql(src_url, query).split("/")[:2]
        assert int(psql(dst_url, query).split("/")[2]) > int(psql(src_url, query).split("/")[2])
        assert run("audit", "verify", "--database-url", dst_url, data_dir=tmp_path / "restored").returncode == 0
        # Never over a database that has tables.
        again = run("restore", "--from", str(tmp_path / "backup"), "--database-url", dst_url, data_dir=tmp_path / "again")
        assert again.returncode == 1 and "not empty" in again.stderr
    finally:
        for name in (source, target):
            psql(POSTGRES, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
