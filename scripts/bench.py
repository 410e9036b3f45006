#!/usr/bin/env python3
"""Load scenarios for Yiwei (issue: benchmarks at 1,000,000 tickets), driven by wrk on loopback.

Builds nothing itself (scripts/bench builds the release binary first), generates a database once per
(tickets, articles, seed) and keeps it under .bench/ (a copy is served, so runs start from the same data),
starts the server, then runs each scenario twice with wrk: throughput with 64 connections and latency with
8. Every scenario is measured side by side with a trivial route of the same server (GET /healthz) in the
same run, so each figure is also a ratio to the framework's ceiling on this machine. Prints a Markdown
table (requests/s, p50/p99, ratio) with the server's peak RSS and start-up time.
"""
import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Yiwei@2026"
ADMIN_PASSWORD = "Bench#Root2026x"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(data_dir, database_url=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("YIWEI_")}
    e.update({"YIWEI_DATA_DIR": str(data_dir), "YIWEI_ADMIN_PASSWORD": ADMIN_PASSWORD, "YIWEI_LOG_LEVEL": "warning",
              "YIWEI_RESOURCES_DIR": str(ROOT / "Sources" / "Yiwei" / "Resources")})
    if database_url:
        e["YIWEI_DATABASE_URL"] = database_url
    return e


def call(port, method, path, body=None, token=None, opener=None, form=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    if body is not None:
        req.data = json.dumps(body).encode()
        req.add_header("Content-Type", "application/json")
    if form is not None:
        req.data = urllib.parse.urlencode(form).encode()
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with (opener or urllib.request.build_opener()).open(req, timeout=60) as res:
        return res.status, res.read().decode()


def wrk(port, path, connections, seconds, script=None, headers=()):
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)\b", out)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99), "non2xx": int(errors.group(1)) if errors else 0,
            "socket": socket_errors.group(1) if socket_errors else "", "raw": out}


