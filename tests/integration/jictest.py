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
