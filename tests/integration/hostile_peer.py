"""hostile_peer — a TAXII 2.1 source that misbehaves on demand, for the
federation tests. It speaks just enough TAXII to be pulled from: GET
{api root}collections/{id}/objects/ with added_after and next.

Owns one threading HTTP server on 127.0.0.1 and nothing else; it never
writes to disk. Python 3 standard library only.

Each API root is a mode: a jic node pulls the same collection from
http://127.0.0.1:PORT/<mode>/api/. In every mode, a request at the start
(no added_after, or one before FIRST_ADDED) gets a good page of two objects
whose X-TAXII-Date-Added-Last is FIRST_ADDED, so the puller stores them and
its cursor moves there. Every later request gets the mode's answer:

  good          the objects added with add() after the cursor, then nothing
  malformed     200, TAXII media type, JSON cut in the middle
  invalid_stix  200, a page of valid objects and one invalid one
  content_type  200, a good page sent as text/html
  over_cap      200, a valid page larger than over_cap_bytes
  trickle       200, a good page sent one byte every trickle_s seconds
  redirect      302 to the same page on another host name (localhost)
  endless_same  more: true and the same next, forever, no objects
  endless_new   more: true and a new next every time, no objects
  status500     500 with a TAXII error object
  cut           Content-Length of a good page, half of it, then the
                connection closes (a source killed in the middle of a page)

The ids of every object served after the first page are recorded in
bad_ids[mode]: none of them may ever be stored by the puller.

Run alone (python3 hostile_peer.py [--port N]) it serves until interrupted."""

import argparse
import http.server
import json
import socket
import sys
import threading
import time
import urllib.parse
import uuid

TAXII = "application/taxii+json;version=2.1"
MODES = ("good", "malformed", "invalid_stix", "content_type", "over_cap", "trickle",
         "redirect", "endless_same", "endless_new", "status500", "cut")
FIRST_ADDED = "2024-03-01T10:00:00.000001Z"
FIRST_ADDED_US = 1709287200000001


