"""Federation, four nodes on loopback: the HQ and three operations rooms share
one picture over TAXII (docs/api.md, "Federation").

The HQ is member a's node ("a-node"): the coalition's headquarters sits in one
member's capital and that member's own officers work there, so the HQ holds
a-only material that must never leave it, exactly as a room does. Rooms are
the nodes of members b, c and d. Hub and spoke: each room pulls the coalition
collection from the HQ and the HQ pulls each room's; room d also pulls room
b's directly, so b's objects reach d by two paths. Each node's account at a
peer is a regular analyst account of its member, with a read grant at the
source.

Checks are made on every node's SQLite database, not only over HTTP.
Owns nothing but its temporary nodes."""

import json
import os
import re

import jictest
from jictest import Federation, indicator

HUB = "a"
MEMBERS = ("a", "b", "c", "d")
PER_NODE = 6
ONLY_PER_NODE = 3


class FourNodes(jictest.TestCase):
    TIMEOUT_S = 240

    @classmethod
    def setUpClass(cls):
        fed = cls.fed = Federation(MEMBERS, cls.addClassCleanup)
        fed.hub_and_spoke(HUB)
        fed.link("d", "b")
        cls.written = {}  # member -> [objects it wrote to the coalition]
        cls.only = {}     # member -> [objects of its member-only collection]
        for m in MEMBERS:
            n = fed[m]
            objs = [indicator("fed %s coalition %d" % (m, i)) for i in range(PER_NODE)]
            n.push(Federation.COALITION, objs)
            cls.written[m] = objs
            secret = [indicator("secret-of-%s-%d" % (m, i)) for i in range(ONLY_PER_NODE)]
            n.push(m + "-only", secret)
            cls.only[m] = secret
        cls.want = {(o["id"], o["modified"]) for objs in cls.written.values() for o in objs}
        fed.converge({m: cls.want for m in MEMBERS})

    def origin_of(self, oid):
        for m, objs in self.written.items():
            if any(o["id"] == oid for o in objs):
                return m
        return None

    def test_every_node_has_every_coalition_object(self):
        for m in MEMBERS:
            have = set(self.fed[m].version_counts(Federation.COALITION))
            self.assertEqual(self.want - have, set(), "node %s lacks versions" % m)
            got, _ = self.fed[m].fetch_all(Federation.COALITION, {"match[version]": "all"},
                                           limit=1000)
            self.assertTrue(self.want <= {(o["id"], o["modified"]) for o in got}, m)

    def test_member_only_never_leaves(self):
        for owner in MEMBERS:
            for o in self.only[owner]:
                for m in MEMBERS:
                    rows = [v for v in self.fed[m].versions() if v[1] == o["id"]]
                    held = self.fed[m].db_contains(o["name"])
                    if m == owner:
                        self.assertEqual(len(rows), 1, "%s lost its own %s" % (m, o["id"]))
                        home = self.fed[m].versions(owner + "-only")
                        self.assertIn(o["id"], [v[1] for v in home])
                    else:
                        self.assertEqual(rows, [], "%s-only object on node %s" % (owner, m))
                        self.assertFalse(held, "%s-only text on node %s" % (owner, m))

    def test_stored_once(self):
        for m in MEMBERS:
            counts = self.fed[m].version_counts()
            doubled = {k: c for k, c in counts.items() if c != 1}
            self.assertEqual(doubled, {}, "node %s stores versions twice" % m)
        # d holds b's objects once although both the HQ and b sent them
        d = self.fed["d"]
        for peer in ("a", "b"):
            d.pull_succeeded(peer)
        own_b = {o["id"] for o in self.written["b"]}
        rows = [v for v in d.versions(Federation.COALITION) if v[1] in own_b]
        self.assertEqual(len(rows), len(own_b))

    def test_provenance_everywhere(self):
        for m in MEMBERS:
            n = self.fed[m]
            for oid, mod, om, on in [v[1:] for v in n.versions(Federation.COALITION)]:
                w = self.origin_of(oid)
                if w is None or (oid, mod) not in self.want:
                    continue
                self.assertEqual((om, on), (w, w + "-node"), "node %s, %s" % (m, oid))
            seen = 0
            for obj, origin in n.fetch_origins(Federation.COALITION):
                w = self.origin_of(obj["id"])
                if w is None:
                    continue
                self.assertEqual(list(origin), [w, w + "-node"], "node %s, %s" % (m, obj["id"]))
                seen += 1
            self.assertGreaterEqual(seen, len(self.want), m)

    def test_no_node_stores_back_its_own(self):
        for m in MEMBERS:
            n = self.fed[m]
            own = {o["id"] for o in self.written[m]}
            rows = [v for v in n.versions(Federation.COALITION) if v[1] in own]
            self.assertEqual(len(rows), len(own), m)
            for v in rows:
                self.assertEqual(v[3:], (m, m + "-node"), "node %s re-stored %s" % (m, v[1]))
        # rooms b and c have one peer, the HQ, which holds their own objects too:
        # every version pulled through it must be another node's
        for m in ("b", "c"):
            n = self.fed[m]
            self.fed.sync_now()
            foreign = [v for v in n.versions(Federation.COALITION) if v[4] != m + "-node"]
            st = n.pull_state(HUB)
            self.assertEqual(st["pulled"], len(foreign), (m, st))

    def test_same_id_and_modified_kept_apart(self):
        when = jictest.stix_now(-60)
        oid = jictest.sid("indicator")
        one = indicator("conflict one", created=when, oid=oid)
        two = indicator("conflict two", created=when, oid=oid)
        self.fed["b"].push(Federation.COALITION, [one])
        self.fed["c"].push(Federation.COALITION, [two])
        hq = self.fed[HUB]
        key = (oid, when)
        self.fed.converge({m: {key} for m in MEMBERS})

        def hq_conflict():
            self.fed.sync_now()
            return [c for c in hq.conflicts() if c["id"] == oid]

        conf = jictest.wait_until(hq_conflict, 60, "a conflict listed at the HQ")
        self.assertEqual(conf[0]["modified"], when)
        self.assertEqual(conf[0]["collection"], Federation.COALITION)
        kept = hq.versions(Federation.COALITION)
        kept = [v for v in kept if v[1] == oid]
        self.assertEqual(len(kept), 1, kept)
        self.assertNotEqual(conf[0]["origin_member"], kept[0][3], "the kept version is listed")
        self.assertIn(conf[0]["origin_member"], ("b", "c"))
        for m in MEMBERS:
            docs = self.fed[m].stored_json(oid)
            self.assertEqual(len(docs), 1, "node %s: %d versions" % (m, len(docs)))
            self.assertIn(docs[0], (one, two), "node %s merged the two" % m)
        # the room whose version lost at the HQ sees the HQ's and reports it
        loser = self.fed[conf[0]["origin_member"]]
        jictest.wait_until(lambda: self.fed.sync_now() or
                           [c for c in loser.conflicts() if c["id"] == oid],
                           60, "the conflict listed at node %s" % loser.member)
        self.assertEqual(loser.stored_json(oid)[0]["name"],
                         "conflict one" if loser.member == "b" else "conflict two")

    def test_peer_tokens_sealed(self):
        # the tokens the HQ uses at the rooms are nowhere in clear in its files
        secrets = [x for (src, dst), xs in self.fed.secrets.items() if dst == HUB for x in xs]
        self.assertEqual(len(secrets), 3)
        for m in ("b", "c", "d"):
            toks = self.fed[m].api("GET", "tokens?account=node-a-node", expect=200).json
            self.assertTrue(toks["tokens"])
        peers = self.fed[HUB].api("GET", "peers", expect=200).json["peers"]
        self.assertEqual(sorted(p["id"] for p in peers), ["b", "c", "d"])
        for p in peers:
            self.assertNotIn("token", p)
            self.assertEqual(p["account"], "node-a-node")
            self.assertEqual(p["member"], p["id"])
            self.assertEqual([x["remote"] for x in p["pulls"]], [Federation.COALITION])
        # one more, added after the others
        acct, secret, _ = self.fed.account_at("b", HUB)
        secrets.append(secret)
        self.fed[HUB].add_peer("b-again", "b", self.fed["b"].url, acct, secret, [])
        self.addCleanup(self.fed[HUB].api, "DELETE", "peers/b-again")
        for path in os.listdir(self.fed[HUB].dir):
            full = os.path.join(self.fed[HUB].dir, path)
            if not os.path.isfile(full):
                continue
            with open(full, "rb") as f:
                data = f.read()
            for s in secrets:
                self.assertNotIn(s.encode(), data, "token in clear in %s" % path)
        key = self.fed[HUB].db + ".key"
        self.assertTrue(os.path.exists(key), "no node key beside the database")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)

    def test_sync_status_cli_and_metrics(self):
        hq = self.fed[HUB]
        r = hq.cli("sync", "now")
        self.assertEqual(r.rc, 0, r)
        r = hq.cli("sync", "status")
        self.assertEqual(r.rc, 0, r)
        for peer in ("b", "c", "d"):
            self.assertIn(peer, r.out)
        self.assertIn(Federation.COALITION, r.out)
        r = hq.cli("sync", "status", json_out=True)
        self.assertEqual(r.rc, 0, r)
        pulls = r.json["pulls"]
        self.assertEqual(sorted(p["peer"] for p in pulls), ["b", "c", "d"])
        for p in pulls:
            for k in ("cursor", "last_attempt", "last_success", "last_error", "last_error_at",
                      "pulled", "behind", "failures", "local", "remote"):
                self.assertIn(k, p)
            self.assertTrue(p["cursor"], p)
            self.assertGreaterEqual(p["pulled"], 1, p)
            self.assertEqual(p["failures"], 0, p)
            self.assertIn(p["behind"], (0, None), p)
        r = hq.cli("peer", "list")
        self.assertEqual(r.rc, 0, r)
        for peer in ("b", "c", "d"):
            self.assertIn(self.fed[peer].url, r.out)
        r = hq.cli("peer", "show", "b")
        self.assertEqual(r.rc, 0, r)
        self.assertIn("node-a-node", r.out)
        r = hq.cli("peer", "show", "nosuch")
        self.assertEqual(r.rc, 4, r)
        m = hq.get("/metrics", token="", accept=None)
        self.assertEqual(m.status, 200)
        lines = [x for x in m.body.decode().splitlines() if x.startswith("jic_sync")]
        self.assertTrue(lines, "no jic_sync metrics")
        for peer in ("b", "c", "d"):
            self.assertTrue([x for x in lines if re.search(r'peer="%s"' % peer, x)],
                            "no sync metric for peer %s" % peer)

    def test_cli_peer_lifecycle(self):
        # b adds d as a second peer through the CLI, into a collection of its own
        b, d = self.fed["b"], self.fed["d"]
        local = b.add_collection("copy-of-d")
        acct, secret, _ = self.fed.account_at("d", "b")
        tf = os.path.join(b.dir, "d.token")
        with open(tf, "w") as f:
            f.write(secret + "\n")
        r = b.cli("peer", "add", "d", "--url", d.url, "--member", "d", "--account", acct,
                  "--token-file", tf, "--pull", "%s:%s" % (Federation.COALITION, local))
        self.assertEqual(r.rc, 0, r)
        self.assertNotIn(secret, r.out + r.err)
        r = b.cli("peer", "list", json_out=True)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("d", [p["id"] for p in r.json["peers"]])
        self.assertNotIn(secret, r.out)
        want = {(o["id"], o["modified"]) for o in self.written["d"] + self.written["c"]}
        jictest.wait_until(lambda: b.cli("sync", "now").rc == 0 and
                           want <= set(b.version_counts(local)), 60, "b pulling d")
        # d's copies of b's own objects never come back into b
        mine = {o["id"] for o in self.written["b"]}
        self.assertFalse([v for v in b.versions(local) if v[1] in mine])
        r = b.cli("peer", "pull", "d", Federation.COALITION, "--into", "no-such-collection")
        self.assertEqual(r.rc, 4, r)
        r = b.cli("peer", "unpull", "d", Federation.COALITION)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual([p for p in b.pulls() if p["peer"] == "d"], [])
        r = b.cli("peer", "pull", "d", Federation.COALITION, "--into", local)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(len([p for p in b.pulls() if p["peer"] == "d"]), 1)
        r = b.cli("peer", "remove", "d")
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(b.api("GET", "peers/d").status, 404)
        self.assertEqual([p for p in b.pulls() if p["peer"] == "d"], [])
        # objects already pulled stay
        self.assertTrue(want <= set(b.version_counts(local)))


if __name__ == "__main__":
    jictest.main()
