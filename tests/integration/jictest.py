"""jictest — the integration test harness: real jicd processes on 127.0.0.1.

Owns: starting and stopping jicd nodes in temporary directories, HTTP helpers
that speak TAXII 2.1 with a token, the jic CLI runner, STIX object factories
and the per-test time limit. Must not touch the data under $JIC_DATA (read
only) nor anything outside the temporary directories it creates.

Binaries come from the environment (JICD, JIC), set by ctest; when absent,
the test build in build/test is used so a file can be run by hand.
Python 3 standard library only.
"""

import base64
import ctypes
import faulthandler
import http.client
import json
import lzma
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

JICD = os.path.abspath(os.environ.get("JICD") or os.path.join(ROOT, "build", "test", "jicd"))
JIC = os.path.abspath(os.environ.get("JIC") or os.path.join(ROOT, "build", "test", "jic"))
DATA = os.environ.get("JIC_DATA") or os.path.join(ROOT, "..", "shared", "data")
TEST_DATA = os.environ.get("JIC_TEST_DATA") or os.path.join(ROOT, "tests", "data")

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
JSON = "application/json"
TOKEN_RE = re.compile(r"jic_[A-Za-z0-9_-]{20,}")

# Sanitizer reports must fail the test that caused them, not vanish with jicd.
os.environ.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
os.environ.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")

START_TIMEOUT_S = 60
HTTP_TIMEOUT_S = 60
CLI_TIMEOUT_S = 300

_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    # PR_SET_PDEATHSIG: a jicd left behind by a test that hit its time limit
    # (faulthandler exits the interpreter at once) dies with it.
    _libc.prctl(1, signal.SIGKILL)


# ---------------------------------------------------------------- time helpers

def stix_now(offset_s=0.0):
    """An RFC 3339 timestamp with milliseconds, as STIX producers write them."""
    t = time.time() + offset_s
    ms = int((t - int(t)) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % ms


def parse_ts(s):
    """RFC 3339 'Z' timestamp -> integer microseconds since the epoch."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z", s)
    if not m:
        raise ValueError("not an RFC 3339 UTC timestamp: %r" % s)
    import calendar
    secs = calendar.timegm(tuple(int(x) for x in m.groups()[:6]))
    frac = (m.group(7) or "0")[:6].ljust(6, "0")
    return secs * 1000000 + int(frac)


def fmt_us(us):
    """Microseconds -> "YYYY-MM-DDTHH:MM:SS.uuuuuuZ"."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(us // 1000000)) + ".%06dZ" % (
        us % 1000000)


# ---------------------------------------------------------------- STIX factories

def sid(typ):
    return "%s--%s" % (typ, uuid.uuid4())


def indicator(name="test indicator", created=None, modified=None, oid=None, **extra):
    created = created or stix_now()
    o = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": oid or sid("indicator"),
        "created": created,
        "modified": modified or created,
        "name": name,
        "pattern": "[ipv4-addr:value = '198.51.100.%d']" % (uuid.uuid4().int % 250),
        "pattern_type": "stix",
        "valid_from": created,
    }
    o.update(extra)
    return o


def identity(name="Test Org", **extra):
    now = stix_now()
    o = {"type": "identity", "spec_version": "2.1", "id": sid("identity"), "created": now,
         "modified": now, "name": name, "identity_class": "organization"}
    o.update(extra)
    return o


def envelope(objs):
    return {"objects": list(objs)}


def load_bundle(path):
    """The objects of a STIX bundle file, plain or .xz."""
    opener = lzma.open if path.endswith(".xz") else open
    with opener(path, "rb") as f:
        return json.load(f)["objects"]


def attack(name):
    return os.path.join(DATA, "attack", name)


# ---------------------------------------------------------------- HTTP

