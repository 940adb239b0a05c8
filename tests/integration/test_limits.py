"""Robustness: caps on headers and URL, slow clients, malformed input of every
kind, plain HTTP off loopback, HTTPS with a self-signed certificate (also
through the CLI's --ca), and /metrics in Prometheus text format.
Owns nothing but its temporary nodes."""

import os
import re
import socket
import ssl
import time

import jictest
from jictest import indicator

METRIC_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)'
                       r'( -?[0-9]+)?$')


def raw_exchange(port, data, timeout=30):
    """Sends raw bytes, returns what comes back until the server closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out and len(out) > 4096:
                break
        return out
    finally:
        s.close()


def status_of(raw):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", raw)
    return int(m.group(1)) if m else None


def parse_metrics(text):
    """{(name, labels): value}; fails on any line that is not Prometheus text."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            if line.startswith("# TYPE") or line.startswith("# HELP") or not line:
                continue
            raise AssertionError("bad comment line %r" % line)
        m = METRIC_RE.match(line)
        if not m:
            raise AssertionError("not Prometheus text: %r" % line)
        out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


class Limits(jictest.TestCase):

    @classmethod
    def setUpClass(cls):
        n = cls.n = cls.node(extra_args=["--timeout", "2"])
        cls.coll = n.add_collection("limits")
        n.grant(cls.coll, "hq", "write")

    def alive(self, n=None):
        n = n or self.n
        self.assertTrue(n.alive(), n.stderr())
        self.assertEqual(n.get("/taxii2/").status, 200)

    def oversized(self, head):
        """Sends an oversized request head; the answer must be a 4xx, unless
        the server cut the connection before the client could finish sending."""
        s = socket.create_connection(("127.0.0.1", self.n.port), timeout=30)
        cut = False
        out = b""
        try:
            try:
                s.sendall(head)
            except (BrokenPipeError, ConnectionResetError):
                cut = True
            while True:
                try:
                    chunk = s.recv(65536)
                except (ConnectionResetError, socket.timeout):
                    break
                if not chunk:
                    break
                out += chunk
        finally:
            s.close()
        st = status_of(out)
        if st is None and cut:
            return
        self.assertIsNotNone(st, out[:200])
        self.assertTrue(400 <= st < 500, out[:300])

    def head(self, target, extra=b""):
        return (b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " +
                jictest.basic(self.n.token).encode() + b"\r\nConnection: close\r\n" +
                extra + b"\r\n")

    def test_huge_header(self):
        self.oversized(self.head(b"/taxii2/", b"X-Big: " + b"a" * 200000 + b"\r\n"))
        self.oversized(self.head(b"/taxii2/", b"".join(b"X-H%d: %s\r\n" % (k, b"v" * 100)
                                                       for k in range(2000))))
        self.alive()

    def test_huge_url(self):
        self.oversized(self.head(b"/api/collections/%s/objects/?match[id]=%s" %
                                 (self.coll.encode(), b"x" * 200000)))
        self.oversized(self.head(b"/" + b"a" * 200000))
        self.alive()

    def test_slow_client_times_out(self):
        s = socket.create_connection(("127.0.0.1", self.n.port), timeout=30)
        try:
            s.sendall(b"POST /api/collections/x/objects/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Content-Length: 1000\r\n")
            # others are served meanwhile
            for _ in range(5):
                self.assertEqual(self.n.get("/taxii2/").status, 200)
            # and the half request is dropped: the server closes the connection
            t0 = time.time()
            got = b""
            while time.time() - t0 < 25:
                try:
                    chunk = s.recv(4096)
                except ConnectionResetError:
                    chunk = b""
                if not chunk:
                    break
                got += chunk
            else:
                self.fail("a half-sent request was never timed out")
            self.assertTrue(got == b"" or status_of(got) in (400, 408), got)
        finally:
            s.close()
        self.alive()

    def test_idle_connections_do_not_block(self):
        socks = [socket.create_connection(("127.0.0.1", self.n.port)) for _ in range(20)]
        try:
            for _ in range(3):
                self.assertEqual(self.n.get("/taxii2/").status, 200)
        finally:
            for s in socks:
                s.close()

    def test_malformed_json_has_reason(self):
        p = self.n.objects_path(self.coll)
        for body in (b"{", b"{\"objects\": [}", b"\xff\xfe\x00garbage", b"",
                     b'{"objects": [1, 2, 3]', b"nul"):
            r = self.n.post(p, body)
            j = self.assertTaxiiError(r, 400)
            self.assertTrue(j.get("description"), (body, j))
        self.alive()

    def test_non_objects_in_envelope(self):
        st = self.n.push(self.coll, [1, "two", None, [], {}, {"type": "indicator"}])
        self.assertEqual(st["failure_count"], 6, st)
        self.assertEqual(st["success_count"], 0)

    def test_malformed_filters_have_reason(self):
        p = self.n.objects_path(self.coll)
        for params in ({"added_after": "2020-01-01"}, {"added_after": "2020-01-01T25:00:00Z"},
                       {"added_after": ""}, {"limit": "1e9x"}, {"limit": "12abc"},
                       {"match[version]": "latest"}, {"match[version]": "2020-02-30T00:00:00Z"},
                       {"next": "not-a-cursor"}):
            r = self.n.get(p, params=params)
            self.assertIn(r.status, (400, 422), (params, r))
            self.assertEqual(str(r.json["http_status"]), str(r.status))
            self.assertTrue(r.json.get("description"), (params, r.json))

    def test_malformed_ids(self):
        for oid in ("not-an-id", "indicator--1234", "indicator--zzzzzzzz-zzzz-4zzz-8zzz-zzzzzzzzzzzz",
                    "Indicator--" + "0" * 8 + "-0000-4000-8000-" + "0" * 12):
            r = self.n.get(self.n.objects_path(self.coll, oid))
            self.assertIn(r.status, (400, 404, 422), (oid, r))
            self.assertTaxiiError(r, r.status)
            r = self.n.get(self.n.objects_path(self.coll), params={"match[id]": oid})
            self.assertIn(r.status, (200, 400, 422), (oid, r))
            if r.status == 200:
                self.assertEqual(r.json.get("objects", []), [])
        self.alive()

    def test_deep_nesting(self):
        deep = b'{"objects": [' + b"[" * 100000 + b"]" * 100000 + b"]}"
        r = self.n.post(self.n.objects_path(self.coll), deep)
        self.assertIn(r.status, (400, 413, 422), r)
        self.assertTaxiiError(r, r.status)
        o = indicator("deep")
        x = {}
        cur = x
        for _ in range(200):
            cur["d"] = {}
            cur = cur["d"]
        o["x_deep"] = x
        r = self.n.post(self.n.objects_path(self.coll), jictest.envelope([o]))
        self.assertIn(r.status, (202, 400, 413, 422), r)
        self.alive()

    def test_binary_garbage(self):
        rnd = os.urandom(65536)
        r = self.n.post(self.n.objects_path(self.coll), rnd)
        self.assertTaxiiError(r, 400)
        for junk in (rnd[:4096], b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + rnd[:500],
                     b"GET / HTTP/9.9\r\n\r\n", b"\r\n\r\n\r\n", b"GET " + rnd[:100] + b"\r\n\r\n"):
            out = raw_exchange(self.n.port, junk, timeout=10)
            st = status_of(out)
            self.assertTrue(st is None or 400 <= st < 600, out[:200])
        self.alive()

    def test_chunked_body_over_cap(self):
        n = self.fresh_node(extra_args=["--body-max", "2048"])
        c = n.add_collection("c")
        n.grant(c, "hq", "write")
        body = jictest.json.dumps(jictest.envelope([indicator("x") for _ in range(50)])).encode()
        s = socket.create_connection(("127.0.0.1", n.port), timeout=30)
        try:
            head = ("POST /api/collections/%s/objects/ HTTP/1.1\r\nHost: x\r\n"
                    "Authorization: %s\r\nContent-Type: %s\r\nAccept: %s\r\n"
                    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    % (c, jictest.basic(n.token), jictest.TAXII, jictest.TAXII)).encode()
            s.sendall(head)
            for i in range(0, len(body), 1000):
                part = body[i:i + 1000]
                try:
                    s.sendall(b"%x\r\n%s\r\n" % (len(part), part))
                except (BrokenPipeError, ConnectionResetError):
                    break
            try:
                s.sendall(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            out = b""
            while True:
                try:
                    chunk = s.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                out += chunk
        finally:
            s.close()
        self.assertEqual(status_of(out), 413, out[:300])
        self.alive(n)

    def test_plain_http_off_loopback(self):
        n = self.fresh_node(start=False, listen="0.0.0.0:0")
        r = jictest.run(n.argv(), timeout=60)
        self.assertNotEqual(r.rc, 0)
        self.assertTrue(r.err.strip(), r)
        self.assertFalse(os.path.exists(n.port_file) and open(n.port_file).read().strip())
        # forced, it serves
        n.extra_args.append("--allow-plain-http")
        n.start()
        self.assertEqual(n.get("/taxii2/").status, 200)
        # and with a certificate it serves HTTPS off loopback without the flag
        t = self.fresh_node(start=False, listen="0.0.0.0:0", tls=True)
        t.start()
        self.assertEqual(t.get("/taxii2/").status, 200)

    def test_https(self):
        n = self.fresh_node(tls=True)
        self.assertTrue(n.stdout().startswith("jicd: serving https://"), n.stdout())
        r = n.get("/taxii2/")
        self.assertEqual(r.status, 200, r)
        # an unverified client is refused by the client side, as it should be
        ctx = ssl.create_default_context()
        with self.assertRaises(ssl.SSLError):
            with socket.create_connection(("127.0.0.1", n.port), timeout=10) as s:
                ctx.wrap_socket(s, server_hostname="127.0.0.1")
        # plain HTTP on the TLS port is not served
        out = raw_exchange(n.port, b"GET /taxii2/ HTTP/1.1\r\nHost: x\r\n\r\n", timeout=10)
        self.assertNotEqual(status_of(out), 200)
        # the CLI with --ca
        w = n.cli("whoami", json_out=True)
        self.assertEqual(w.rc, 0, w)
        self.assertEqual(w.json["member"], "hq")
        # and without it: a TLS failure, exit code 5
        argv = [jictest.JIC, "--url", n.url, "--token", n.token, "whoami"]
        r = jictest.run(argv)
        self.assertEqual(r.rc, 5, r)
        self.assertTrue(r.err.startswith("jic: "), r)
        c = n.add_collection("tls")
        n.grant(c, "hq", "write")
        self.assertEqual(n.push(c, [indicator("over tls")])["success_count"], 1)
        self.assertEqual(n.stop(), 0, n.stderr())

    def test_metrics(self):
        n = self.n
        r = n.get("/metrics", token="", accept=None)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("content-type").startswith("text/plain"), r.headers)
        before = parse_metrics(r.body.decode())
        for _ in range(7):
            n.get("/taxii2/")
        n.get("/api/collections/%s/" % jictest.uuid.uuid4())
        n.push(self.coll, [indicator("m%d" % k) for k in range(3)])
        after_r = n.get("/metrics", token="", accept=None)
        after = parse_metrics(after_r.body.decode())

        def total(m, pred):
            return sum(v for (name, lab), v in m.items() if pred(name, lab))

        def is_req(name, lab):
            return "request" in name and name.endswith("_total")
        self.assertGreaterEqual(total(after, is_req) - total(before, is_req), 9, after_r.body)
        # by route and status
        self.assertTrue(any(is_req(nm, lab) and "404" in lab for nm, lab in after), after.keys())
        self.assertTrue(any(is_req(nm, lab) and "200" in lab for nm, lab in after))
        # objects stored
        stored = [k for k in after if "object" in k[0] and "stored" in k[0]]
        self.assertTrue(stored, after.keys())
        self.assertGreaterEqual(total(after, lambda nm, lab: (nm, lab) in stored) -
                                total(before, lambda nm, lab: (nm, lab) in stored), 3)
        # a latency histogram
        buckets = [k for k in after if k[0].endswith("_bucket")]
        self.assertTrue(buckets)
        self.assertTrue(any('le="+Inf"' in lab for _, lab in buckets))
        self.assertTrue(any(k[0].endswith("_count") for k in after))
        self.assertTrue(any(k[0].endswith("_sum") for k in after))


if __name__ == "__main__":
    jictest.main()
