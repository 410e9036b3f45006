"""API fuzzing: schemathesis generates requests from the served /openapi.json and checks every answer —
no 5xx, status codes, content types and bodies as documented — as every role of a fresh demo hospital
(lead, service desk, engineer, vendor engineer, reporter, auditor, system and security administrator).

Path parameters and id fields in bodies are drawn, most of the time, from the demo hospital's real
records (found by listing each collection before the run), so the operations are reached past their
lookups and permission checks with valid and invalid bodies alike; the rest of the time schemathesis
generates them. At the end it prints, from the recorded traffic, the operations that no role reached past
401/403/404, and fails when any of them is not on the short list of those that cannot be reached with
generated data. The server must still be alive at the end (a crash is a failure even if schemathesis
missed it).

Usage: python3 Tests/fuzz/fuzz_api.py [EXAMPLES]   (scripts/test runs it with 15; the lead gets EXAMPLES
per operation, the other roles a quarter of it; about 4 minutes with 15)"""
import json
import os
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

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("YIWEI_BIN", ROOT / ".build" / "debug" / "yiwei"))
ADMIN_PASSWORD = "Yw#Fuzz2026x"
SECURITY_PASSWORD = "Yw#FuzzSec26x"
DEMO_PASSWORD = "Yiwei@2026"
# (account, role it stands for); the lead first, with the most examples.
ACCOUNTS = [("liuzhiyuan", "lead"), ("chenxiaoyu", "dispatcher"), ("liming", "agent"), ("chenzhiqiang", "vendor"),
            ("zhangwei", "reporter"), ("xiewenjing", "auditor"), ("admin", "admin"), ("security", "security")]
# Operations no role reaches past 401/403/404 with generated data, and why.
UNREACHABLE = {
    "POST /api/v1/outbox/{messageId}/retry": "the demo hospital has no robot channel, so no outgoing message to retry "
                                             "(a channel would send messages out of the machine); OutboxTests retry one",
    "GET /api/v1/deliverables/{deliverableId}/files/{fileId}": "the demo deliverables have no files (uploads are multipart); "
                                                                "DeliverableTests download one",
    "GET /api/v1/kb/articles/{articleId}/revision": "no pending revision in the demo knowledge base; KnowledgeRevisionTests",
}
UUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port, path, token=None, method="GET", body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=20) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def login(port, username, password):
    status, body = call(port, "/api/v1/auth/login", method="POST", body={"username": username, "password": password})
    if status != 200:
        raise RuntimeError(f"login {username}: {status} {body[:200]}")
    return json.loads(body)["token"]


