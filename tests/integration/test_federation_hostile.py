"""Federation against a hostile peer (hostile_peer.py): each bad answer a
source can give is reported with a clear error, nothing of the bad page is
stored, the cursor stays where the last good page left it, a slow peer
delays no other, and the node keeps serving its own API meanwhile.

One node pulls from one hostile server through one peer per bad answer, all
at once. Owns nothing but its temporary node and the hostile server."""

import re

import jictest
from hostile_peer import FIRST_ADDED, MODES, HostilePeer, make_indicator
from jictest import FedNode, parse_ts, wait_until

REMOTE = "91e1e5f0-0000-4000-8000-0000000b4d00"

# what a clear error names, per bad answer
ERRORS = {
    "malformed": r"json|pars|malformed|syntax|unexpected|invalid",
    "invalid_stix": r"stix|invalid|pattern|\bid\b|object",
    "content_type": r"content.type|media.type|text/html",
    "over_cap": r"cap|large|big|size|exceed|limit|max",
    "trickle": r"time|slow|stall",
    "redirect": r"redirect|30[1278]|location|moved",
    "endless_same": r"paginat|next|never|endless|loop|pages|repeat|same|empty",
    "endless_new": r"paginat|next|never|endless|loop|pages|empty",
    "status500": r"500|server error|internal",
    "cut": r"partial|short|closed|incomplete|transfer|connection|recv|network|eof|receiv",
}