def stix_time(us):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(us // 1000000)) + \
        ".%03dZ" % ((us % 1000000) // 1000)


def taxii_time(us):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(us // 1000000)) + \
        ".%06dZ" % (us % 1000000)


def parse_time(s):
    """RFC 3339 UTC -> µs, or None."""
    import calendar
    import re
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z", s or "")
    if not m:
        return None
    secs = calendar.timegm(tuple(int(x) for x in m.groups()[:6]))
    return secs * 1000000 + int((m.group(7) or "0")[:6].ljust(6, "0"))


def make_indicator(label):
    now = stix_time(int(time.time() * 1000000))
    return {"type": "indicator", "spec_version": "2.1",
            "id": "indicator--%s" % uuid.uuid4(), "created": now, "modified": now,
            "name": "hostile %s" % label, "pattern": "[domain-name:value = 'bad.example']",
            "pattern_type": "stix", "valid_from": now}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        peer = self.server.peer
        url = urllib.parse.urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        query = dict(urllib.parse.parse_qsl(url.query))
        peer.record(self.path, self.headers)
        if len(parts) == 5 and parts[1:3] == ["api", "collections"] and parts[4] == "objects":
            return self.objects(parts[0], query)
        if len(parts) == 4 and parts[1:3] == ["api", "collections"]:
            return self.send(200, {"id": parts[3], "title": "hostile", "can_read": True,
                                   "can_write": False, "media_types": [TAXII]})
        return self.send(404, {"title": "not found", "http_status": "404"})

    # -- answers

    def send(self, status, body, ctype=TAXII, headers=None, length=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data) if length is None else length))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        return data

    def page(self, objs, last_us, more=False, nxt=None):
        env = {"more": more, "objects": objs}
        if nxt is not None:
            env["next"] = nxt
        hdrs = {}
        if objs:
            hdrs = {"X-TAXII-Date-Added-First": taxii_time(last_us - len(objs) + 1),
                    "X-TAXII-Date-Added-Last": taxii_time(last_us)}
        return json.dumps(env).encode(), hdrs

    def objects(self, mode, query):
        peer = self.server.peer
        after = parse_time(query.get("added_after"))
        if mode not in MODES:
            return self.write(self.send(404, {"title": "no such mode", "http_status": "404"}))
        if after is None or after < FIRST_ADDED_US:
            body, hdrs = self.page(peer.first[mode], FIRST_ADDED_US)
            return self.write(self.send(200, body, headers=hdrs))
        peer.bad_requests[mode] += 1
        getattr(self, "mode_" + mode)(peer, after, query)

    def write(self, data):
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def fresh(self, mode, n):
        objs = [make_indicator(mode) for _ in range(n)]
        self.server.peer.bad_ids[mode].update(o["id"] for o in objs)
        return objs

    def mode_good(self, peer, after, query):
        with peer.lock:
            objs = [(us, o) for us, o in peer.added if us > after]
        body, hdrs = self.page([o for _, o in objs], objs[-1][0] if objs else 0)
        self.write(self.send(200, body, headers=hdrs))

    def mode_malformed(self, peer, after, query):
        body, hdrs = self.page(self.fresh("malformed", 2), after + 10)
        self.write(self.send(200, body[:len(body) // 2], headers=hdrs))

    def mode_invalid_stix(self, peer, after, query):
        objs = self.fresh("invalid_stix", 3)
        bad = make_indicator("invalid")
        del bad["pattern"]
        bad["id"] = "indicator--not-a-uuid"
        body, hdrs = self.page(objs[:2] + [bad] + objs[2:], after + 10)
        self.write(self.send(200, body, headers=hdrs))

    def mode_content_type(self, peer, after, query):
        body, hdrs = self.page(self.fresh("content_type", 2), after + 10)
        self.write(self.send(200, body, ctype="text/html", headers=hdrs))

    def mode_over_cap(self, peer, after, query):
        obj = self.fresh("over_cap", 1)[0]
        pad = peer.over_cap_bytes + 1024
        obj["description"] = "@PAD@"
        head, tail = json.dumps({"more": False, "objects": [obj]}).encode().split(b"@PAD@")
        self.send(200, b"", length=len(head) + pad + len(tail),
                  headers={"X-TAXII-Date-Added-Last": taxii_time(after + 10)})
        chunk = b"A" * (1 << 20)
        try:
            self.wfile.write(head)
            left = pad
            while left > 0 and not peer.stopping.is_set():
                self.wfile.write(chunk[:min(left, len(chunk))])
                left -= min(left, len(chunk))
            self.wfile.write(tail)
        except OSError:
            pass
        self.close_connection = True

    def mode_trickle(self, peer, after, query):
        body, hdrs = self.page(self.fresh("trickle", 2), after + 10)
        self.send(200, b"", headers=hdrs, length=len(body))
        peer.trickling.set()
        try:
            for i in range(len(body)):
                self.wfile.write(body[i:i + 1])
                self.wfile.flush()
                if peer.stopping.wait(peer.trickle_s):
                    break
        except OSError:
            pass
        finally:
            peer.trickling.clear()
            peer.trickles_ended += 1
        self.close_connection = True

    def mode_redirect(self, peer, after, query):
        target = "http://localhost:%d/good/api/collections/x/objects/?%s" % (
            peer.port, urllib.parse.urlencode(query))
        self.fresh("redirect", 0)
        self.write(self.send(302, {"title": "moved"}, headers={"Location": target}))

    def mode_endless_same(self, peer, after, query):
        body, hdrs = self.page([], 0, more=True, nxt="again")
        self.write(self.send(200, body, headers=hdrs))

    def mode_endless_new(self, peer, after, query):
        body, hdrs = self.page([], 0, more=True, nxt=str(uuid.uuid4()))
        self.write(self.send(200, body, headers=hdrs))

    def mode_status500(self, peer, after, query):
        self.write(self.send(500, {"title": "internal error", "http_status": "500"}))

    def mode_cut(self, peer, after, query):
        body, hdrs = self.page(self.fresh("cut", 50), after + 10)
        self.send(200, b"", headers=hdrs, length=len(body))
        self.write(body[:len(body) // 2])
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class HostilePeer:
    """The server, started in a daemon thread; close() stops it."""

    def __init__(self, port=0, over_cap_bytes=65 << 20, trickle_s=0.5):
        self.over_cap_bytes = over_cap_bytes
        self.trickle_s = trickle_s
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.trickling = threading.Event()
        self.trickles_ended = 0
        self.first = {m: [make_indicator(m + " first") for _ in range(2)] for m in MODES}
        self.bad_ids = {m: set() for m in MODES}
        self.bad_requests = {m: 0 for m in MODES}
        self.requests = []
        self.added = []  # (date_added µs, object) of mode good
        self.srv = Server(("127.0.0.1", port), Handler)
        self.srv.peer = self
        self.port = self.srv.server_address[1]
        self.thread = threading.Thread(target=self.srv.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    @staticmethod
    def api_root(mode):
        return "/%s/api/" % mode

    def record(self, path, headers):
        with self.lock:
            self.requests.append((path, dict(headers)))

    def requested(self, prefix):
        with self.lock:
            return [p for p, _ in self.requests if p.startswith(prefix)]

    def add(self, obj):
        """Serves obj in mode good, added after everything before it."""
        with self.lock:
            last = self.added[-1][0] if self.added else FIRST_ADDED_US
            self.added.append((last + 1000, obj))

    def close(self):
        self.stopping.set()
        self.srv.shutdown()
        self.srv.server_close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    p = HostilePeer(a.port)
    print("hostile peer at %s; API roots: %s" % (p.url, ", ".join(
        p.api_root(m) for m in MODES)), flush=True)
    try:
        p.thread.join()
    except KeyboardInterrupt:
        p.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