def seed(port, tokens):
    """Records the demo hospital lacks, so the operations on them are reached: downtime, a ticket link, a saved
    filter, a subscription and the notification it sends, a scorecard draft, a vendor's service fee, a duty shift."""
    lead, admin, nurse = tokens["liuzhiyuan"], tokens["admin"], tokens["zhangwei"]
    first = lambda path, token: json.loads(call(port, path, token)[1])["items"][0]
    system, vendor = first("/api/v1/business-systems", lead)["id"], first("/api/v1/vendors", lead)["id"]
    tickets = json.loads(call(port, "/api/v1/tickets?per=2", lead)[1])["items"]
    steps = [
        (lead, "POST", "/api/v1/outages", {"businessSystemId": system, "kind": "outage", "startedAt": "2026-12-01T01:00:00Z",
                                           "endedAt": "2026-12-01T02:00:00Z", "description": "HIS 停机一小时"}),
        (lead, "POST", f"/api/v1/tickets/{tickets[0]['id']}/links", {"type": "caused_by", "target": tickets[1]["number"]}),
        (lead, "POST", "/api/v1/saved-filters", {"name": "我的P1", "query": "priority=P1"}),
        (admin, "POST", "/api/v1/notification-subscriptions", {"name": "P1 通知组长", "event": "ticket.p1", "role": "lead"}),
        (nurse, "POST", "/api/v1/tickets", {"domain": "it", "kind": "incident", "title": "全院 HIS 无法登录", "description": "所有窗口报错",
                                            "impact": "hospital", "urgency": "patient_safety"}),
        (lead, "POST", "/api/v1/scorecards", {"vendorId": vendor, "month": "2026-11"}),
        (lead, "PUT", f"/api/v1/vendors/{vendor}/service-fee", {"monthlyFee": "80000.00", "contractTotal": "960000.00"}),
    ]
    made = {}
    for token, method, path, body in steps:
        status, answer = call(port, path, token, method=method, body=body)
        if status >= 300:
            raise RuntimeError(f"seeding {method} {path}: {status} {answer[:300]}")
        made[path] = json.loads(answer)
    # A roster entry to list and delete: a shift type and one future shift of a demo team's member.
    team = next(t for t in json.loads(call(port, "/api/v1/teams?per=50", lead)[1])["items"] if t.get("memberIds"))
    status, answer = call(port, "/api/v1/duty/shift-types", lead, method="POST",
                          body={"name": "夜班", "start": "17:30", "end": "08:00", "level": "primary"})
    if status >= 300:
        raise RuntimeError(f"seeding a shift type: {status} {answer[:300]}")
    status, answer = call(port, "/api/v1/duty/shifts", lead, method="POST",
                          body={"teamId": team["id"], "userId": team["memberIds"][0], "shiftTypeId": json.loads(answer)["id"], "date": "2027-06-15"})
    if status >= 300:
        raise RuntimeError(f"seeding a shift: {status} {answer[:300]}")
    # Links have no list of their own (they come with the ticket): bind the one made here.
    link = made[f"/api/v1/tickets/{tickets[0]['id']}/links"]
    link_id = (link[0] if isinstance(link, list) else link)["id"]
    # An attachment to download (the demo tickets have none).
    boundary = "----yiwei-fuzz"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"截图.png\"\r\nContent-Type: image/png\r\n\r\n").encode() \
        + bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + bytes(64) + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/tickets/{tickets[0]['id']}/attachments", data=body, method="POST",
                                 headers={"Authorization": f"Bearer {lead}", "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=20) as res:
        attachment = json.loads(res.read())["id"]
    return {("/api/v1/tickets/{ticketId}/links/{linkId}", "ticketId"): [tickets[0]["id"]],
            ("/api/v1/tickets/{ticketId}/links/{linkId}", "linkId"): [link_id],
            ("/api/v1/attachments/{attachmentId}", "attachmentId"): [attachment]}


def ids_in(payload):
    """Every `id` of a list answer (a bare list or a page with `items`)."""
    items = payload.get("items", []) if isinstance(payload, dict) else payload if isinstance(payload, list) else []
    return [item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str) and UUID.match(item["id"])]


def collect_ids(port, spec, tokens):
    """Real ids per (path template, parameter): the collection before each `{param}` is listed by the first
    role that may; earlier parameters take the first id found for them."""
    found = {}
    first = {}
    for template in sorted(spec["paths"].keys(), key=len):
        parts = template.split("/")
        for i, part in enumerate(parts):
            if not (part.startswith("{") and part.endswith("}")):
                continue
            prefix = parts[:i]
            collection = "/".join(prefix)
            if "get" not in spec["paths"].get(collection, {}):
                break
            if any((collection_of(prefix, j), name) not in first for j, name in earlier_positions(prefix)):
                break
            url = "/".join(first[(collection_of(prefix, j), p[1:-1])] if p.startswith("{") else p
                           for j, p in enumerate(prefix))
            for token in tokens:
                status, body = call(port, url + "?per=50", token)
                if status != 200:
                    continue
                try:
                    values = ids_in(json.loads(body))
                except ValueError:
                    values = []
                if values:
                    found[(template, part[1:-1])] = values
                    first.setdefault((collection, part[1:-1]), values[0])
                    # A nested record belongs to the parent it was listed under: bind the parent to that one.
                    for j, name in earlier_positions(prefix):
                        found[(template, name)] = [first[(collection_of(prefix, j), name)]]
                    break
    # A parameter without a collection of its own (`/kb/articles/from-ticket/{ticketId}`) takes the ids of
    # another path's parameter of the same name.
    by_name = {}
    for (template, param), values in found.items():
        by_name.setdefault(param, values)
    for template in spec["paths"]:
        for param in re.findall(r"\{([^}]+)\}", template):
            if (template, param) not in found and param in by_name and param != "id":
                found[(template, param)] = by_name[param]
    return found


def collection_of(parts, j):
    """The collection path that the parameter at position `j` of `parts` names a member of."""
    return "/".join(parts[:j])


def earlier_positions(parts):
    return [(j, p[1:-1]) for j, p in enumerate(parts) if p.startswith("{")]