class Resp:
    """One HTTP answer: status, headers (lower-case keys), raw body."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self._json = None

    @property
    def json(self):
        if self._json is None:
            self._json = json.loads(self.body.decode("utf-8")) if self.body else {}
        return self._json

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<Resp %d %r>" % (self.status, self.body[:300])


def basic(token, user="taxii"):
    raw = ("%s:%s" % (user, token)).encode()
    return "Basic " + base64.b64encode(raw).decode()


def bearer(token):
    return "Bearer " + token


class Node:
    """A jicd node in its own temporary directory.

    Node() runs `jic init`, starts jicd on 127.0.0.1 with port 0 and waits for
    the port file. Use it as a context manager or call cleanup(); cleanup
    kills jicd and removes the directory whatever happened."""

    def __init__(self, extra_args=(), node_id="hq-node", member="hq", start=True,
                 tls=False, listen="127.0.0.1:0"):
        self.dir = tempfile.mkdtemp(prefix="jic-it-")
        self.db = os.path.join(self.dir, "jic.db")
        self.port_file = os.path.join(self.dir, "port")
        self.extra_args = list(extra_args)
        self.listen = listen
        self.node_id = node_id
        self.member = member
        self.proc = None
        self.port = None
        self.scheme = "http"
        self.ca = None
        self._log_n = 0
        self.token = self._init(node_id, member)
        if tls:
            self.make_cert()
        if start:
            self.start()

    # -- lifecycle

    def _init(self, node_id, member):
        r = run([JIC, "init", "--db", self.db, "--node", node_id, "--member", member,
                 "--name-en", "Joint Information Centre", "--name-ar", "مركز المعلومات المشترك",
                 "--title", "jic integration test node"])
        if r.rc != 0:
            raise RuntimeError("jic init failed (%d): %s %s" % (r.rc, r.out, r.err))
        m = TOKEN_RE.search(r.out)
        if not m:
            raise RuntimeError("jic init printed no token: %r" % r.out)
        return m.group(0)

    def make_cert(self):
        """A self-signed certificate for 127.0.0.1; jicd then serves HTTPS."""
        cert = os.path.join(self.dir, "cert.pem")
        key = os.path.join(self.dir, "key.pem")
        r = run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                 "-days", "2", "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        if r.rc != 0:
            raise RuntimeError("openssl failed: %s" % r.err)
        self.extra_args += ["--cert", cert, "--key", key]
        self.scheme = "https"
        self.ca = cert

    def argv(self):
        return [JICD, "--db", self.db, "--listen", self.listen, "--port-file",
                self.port_file] + self.extra_args

    def start(self):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self._log_n += 1
        self.out_path = os.path.join(self.dir, "jicd.%d.out" % self._log_n)
        self.err_path = os.path.join(self.dir, "jicd.%d.err" % self._log_n)
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(self.argv(), stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL,
                                         preexec_fn=_die_with_parent)
        deadline = time.time() + START_TIMEOUT_S
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("jicd exited with %d at start: %s" %
                                   (self.proc.returncode, self.stderr()))
            try:
                with open(self.port_file) as f:
                    txt = f.read().strip()
                if txt:
                    self.port = int(txt)
                    if self._port_open():
                        return
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        raise RuntimeError("jicd did not write its port in %ds: %s" %
                           (START_TIMEOUT_S, self.stderr()))

    def _port_open(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
            return True
        except OSError:
            return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, sig=signal.SIGKILL, wait=True):
        """Sends sig to jicd; returns its exit status when wait (None otherwise)."""
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(sig)
        if not wait:
            return None
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def stop(self):
        """SIGTERM and wait: jicd's exit status."""
        return self.kill(signal.SIGTERM)

    def restart(self):
        if self.alive():
            self.stop()
        self.start()

    def stderr(self):
        try:
            with open(self.err_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except (OSError, AttributeError):
            return ""

    def stdout(self):
        try:
            with open(self.out_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except (OSError, AttributeError):
            return ""

    def cleanup(self):
        """Stops jicd with SIGTERM (a leak or sanitizer report at exit makes
        its status non-zero, and fails the test here) and removes the
        directory in every case."""
        err = None
        try:
            if self.alive():
                self.proc.send_signal(signal.SIGTERM)
                try:
                    rc = self.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=30)
                    rc = "killed after 30 s"
                if rc != 0:
                    err = "jicd stopped with %s: %s" % (rc, self.stderr())
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
        if err:
            raise AssertionError(err)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

    # -- HTTP

    @property
    def url(self):
        return "%s://127.0.0.1:%d" % (self.scheme, self.port)

    def connection(self, timeout=HTTP_TIMEOUT_S):
        if self.scheme == "https":
            ctx = ssl.create_default_context(cafile=self.ca)
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(self, method, path, body=None, token=None, auth=None, accept=TAXII,
                content_type=None, headers=None, params=None):
        """One request on a new connection. token: the token to send (default
        the admin's; "" sends none); auth overrides the Authorization header.
        body: bytes, str, or a JSON-able value. params: dict or list of pairs."""
        hdrs = {}
        if accept is not None:
            hdrs["Accept"] = accept
        tok = self.token if token is None else token
        if auth is not None:
            hdrs["Authorization"] = auth
        elif tok:
            hdrs["Authorization"] = basic(tok)
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body, ensure_ascii=False)
        if isinstance(body, str):
            body = body.encode("utf-8")
        if body is not None:
            hdrs["Content-Type"] = content_type or TAXII
        elif content_type:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        if params:
            path += "?" + urllib.parse.urlencode(params, safe="[],:")
        conn = self.connection()
        try:
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            return Resp(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def api(self, method, path, body=None, token=None, expect=None):
        """The management API under /jic/v1/ (application/json). With expect,
        fails unless the status is one of it; returns the Resp."""
        r = self.request(method, "/jic/v1/" + path.lstrip("/"), body=body, token=token,
                         accept=JSON, content_type=JSON if body is not None else None)
        if expect is not None:
            ok = expect if isinstance(expect, (tuple, list, set)) else (expect,)
            if r.status not in ok:
                raise AssertionError("%s /jic/v1/%s: expected %s, got %r" %
                                     (method, path, expect, r))
        return r

    # -- management shortcuts (admin token unless told)

    def add_member(self, mid, kind="full", name_en=None, name_ar=None):
        return self.api("POST", "members", {"id": mid, "name_en": name_en or mid.title(),
                                            "name_ar": name_ar or "عضو " + mid, "kind": kind},
                        expect=201).json

    def add_account(self, aid, member, role="analyst", token=None):
        return self.api("POST", "accounts", {"id": aid, "member": member, "role": role},
                        token=token, expect=201).json

    def new_token(self, account, label="test", expires=None, token=None):
        """Creates a token; returns (secret, token resource)."""
        body = {"account": account, "label": label}
        if expires is not None:
            body["expires"] = expires
        j = self.api("POST", "tokens", body, token=token, expect=201).json
        return j["token"], j

    def add_collection(self, alias, owner=None, title=None, description=""):
        body = {"alias": alias, "title": title or alias, "description": description,
                "owner": owner or self.member}
        return self.api("POST", "collections", body, expect=201).json["id"]

    def grant(self, collection, member, right):
        return self.api("PUT", "collections/%s/grants/%s" % (collection, member),
                        {"right": right}, expect=200).json

    def principal(self, aid, member, role="analyst"):
        """An account with a fresh token; returns the token."""
        self.add_account(aid, member, role)
        return self.new_token(aid)[0]

    # -- TAXII shortcuts

    def objects_path(self, coll, oid=None, sub=""):
        p = "/api/collections/%s/objects/" % coll
        if oid:
            p += oid + "/"
        return p + sub

    def push(self, coll, objs, token=None, expect=202):
        """POSTs one envelope; returns the status resource (the 202 body)."""
        r = self.post(self.objects_path(coll), envelope(objs), token=token)
        if expect is not None and r.status != expect:
            raise AssertionError("POST objects: expected %d, got %r" % (expect, r))
        return r.json

    def push_many(self, coll, objs, batch=250, token=None):
        """POSTs objs in batches; returns the list of status resources."""
        return [self.push(coll, objs[i:i + batch], token=token)
                for i in range(0, len(objs), batch)]

    def fetch_all(self, coll, params=None, limit=None, token=None, kind="objects"):
        """Follows more/next on objects or manifest; returns (items, pages)."""
        # a list of pairs keeps repeated keys
        base = list(params.items()) if isinstance(params, dict) else list(params or [])
        if limit:
            base.append(("limit", str(limit)))
        items, pages, params = [], 0, base
        path = ("/api/collections/%s/%s/" % (coll, kind))
        while True:
            r = self.get(path, params=params, token=token)
            if r.status != 200:
                raise AssertionError("GET %s %s: %r" % (path, params, r))
            pages += 1
            items += r.json.get("objects", [])
            if not r.json.get("more"):
                return items, pages
            params = base + [("next", r.json["next"])]
            if pages > 100000:
                raise AssertionError("pagination does not end")

    def cli(self, *args, token=None, json_out=False, url=None, env=None, stdin=None,
            timeout=CLI_TIMEOUT_S):
        """Runs `jic --url URL --token TOKEN [--json] ARGS`; returns a Run."""
        argv = [JIC, "--url", url or self.url]
        tok = self.token if token is None else token
        if tok:
            argv += ["--token", tok]
        if self.ca:
            argv += ["--ca", self.ca]
        if json_out:
            argv.append("--json")
        return run(argv + list(args), env=env, stdin=stdin, timeout=timeout)


class Run:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    @property
    def json(self):
        return json.loads(self.out)

    def __repr__(self):
        return "<Run rc=%d out=%r err=%r>" % (self.rc, self.out[:500], self.err[:500])


def run(argv, env=None, stdin=None, timeout=CLI_TIMEOUT_S):
    e = dict(os.environ)
    e.pop("JIC_URL", None)
    e.pop("JIC_TOKEN", None)
    e.update(env or {})
    p = subprocess.run(argv, input=stdin.encode() if isinstance(stdin, str) else stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e,
                       timeout=timeout, preexec_fn=_die_with_parent)
    return Run(p.returncode, p.stdout.decode("utf-8", "replace"),
               p.stderr.decode("utf-8", "replace"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------- test base

class TestCase(unittest.TestCase):
    """Every test gets a hard time limit: past it, the stacks are dumped and
    the process exits (jicd children die with it, see _die_with_parent)."""

    TIMEOUT_S = 180

    def setUp(self):
        faulthandler.dump_traceback_later(self.TIMEOUT_S, exit=True)
        self.addCleanup(faulthandler.cancel_dump_traceback_later)

    @classmethod
    def node(cls, *a, **kw):
        """A node cleaned up at the end of the class (use in setUpClass)."""
        n = Node(*a, **kw)
        cls.addClassCleanup(n.cleanup)
        return n

    def fresh_node(self, *a, **kw):
        """A node cleaned up at the end of this test."""
        n = Node(*a, **kw)
        self.addCleanup(n.cleanup)
        return n

    def assertTaxiiError(self, r, status):
        """r is a TAXII error object with this status."""
        self.assertEqual(r.status, status, r)
        j = r.json
        self.assertIsInstance(j, dict, r)
        self.assertIn("title", j, r)
        self.assertIn(str(j.get("http_status")), (str(status),), r)
        return j

    def assertTaxiiMedia(self, r):
        ct = (r.header("content-type") or "").replace(" ", "").lower()
        self.assertTrue(ct.startswith("application/taxii+json"), ct)
        self.assertIn("version=2.1", ct)


def main():
    if not (os.access(JICD, os.X_OK) and os.access(JIC, os.X_OK)):
        sys.stderr.write("jictest: binaries not found (JICD=%s JIC=%s)\n" % (JICD, JIC))
    faulthandler.enable()
    unittest.main(verbosity=2)


# ---------------------------------------------------------------- federation
#
# Several nodes that pull from each other (docs/api.md, "Federation"). Nodes of
# a federation listen on fixed ports, so that a node killed and restarted keeps
# the URL its peers know it by.

PROVENANCE = {"X-JIC-Provenance": "1"}


def wait_until(pred, timeout=90, what="a condition", interval=0.05):
    """Polls pred until it returns a true value, which it returns. Past
    timeout, fails with what and pred's last value (a falsy value that says
    why helps: an empty list, a count)."""
    deadline = time.time() + timeout
    while True:
        last = pred()
        if last:
            return last
        if time.time() > deadline:
            raise AssertionError("timed out after %ss waiting for %s (last: %r)" %
                                 (timeout, what, last))
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def db_query(path, sql, args=()):
    """Rows of sql on the SQLite database at path, opened read-only beside
    a running jicd (WAL readers do not block it)."""
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True, timeout=30)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def db_exec(path, sql, args=()):
    """Runs one write on the database at path (to forge what a compromised
    node would hold)."""
    import sqlite3
    con = sqlite3.connect(path, timeout=30)
    try:
        with con:
            con.execute(sql, args)
    finally:
        con.close()


class FedNode(Node):
    """A node of a federation: member m runs node "m-node" on a fixed port."""

    def __init__(self, member, node_id=None, extra_args=(), port=None, **kw):
        self.fixed_port = port or free_port()
        super().__init__(extra_args=extra_args, node_id=node_id or member + "-node",
                         member=member, listen="127.0.0.1:%d" % self.fixed_port, **kw)

    # -- what the node stores, read from its database

    def versions(self, coll=None):
        """(collection id, object id, modified, origin member, origin node)
        of every stored version, from SQLite."""
        sql = ("SELECT c.id, o.id, o.modified, o.origin_member, o.origin_node "
               "FROM objects o JOIN collections c ON c.ckey = o.coll")
        args = ()
        if coll:
            sql += " WHERE c.id = ? OR c.alias = ?"
            args = (coll, coll)
        return db_query(self.db, sql, args)

    def version_counts(self, coll=None):
        """{(object id, modified): rows} of one collection; with no coll,
        {(collection id, object id, modified): rows} of all."""
        counts = {}
        for cid, oid, mod, _, _ in self.versions(coll):
            k = (oid, mod) if coll else (cid, oid, mod)
            counts[k] = counts.get(k, 0) + 1
        return counts

    def stored_json(self, oid, coll=None):
        """The stored JSON documents of oid (every version), from SQLite."""
        sql = ("SELECT o.json FROM objects o JOIN collections c ON c.ckey = o.coll "
               "WHERE o.id = ?")
        args = [oid]
        if coll:
            sql += " AND (c.id = ? OR c.alias = ?)"
            args += [coll, coll]
        return [json.loads(r[0]) for r in db_query(self.db, sql, args)]

    def db_contains(self, needle):
        """Whether any stored version, or any version kept apart as a conflict,
        holds needle in its JSON."""
        n = 0
        for table in ("objects", "conflicts"):
            n += db_query(self.db, "SELECT count(*) FROM %s WHERE instr(json, ?) > 0" % table,
                          (needle,))[0][0]
        return n > 0

    def added_us(self, coll):
        """{(object id, modified): date_added µs} of coll, from SQLite."""
        rows = db_query(self.db, "SELECT o.id, o.modified, o.date_added_us FROM objects o "
                        "JOIN collections c ON c.ckey = o.coll WHERE c.id = ? OR c.alias = ?",
                        (coll, coll))
        return {(i, m): a for i, m, a in rows}

    def integrity(self):
        return db_query(self.db, "PRAGMA integrity_check")

    # -- the federation API

    def add_peer(self, pid, member, url, account, token, pulls, api_root="/api/",
                 ca_pem=None, pin=None, expect=201):
        body = {"id": pid, "member": member, "url": url, "api_root": api_root,
                "account": account, "token": token,
                "pulls": [p if isinstance(p, dict) else {"remote": p} for p in pulls]}
        if ca_pem is not None:
            body["ca_pem"] = ca_pem
        if pin is not None:
            body["pin_sha256"] = pin
        return self.api("POST", "peers", body, expect=expect)

    def sync_now(self):
        return self.api("POST", "sync/now", {}, expect=202)

    def pulls(self):
        return self.api("GET", "sync", expect=200).json["pulls"]

    def pull_state(self, peer, remote=None):
        """The pull of (peer, remote) from GET /jic/v1/sync; with no remote, the
        peer's only pull."""
        mine = [p for p in self.pulls() if p["peer"] == peer and
                (remote is None or p["remote"] == remote)]
        if len(mine) != 1:
            raise AssertionError("%s: %d pulls of %s %s" % (self.node_id, len(mine), peer,
                                                            remote))
        return mine[0]

    def pull_succeeded(self, peer, remote=None, timeout=60):
        """The pull's state once a poll of it has ended well. A page's objects
        are stored with the pull's cursor, but the poll's success is recorded
        with its last page, so a test that saw the objects waits for this."""
        def check():
            self.sync_now()
            st = self.pull_state(peer, remote)
            return st if st["last_success"] and not st["last_error"] else None
        return wait_until(check, timeout, "a successful poll of %s by %s" % (peer, self.node_id))

    def conflicts(self):
        return self.api("GET", "conflicts", expect=200).json["conflicts"]

    def fetch_origins(self, coll, token=None):
        """Every version of coll with its provenance: [(object, [member, node])]."""
        out, params = [], [("match[version]", "all"), ("limit", "1000")]
        path = "/api/collections/%s/objects/" % coll
        while True:
            r = self.get(path, params=params, token=token, headers=PROVENANCE)
            if r.status != 200:
                raise AssertionError("GET %s: %r" % (path, r))
            objs = r.json.get("objects", [])
            origins = r.json.get("x_jic_origins")
            if origins is None or len(origins) != len(objs):
                raise AssertionError("x_jic_origins missing or of the wrong length: %r" % r)
            out += list(zip(objs, origins))
            if not r.json.get("more"):
                return out
            params = [("match[version]", "all"), ("limit", "1000"),
                      ("next", r.json["next"])]


class Federation:
    """Nodes of members that pull from each other, cleaned up with the test
    (or class) that made it. Every node knows every member; every node holds
    the shared collection COALITION (same id everywhere: each member writes to
    it on its own node, the others read) and a member-only collection
    "<member>-only" that only its member may read.

    A node's account at a peer is a regular analyst account of the node's
    member, made at the peer by the peer's admin, with a read grant at the
    source: the source decides what leaves it."""

    COALITION = "5a7c0a1e-0000-4000-8000-00000000c0a1"

    def __init__(self, members, cleanup, interval_ms=200, extra_args=(), tls=()):
        self.members = list(members)
        self.nodes = {}
        self.links = {}
        self.secrets = {}  # (source, puller) -> [token secrets made at source]
        for m in self.members:
            args = ["--sync-interval", str(interval_ms), "--log-level", "warn"]
            n = FedNode(m, extra_args=args + list(extra_args), tls=m in tls)
            cleanup(n.cleanup)
            self.nodes[m] = n
        for n in self.nodes.values():
            self._setup(n)

    def __getitem__(self, member):
        return self.nodes[member]

    def _setup(self, n):
        for m in self.members:
            if m != n.member:
                n.add_member(m)
        n.api("POST", "collections", {"id": self.COALITION, "alias": "coalition",
                                      "title": "Coalition picture", "description": "",
                                      "owner": n.member}, expect=201)
        for m in self.members:
            n.grant(self.COALITION, m, "write" if m == n.member else "read")
        only = n.add_collection(n.member + "-only", owner=n.member)
        n.grant(only, n.member, "write")

    def account_at(self, source, puller, grant=None):
        """puller's account at source (made once) and a fresh token:
        (account id, token secret, token resource)."""
        src, dst = self.nodes[source], self.nodes[puller]
        acct = "node-" + dst.node_id
        if (source, puller) not in self.links:
            src.add_account(acct, puller)
            self.links[(source, puller)] = acct
        if grant:
            coll, right = grant
            src.grant(coll, puller, right)
        secret, res = src.new_token(acct, label="pull by " + dst.node_id)
        self.secrets.setdefault((source, puller), []).append(secret)
        return acct, secret, res

    def link(self, puller, source, pulls=None, peer_id=None, **kw):
        """puller pulls pulls (default: the coalition) from source; returns the
        token resource of puller's account at source."""
        acct, secret, res = self.account_at(source, puller)
        src = self.nodes[source]
        self.nodes[puller].add_peer(peer_id or source, source, src.url, acct, secret,
                                    pulls or [self.COALITION], **kw)
        return res

    def hub_and_spoke(self, hub):
        """Every other node pulls the coalition from hub; hub pulls each one's."""
        for m in self.members:
            if m != hub:
                self.link(m, hub)
                self.link(hub, m)

    def sync_now(self):
        for n in self.nodes.values():
            if n.alive():
                n.sync_now()

    def converge(self, expect, coll=None, timeout=120):
        """Waits until every node in expect ({member: set of (id, modified)})
        stores at least those versions of coll, nudging them with sync now."""
        coll = coll or self.COALITION

        def missing():
            self.sync_now()
            out = {}
            for m, want in expect.items():
                have = set(self.nodes[m].version_counts(coll))
                lack = want - have
                if lack:
                    out[m] = len(lack)
            return out

        state = {}

        def done():
            state["missing"] = missing()
            return not state["missing"]

        try:
            wait_until(done, timeout, "convergence")
        except AssertionError:
            raise AssertionError("no convergence in %ss; versions missing per node: %r" %
                                 (timeout, state.get("missing")))