def rss_peak(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", default=str(ROOT / ".build" / "release" / "yiwei"))
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--database-url", default=None, help="a PostgreSQL database (empty; filled by gen-data); default SQLite")
    ap.add_argument("--postgres", action="store_true",
                    help="start a PostgreSQL cluster of Debian's packages (kept in .bench/, filled once by gen-data) and use it")
    ap.add_argument("--only", default="", help="comma-separated scenario names")
    args = ap.parse_args()
    binary = Path(args.binary)
    if not binary.exists():
        sys.exit(f"no binary at {binary}: run scripts/bench (it builds the release binary)")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")

    work = Path(tempfile.mkdtemp(prefix="yiwei-bench-"))
    data = work / "data"
    stop_postgres = None
    if args.postgres:
        args.database_url, stop_postgres = start_postgres(ROOT / ".bench" / f"postgres-{args.tickets}-{args.articles}-{args.seed}")
    try:
        run(args, binary, work, data)
    finally:
        if stop_postgres:
            stop_postgres()


def start_postgres(cluster):
    """A PostgreSQL cluster with the server's default durability (fsync, synchronous commit), owned by the
    postgres OS user (PostgreSQL refuses root). Kept between runs, so the data is generated once. Its character
    classes are UTF-8's (C.UTF-8): with the plain C locale pg_trgm takes no trigrams from Chinese text and the
    knowledge search cannot use its index (docs/database.md)."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    if not bins:
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True)
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    pg_bin = bins[-1]
    as_postgres = ["runuser", "-u", "postgres", "--"]
    fresh = not (cluster / "data").exists()
    if fresh:
        cluster.mkdir(parents=True, exist_ok=True)
        shutil.chown(cluster, "postgres", "postgres")
        subprocess.run(as_postgres + [str(pg_bin / "initdb"), "-D", str(cluster / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                      "--locale=C.UTF-8"], check=True, capture_output=True)
    port = free_port()
    subprocess.run(as_postgres + [str(pg_bin / "pg_ctl"), "-D", str(cluster / "data"), "-l", str(cluster / "server.log"), "-w", "-t", "120",
                                  "-o", f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={cluster} -c max_connections=200",
                                  "start"], check=True, capture_output=True)
    if fresh:
        subprocess.run(as_postgres + [str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "yiwei"], check=True)

    def stop():
        subprocess.run(as_postgres + [str(pg_bin / "pg_ctl"), "-D", str(cluster / "data"), "-m", "fast", "-w", "stop"], capture_output=True)
    return f"postgres://postgres@127.0.0.1:{port}/yiwei", stop


def run(args, binary, work, data):
    if args.database_url:
        print(f"generating {args.tickets} tickets into {args.database_url.rsplit('@', 1)[-1]} …", flush=True)
        gen = subprocess.run([str(binary), "gen-data", "--tickets", str(args.tickets), "--articles", str(args.articles),
                              "--seed", str(args.seed)], env=env(data, args.database_url), capture_output=True, text=True)
        if gen.returncode != 0 and "already has tickets" not in gen.stderr + gen.stdout:
            sys.exit(gen.stdout + gen.stderr)
        marker = ROOT / ".bench" / f"postgres-{args.tickets}-{args.articles}-{args.seed}.txt"
        if gen.returncode == 0 and gen.stdout.strip():
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(gen.stdout.strip().splitlines()[-1] + "\n")
        generated = marker.read_text().strip() if marker.exists() else "(existing data)"
    else:
        cache = ROOT / ".bench" / f"sqlite-{args.tickets}-{args.articles}-{args.seed}"
        if not (cache / "yiwei.sqlite").exists():
            shutil.rmtree(cache, ignore_errors=True)
            cache.mkdir(parents=True)
            print(f"generating {args.tickets} tickets and {args.articles} articles (cached in {cache}) …", flush=True)
            t0 = time.time()
            gen = subprocess.run([str(binary), "gen-data", "--tickets", str(args.tickets), "--articles", str(args.articles),
                                  "--seed", str(args.seed)], env=env(cache), capture_output=True, text=True)
            if gen.returncode != 0:
                shutil.rmtree(cache, ignore_errors=True)
                sys.exit(gen.stdout + gen.stderr)
            (cache / "generated.txt").write_text(gen.stdout.strip().splitlines()[-1] + f" (wall {time.time() - t0:.0f} s)\n")
        # A cache generated by an older build gets this build's migrations once, here, so that the start-up measured
        # below is a start, not an upgrade (a new index on a million tickets takes seconds).
        upgrade = subprocess.run([str(binary), "doctor"], env=env(cache), capture_output=True, text=True)
        if upgrade.returncode not in (0, 1):
            sys.exit("bringing the cached database up to date failed:\n" + upgrade.stdout + upgrade.stderr)
        shutil.copytree(cache, data)
        # The copy is gigabytes of dirty pages: written out before the server starts, they do not slow its start-up.
        os.sync()
        generated = (cache / "generated.txt").read_text().strip()
    print(generated, flush=True)

    port = free_port()
    log = open(work / "server.log", "w")
    t0 = time.time()
    server = subprocess.Popen([str(binary), "serve", "--port", str(port), "--host", "127.0.0.1"], env=env(data, args.database_url),
                              stdout=log, stderr=subprocess.STDOUT)
    startup = None
    while time.time() - t0 < 60:
        try:
            if call(port, "GET", "/healthz")[0] == 200:
                startup = time.time() - t0
                break
        except OSError:
            time.sleep(0.01)
    if startup is None:
        server.kill()
        sys.exit("server did not start: " + (work / "server.log").read_text())
    try:
        lead = json.loads(call(port, "POST", "/api/v1/auth/login", {"username": "liuzhiyuan", "password": PASSWORD})[1])["token"]
        nurse = json.loads(call(port, "POST", "/api/v1/auth/login", {"username": "gen0001", "password": PASSWORD})[1])["token"]
        # A browser session for the HTML pages.
        cookies = http_cookie_session(port, "chenxiaoyu", PASSWORD)
        rows = json.loads(call(port, "GET", "/api/v1/tickets?status=in_progress&per=1", token=lead)[1])["items"]
        if not rows:
            rows = json.loads(call(port, "GET", "/api/v1/tickets?per=1", token=lead)[1])["items"]
        ticket = rows[0]["id"]
        # A day of tickets by number prefix (IT-20261206): the day of the newest IT ticket.
        newest = json.loads(call(port, "GET", "/api/v1/tickets?domain=it&per=1", token=lead)[1])["items"]
        day = newest[0]["number"][:11] if newest else "IT-2026"
        create = work / "create.lua"
        create.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                          'wrk.body = \'{"domain":"it","kind":"incident","title":"门诊收费窗口打印机无法打印","description":"打印时提示脱机",'
                          '"impact":"individual","urgency":"clinical"}\'\n')
        login = work / "login.lua"
        login.write_text('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                         f'wrk.body = \'{{"username":"gen0002","password":"{PASSWORD}"}}\'\n')
        auth_lead = f"Authorization: Bearer {lead}"
        attachment = upload_attachment(port, lead, ticket)
        scenarios = [
            ("trivial route GET /healthz (reference)", "/healthz", [], None),
            ("agent queue page GET /desk (HTML)", "/desk", [f"Cookie: {cookies}"], None),
            ("ticket list API GET /api/v1/tickets (filters)", "/api/v1/tickets?status=in_progress&domain=it&per=50", [auth_lead], None),
            ("ticket page GET /tickets/{id} (HTML)", f"/tickets/{ticket}", [f"Cookie: {cookies}"], None),
            ("ticket's attachment list GET /api/v1/tickets/{id}/attachments (no audit)", f"/api/v1/tickets/{ticket}/attachments", [auth_lead], None),
            ("attachment download GET /api/v1/attachments/{id} (audited read)", f"/api/v1/attachments/{attachment}", [auth_lead], None),
            ("ticket search, 3+ characters GET /api/v1/tickets?q=打印机", "/api/v1/tickets?q=" + urllib.parse.quote("打印机"), [auth_lead], None),
            ("ticket search, 2 characters q=打印", "/api/v1/tickets?q=" + urllib.parse.quote("打印"), [auth_lead], None),
            ("ticket search, 1 character q=网", "/api/v1/tickets?q=" + urllib.parse.quote("网"), [auth_lead], None),
            (f"ticket search, number prefix q={day}", "/api/v1/tickets?q=" + day, [auth_lead], None),
            ("ticket search, open tickets q=打印机&queue=open", "/api/v1/tickets?queue=open&q=" + urllib.parse.quote("打印机"), [auth_lead], None),
            ("ticket search, a reporter's own q=打印", "/api/v1/tickets?q=" + urllib.parse.quote("打印"), [f"Authorization: Bearer {nurse}"], None),
            ("ticket search, a word no ticket contains q=找不到的词", "/api/v1/tickets?q=" + urllib.parse.quote("找不到的词"), [auth_lead], None),
            ("knowledge search GET /api/v1/kb/search", "/api/v1/kb/search?q=" + urllib.parse.quote("打印机"), [auth_lead], None),
            ("KPIs for a month GET /api/v1/stats/kpis", "/api/v1/stats/kpis?from=2026-10-01&to=2026-11-01", [auth_lead], None),
            # Last but one: each created ticket is the nurse's and matches the searches above.
            ("create ticket POST /api/v1/tickets", "/api/v1/tickets", [f"Authorization: Bearer {nurse}"], str(create)),
            ("sign-in POST /api/v1/auth/login (bcrypt 12)", "/api/v1/auth/login", [], str(login)),
        ]
        only = [s for s in args.only.split(",") if s]
        results = []
        for name, path, headers, script in scenarios:
            if only and not any(o in name for o in only) and "reference" not in name:
                continue
            through = wrk(port, path, 64, args.seconds, script, headers)
            latency = wrk(port, path, 8, args.seconds, script, headers)
            results.append((name, through, latency))
            print(f"  {name}: {through['rps']:.0f}/s (64 conn), p50 {latency['p50']:.2f} ms, p99 {latency['p99']:.2f} ms (8 conn)"
                  + (f"  non-2xx {through['non2xx'] + latency['non2xx']}" if through['non2xx'] + latency['non2xx'] else ""), flush=True)
        rss = rss_peak(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    reference = results[0][1]["rps"]
    engine = "PostgreSQL" if args.database_url else "SQLite"
    flag = " --postgres" if args.postgres else (" --database-url …" if args.database_url else "")
    print()
    print(f"### {time.strftime('%Y-%m-%d')} — {engine}, {generated}")
    print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}; "
          f"command: `scripts/bench --tickets {args.tickets} --articles {args.articles} --seed {args.seed} --seconds {args.seconds}"
          + flag + "`")
    print()
    print("| scenario | req/s (64 conn) | × trivial | p50 ms (8 conn) | p99 ms (8 conn) | non-2xx |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, through, latency in results:
        print(f"| {name} | {through['rps']:.0f} | {through['rps'] / reference:.3f} | {latency['p50']:.2f} | {latency['p99']:.2f} | "
              f"{through['non2xx'] + latency['non2xx']} |")
    print()
    print(f"Server start-up to ready: {startup * 1000:.0f} ms; peak RSS after the runs: {rss:.0f} MB.")
    shutil.rmtree(work, ignore_errors=True)


def upload_attachment(port, token, ticket):
    """A 20 KB PNG on the ticket, for the download scenario; returns its id."""
    boundary = "----yiwei-bench"
    png = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + bytes(20_000)
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"screen.png\"\r\n"
            "Content-Type: image/png\r\n\r\n").encode() + png + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/tickets/{ticket}/attachments", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read())["id"]


def http_cookie_session(port, username, password):
    """Signs in through the login form like a browser; returns the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"http://127.0.0.1:{port}/login", timeout=30).read().decode()
    csrf = re.search(r'name="_csrf" value="([^"]+)"', page).group(1)
    req = urllib.request.Request(f"http://127.0.0.1:{port}/login", method="POST",
                                 data=urllib.parse.urlencode({"username": username, "password": password, "_csrf": csrf, "next": "/"}).encode())
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    opener.open(req, timeout=30).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


if __name__ == "__main__":
    main()