def config(found, work):
    """A schemathesis.toml binding each operation's path parameters to the real ids of its collection."""
    lines = []
    names = {}
    for n, ((template, param), values) in enumerate(sorted(found.items())):
        names[(template, param)] = f"ids{n}"
        lines.append(f"[dictionaries.ids{n}]")
        lines.append("values = [" + ", ".join(json.dumps(v) for v in values[:50]) + "]")
        lines.append("")
    by_template = {}
    for (template, param), name in names.items():
        by_template.setdefault(template, []).append((param, name))
    for template, params in sorted(by_template.items()):
        lines.append("[[operations]]")
        lines.append(f"include-path = {json.dumps(template)}")
        bindings = ", ".join(f'"path.{param}" = {{ dictionary = "{name}", probability = 0.85 }}' for param, name in params)
        lines.append(f"parameters = {{ {bindings} }}")
        lines.append("")
    path = work / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def reached(spec, har_files):
    """Per operation, the statuses any role got (from the recorded traffic)."""
    patterns = []
    for template, methods in spec["paths"].items():
        regex = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$")
        for method in methods:
            if method in ("get", "post", "put", "patch", "delete"):
                patterns.append((method.upper(), regex, f"{method.upper()} {template}"))
    # Literal segments first: /users/lookup is not /users/{userId}.
    patterns.sort(key=lambda p: p[2].count("{"))
    statuses = {name: set() for _, _, name in patterns}
    for har in har_files:
        if not har.exists():
            continue
        for entry in json.loads(har.read_text()).get("log", {}).get("entries", []):
            method = entry["request"]["method"]
            path = urllib.parse.urlsplit(entry["request"]["url"]).path
            for m, regex, name in patterns:
                if m == method and regex.match(path):
                    statuses[name].add(entry["response"]["status"])
                    break
    return statuses


def main():
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    work = Path(tempfile.mkdtemp(prefix="yiwei-fuzz-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("YIWEI_")}
    env.update(YIWEI_BCRYPT_COST="4", YIWEI_ADMIN_PASSWORD=ADMIN_PASSWORD, YIWEI_SECURITY_PASSWORD=SECURITY_PASSWORD)
    log = open(work / "server.log", "w")
    server = subprocess.Popen([str(BIN), "serve", "--demo", "--port", str(port), "--host", "127.0.0.1", "--data-dir", str(work / "data")],
                              cwd="/", env=env, stdout=log, stderr=subprocess.STDOUT)
    failed = False
    started = time.time()
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
        passwords = {"admin": ADMIN_PASSWORD, "security": SECURITY_PASSWORD}
        tokens = {user: login(port, user, passwords.get(user, DEMO_PASSWORD)) for user, _ in ACCOUNTS}
        spec = json.loads(call(port, "/openapi.json")[1])
        seeded = seed(port, tokens)
        found = collect_ids(port, spec, [tokens["liuzhiyuan"], tokens["admin"], tokens["chenzhiqiang"], tokens["zhangwei"]])
        found.update(seeded)
        toml = config(found, work)
        print(f"real ids for {len(found)} path parameters of {len({t for t, _ in found})} paths", flush=True)
        hars = []
        for user, role in ACCOUNTS:
            n = examples if role == "lead" else max(3, examples // 4)
            har = work / f"{role}.har"
            hars.append(har)
            print(f"==> schemathesis as {user} ({role}), {n} examples per operation", flush=True)
            rc = subprocess.run([sys.executable, "-m", "schemathesis.cli", "--config-file", str(toml), "run",
                                 f"http://127.0.0.1:{port}/openapi.json",
                                 "-H", f"Authorization: Bearer {tokens[user]}", "-n", str(n), "--seed", "42", "-w", "1",
                                 "--phases", "fuzzing", "--exclude-path-regex", "/auth/", "--warnings", "off",
                                 "--report", "har", "--report-har-path", str(har),
                                 "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"],
                                cwd=work, timeout=900).returncode
            failed = failed or rc != 0
        statuses = reached(spec, hars)
        # The sign-in routes are left out of the run (a fuzzed password change or logout would end the session).
        statuses = {name: got for name, got in statuses.items() if "/api/v1/auth/" not in name and name != "GET /openapi.json"}
        blocked = sorted(name for name, got in statuses.items() if not got or got <= {401, 403, 404})
        fine = [name for name, got in statuses.items() if got and not got <= {401, 403, 404}]
        print(f"\n{len(fine)} of {len(statuses)} operations reached past 401/403/404 by at least one role "
              f"({time.time() - started:.0f} s in all)")
        unexpected = [name for name in blocked if name not in UNREACHABLE]
        for name in blocked:
            print(f"  not reached: {name} {sorted(statuses[name])}" + (f" — {UNREACHABLE[name]}" if name in UNREACHABLE else ""))
        if unexpected:
            print(f"{len(unexpected)} operation(s) never reached past their checks")
            failed = True
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
            print(f"server log and reports kept in {work}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
