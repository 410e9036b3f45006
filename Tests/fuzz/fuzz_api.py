"""API fuzzing: schemathesis generates requests from the served /openapi.json and checks every answer —
no 5xx, status codes, content types and bodies as documented. Runs as the IT department head (a lead) and
as the administrator, on a fresh demo hospital, with a bounded number of examples and a fixed seed; the
server must still be alive at the end (a crash is a failure even if schemathesis missed it).

Usage: python3 Tests/fuzz/fuzz_api.py [EXAMPLES]   (scripts/test runs it with 15)"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("YIWEI_BIN", ROOT / ".build" / "debug" / "yiwei"))
ADMIN_PASSWORD = "Yw#Fuzz2026x"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def login(port, username, password):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/login", method="POST",
                                 data=json.dumps({"username": username, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.loads(res.read())["token"]


def main():
    examples = sys.argv[1] if len(sys.argv) > 1 else "15"
    work = Path(tempfile.mkdtemp(prefix="yiwei-fuzz-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIWEI_")}
    env.update(YIWEI_BCRYPT_COST="4", YIWEI_ADMIN_PASSWORD=ADMIN_PASSWORD)
    log = open(work / "server.log", "w")
    server = subprocess.Popen([str(BIN), "serve", "--demo", "--port", str(port), "--host", "127.0.0.1", "--data-dir", str(work / "data")],
                              cwd="/", env=env, stdout=log, stderr=subprocess.STDOUT)
    failed = False
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("server did not start: " + (work / "server.log").read_text())
                time.sleep(0.2)
        for user, password in [("liuzhiyuan", "Yiwei@2026"), ("admin", ADMIN_PASSWORD)]:
            token = login(port, user, password)
            print(f"==> schemathesis as {user}, {examples} examples per operation", flush=True)
            rc = subprocess.run([sys.executable, "-m", "schemathesis.cli", "run", f"http://127.0.0.1:{port}/openapi.json",
                                 "-H", f"Authorization: Bearer {token}", "-n", examples, "--seed", "42", "-w", "2",
                                 "--phases", "fuzzing", "--exclude-path-regex", "/auth/",
                                 "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"],
                                cwd=work, timeout=900).returncode
            failed = failed or rc != 0
        if server.poll() is not None or "Fatal error" in (work / "server.log").read_text():
            print("the server crashed during fuzzing:\n" + (work / "server.log").read_text()[-4000:])
            failed = True
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if not failed:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"server log kept in {work}/server.log")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