class Hostile(jictest.TestCase):
    TIMEOUT_S = 200

    @classmethod
    def setUpClass(cls):
        cls.peer = HostilePeer()
        cls.addClassCleanup(cls.peer.close)
        cls.node = n = FedNode("x", extra_args=["--sync-interval", "200", "--log-level",
                                                "warn"])
        cls.addClassCleanup(n.cleanup)
        n.add_member("h")
        cls.local = {}
        for mode in MODES:
            cls.local[mode] = n.add_collection("from-" + mode.replace("_", "-"))
            n.add_peer(mode, "h", cls.peer.url, "node-x", "jic_not-a-real-token-of-this-peer",
                       [{"remote": REMOTE, "local": cls.local[mode]}],
                       api_root=HostilePeer.api_root(mode))

    def settled(self, mode, timeout=90):
        """The pull of mode once a bad answer was served and reported."""
        def check():
            st = self.node.pull_state(mode)
            if self.peer.bad_requests[mode] >= 1 and st["last_error"] and st["failures"] >= 1:
                return st
            return None
        return wait_until(check, timeout, "the error of mode %s" % mode)

    def assert_refused(self, mode, timeout=90):
        st = self.settled(mode, timeout)
        self.assertRegex(st["last_error"], re.compile(ERRORS[mode], re.I),
                         "unclear error for %s" % mode)
        self.assertTrue(st["last_error_at"], st)
        self.assertTrue(st["cursor"], st)
        self.assertEqual(parse_ts(st["cursor"]), parse_ts(FIRST_ADDED),
                         "%s: the cursor moved past the last good page" % mode)
        first = {o["id"] for o in self.peer.first[mode]}
        stored = {v[1] for v in self.node.versions(self.local[mode])}
        self.assertEqual(stored, first, "%s: stored %r" % (mode, stored - first))
        everywhere = {v[1] for v in self.node.versions()}
        self.assertEqual(self.peer.bad_ids[mode] & everywhere, set(),
                         "%s: part of a bad page was stored" % mode)
        self.assertGreaterEqual(st["pulled"], 2, st)
        return st

    def test_malformed_json(self):
        self.assert_refused("malformed")

    def test_invalid_stix(self):
        self.assert_refused("invalid_stix")

    def test_wrong_content_type(self):
        self.assert_refused("content_type")

    def test_body_over_cap(self):
        self.assert_refused("over_cap")

    def test_redirect_not_followed(self):
        self.assert_refused("redirect")
        self.assertEqual(self.peer.requested("/good/api/collections/x/"), [],
                         "the redirect was followed")

    def test_pagination_same_next(self):
        self.assert_refused("endless_same")

    def test_pagination_new_next(self):
        self.assert_refused("endless_new", timeout=150)

    def test_status_500(self):
        st = self.assert_refused("status500")
        self.assertEqual(st["pulled"], 2)

    def test_cut_mid_page(self):
        self.assert_refused("cut")

    def test_trickle_delays_nobody(self):
        # a trickle that starts now, so that all of it lies ahead: one already
        # under way may be given up (the client's low-speed limit) at any moment
        n = self.node
        # A trickle lasts as long as the client's low-speed limit (10 s); on a
        # loaded machine the steps below may outlast one, so a round whose
        # trickle ended first is run again. A good peer that waited for the
        # trickle would fail every round.
        for attempt in range(3):
            wait_until(self.peer.trickling.is_set, 60, "the trickle to start")
            first = self.peer.trickles_ended
            wait_until(lambda: self.peer.trickles_ended > first, 60,
                       "the trickle under way to end")
            wait_until(lambda: n.sync_now() and self.peer.trickling.is_set(), 60,
                       "a fresh trickle")
            ended = self.peer.trickles_ended
            # the node's own API answers while the trickle goes on
            self.assertEqual(n.get("/taxii2/").status, 200)
            self.assertEqual(n.api("GET", "sync").status, 200)
            mine = jictest.indicator("written during the trickle %d" % attempt)
            n.push(self.local["good"], [mine])
            got = n.get(n.objects_path(self.local["good"], mine["id"]))
            self.assertEqual(got.status, 200)
            # and another peer is pulled from meanwhile
            fresh = make_indicator("during the trickle %d" % attempt)
            self.peer.add(fresh)
            wait_until(lambda: n.sync_now() and fresh["id"] in
                       {v[1] for v in n.versions(self.local["good"])}, 60,
                       "the good peer during the trickle")
            if self.peer.trickles_ended == ended and self.peer.trickling.is_set():
                break
        else:
            self.fail("in 3 rounds, the trickle ended before the good peer was pulled")
        st = n.pull_state("trickle")
        self.assertEqual(parse_ts(st["cursor"]), parse_ts(FIRST_ADDED))
        # in the end the trickle is given up and reported
        self.assert_refused("trickle", timeout=120)

    def test_good_peer_pulls(self):
        o = make_indicator("good")
        self.peer.add(o)
        n = self.node
        wait_until(lambda: n.sync_now() and o["id"] in
                   {v[1] for v in n.versions(self.local["good"])}, 60, "the good peer")
        st = n.pull_succeeded("good")
        self.assertEqual(st["failures"], 0, st)
        self.assertGreater(parse_ts(st["cursor"]), parse_ts(FIRST_ADDED))
        # provenance of a source that gives none: the peer's member
        for obj, origin in n.fetch_origins(self.local["good"]):
            self.assertEqual(origin[0], "h", obj["id"])

    def test_status_cli_and_metrics(self):
        for mode in ("malformed", "status500", "redirect"):
            self.settled(mode)
        r = self.node.cli("sync", "status")
        self.assertEqual(r.rc, 0, r)
        for mode in MODES:
            self.assertIn(mode, r.out)
        r = self.node.cli("sync", "status", json_out=True)
        self.assertEqual(r.rc, 0, r)
        bad = {p["peer"]: p for p in r.json["pulls"]}
        self.assertTrue(bad["status500"]["last_error"])
        m = self.node.get("/metrics", token="", accept=None)
        self.assertEqual(m.status, 200)
        lines = [x for x in m.body.decode().splitlines() if x.startswith("jic_sync")]
        self.assertTrue([x for x in lines if 'peer="status500"' in x], "no sync metrics")
        # the cursor and the last error of each pull, as GET /jic/v1/sync has them
        st = self.node.pull_state("status500")
        label = '{peer="status500",collection="%s"}' % REMOTE
        got = {x.split("{")[0]: float(x.rsplit(" ", 1)[1]) for x in lines if label in x}
        self.assertAlmostEqual(got["jic_sync_cursor_timestamp_seconds"],
                               parse_ts(FIRST_ADDED) / 1e6, places=5)
        # read after /metrics: the pull's last error is that one or a later one
        self.assertGreater(got["jic_sync_last_error_timestamp_seconds"], 0)
        self.assertLessEqual(got["jic_sync_last_error_timestamp_seconds"],
                             parse_ts(st["last_error_at"]) / 1e6 + 1e-6)
        self.assertIn("# TYPE jic_sync_last_error_timestamp_seconds gauge", m.body.decode())
        self.assertIn("# TYPE jic_sync_cursor_timestamp_seconds gauge", m.body.decode())
        # the peers are all still there and the node still answers
        self.assertEqual(len(self.node.api("GET", "peers", expect=200).json["peers"]),
                         len(MODES))


    def test_trust_needs_https(self):
        # a pin or a CA over http:// would send the token in clear, unverified
        n = self.node
        pin = "sha256//" + "A" * 43 + "="
        pem = ("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        for trust in ({"pin_sha256": pin}, {"ca_pem": pem}):
            body = {"id": "clear", "member": "h", "url": self.peer.url, "account": "node-x",
                    "token": "jic_not-a-real-token-of-this-peer",
                    "pulls": [{"remote": REMOTE, "local": self.local["good"]}]}
            body.update(trust)
            r = n.api("POST", "peers", body, expect=400)
            self.assertRegex(r.body.decode(), r"'url'.*https://", r.body)
        r = n.cli("peer", "add", "clear", "--url", self.peer.url, "--member", "h",
                  "--account", "node-x", "--token", "jic_not-a-real-token-of-this-peer",
                  "--pin", pin)
        self.assertNotEqual(r.rc, 0, r)
        lines = [x for x in r.err.strip().splitlines() if x.strip()]
        self.assertEqual(len(lines), 1, r)
        self.assertRegex(lines[0], r"'url'.*https://", r)
        self.assertEqual(n.api("GET", "peers/clear").status, 404)
        # https with a pin is taken
        body["url"] = self.peer.url.replace("http://", "https://")
        del body["ca_pem"]
        body["pin_sha256"] = pin
        body["id"] = "pinned"
        n.api("POST", "peers", body, expect=201)
        n.api("DELETE", "peers/pinned", expect=(200, 204))

if __name__ == "__main__":
    jictest.main()
