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
        self.proc.wait(timeout=20)
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


def test_bad_configuration_is_named(tmp_path):
    res = run("migrate", data_dir=tmp_path / "d", YIWEI_PORT="eighty")
    assert res.returncode == 2
    assert "YIWEI_PORT" in res.stderr


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
    # Never over an existing database; a damaged backup is refused.
    assert run("restore", "--from", str(tmp_path / "backup"), data_dir=restored).returncode == 1
    with open(tmp_path / "backup" / "yiwei.sqlite", "r+b") as f:
        f.seek(200)
        f.write(b"damage")
    damaged = run("restore", "--from", str(tmp_path / "backup"), data_dir=tmp_path / "other")
    assert damaged.returncode == 1 and "damaged" in damaged.stderr
