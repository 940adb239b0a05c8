"""Federation: the source decides, and only the origin retracts.

A peer whose token is revoked at the source stops receiving at its next
request; a grant removed at the source takes effect on the next request; a
member-only collection leaves its member's node only once that member grants
it. Retraction and purge converge on every node; another member's attempt
to retract is refused, and a forged revoked version injected at a node is
refused by the nodes that pull it. Owns nothing but its temporary nodes."""

import json
import time
import uuid

import jictest
from jictest import Federation, indicator, parse_ts, stix_now, wait_until


def now_ts():
    return jictest.fmt_us(int(time.time() * 1e6))


def failing(node, peer, remote=Federation.COALITION, since=""):
    """The pull's state once it has failed after since (an RFC 3339 time)."""
    def check():
        node.sync_now()
        st = node.pull_state(peer, remote)
        if st["last_error"] and st["last_error_at"] and (
                not since or parse_ts(st["last_error_at"]) >= parse_ts(since)):
            return st
        return None
    return wait_until(check, 60, "a failed poll of %s by %s" % (peer, node.node_id))


def key(o):
    return (o["id"], o["modified"])


class SourceDecides(jictest.TestCase):
    TIMEOUT_S = 240

    @classmethod
    def setUpClass(cls):
        cls.fed = Federation(("a", "b"), cls.addClassCleanup)

    def pull_into(self, label, remote=Federation.COALITION):
        """b pulls remote from a into a new collection, through a new peer
        with a fresh token; returns (peer id, local collection, token resource)."""
        local = self.fed["b"].add_collection("from-a-" + label)
        res = self.fed.link("b", "a", pulls=[{"remote": remote, "local": local}],
                            peer_id="a-" + label)
        return "a-" + label, local, res

    def test_revoked_token_stops_at_once(self):
        a, b = self.fed["a"], self.fed["b"]
        peer, local, tok = self.pull_into("revoke")
        x1 = indicator("before the revocation")
        a.push(Federation.COALITION, [x1])
        self.fed.converge({"b": {key(x1)}}, coll=local)
        pulled = b.pull_state(peer)["pulled"]
        since = now_ts()
        a.api("DELETE", "tokens/%s" % tok["id"], expect=200)
        x2 = indicator("after the revocation")
        a.push(Federation.COALITION, [x2])
        st = failing(b, peer, since=since)
        self.assertRegex(st["last_error"], r"(?i)401|unauthori[sz]ed|token")
        self.assertGreaterEqual(st["failures"], 1)
        for _ in range(3):
            b.sync_now()
        # (other peers of b at a may still take x2: only this pull is checked)
        self.assertNotIn(key(x2), b.version_counts(local), "a revoked token still receives")
        self.assertEqual(b.pull_state(peer)["pulled"], pulled)
        self.assertEqual(b.cli("sync", "status").rc, 0)

    def test_grant_removed_next_request(self):
        a, b = self.fed["a"], self.fed["b"]
        peer, local, _ = self.pull_into("grant")
        self.addCleanup(a.grant, Federation.COALITION, "b", "read")
        x1 = indicator("granted")
        a.push(Federation.COALITION, [x1])
        self.fed.converge({"b": {key(x1)}}, coll=local)
        since = now_ts()
        a.grant(Federation.COALITION, "b", "none")
        x2 = indicator("no longer granted")
        a.push(Federation.COALITION, [x2])
        st = failing(b, peer, since=since)
        self.assertRegex(st["last_error"], r"(?i)404|not found|no such|403|forbidden")
        self.assertNotIn(key(x2), b.version_counts(local))
        # granted again: the next poll goes on from the cursor
        a.grant(Federation.COALITION, "b", "read")
        self.fed.converge({"b": {key(x2)}}, coll=local)
        st = b.pull_succeeded(peer)
        self.assertEqual(st["failures"], 0, st)
        self.assertEqual(b.version_counts(local)[key(x1)], 1)

    def test_member_only_leaves_when_granted(self):
        a, b = self.fed["a"], self.fed["b"]
        only = a.api("GET", "collections/a-only", expect=200).json["id"]
        secret = indicator("a's own, not for b")
        a.push(only, [secret])
        peer, local, _ = self.pull_into("only", remote=only)
        st = failing(b, peer, remote=only)
        self.assertFalse(b.db_contains(secret["name"]))
        self.assertEqual(b.version_counts(local), {})
        # a grants it: it may leave now
        self.addCleanup(a.grant, only, "b", "none")
        a.grant(only, "b", "read")
        self.fed.converge({"b": {key(secret)}}, coll=local)
        st = b.pull_succeeded(peer, only)
        self.assertEqual(st["failures"], 0, st)


class Retraction(jictest.TestCase):
    TIMEOUT_S = 300

    @classmethod
    def setUpClass(cls):
        cls.fed = Federation(("a", "b", "c"), cls.addClassCleanup)
        cls.fed.hub_and_spoke("a")

    def versions_of(self, m, oid):
        return self.fed[m].stored_json(oid, Federation.COALITION)

    def write_two_versions(self, label, **extra):
        b = self.fed["b"]
        v1 = indicator(label, created=stix_now(-120), **extra)
        v2 = dict(v1, modified=stix_now(-60), name=label + " v2")
        b.push(Federation.COALITION, [v1, v2])
        self.fed.converge({m: {key(v1), key(v2)} for m in "abc"})
        return v1, v2

    def test_retract_converges(self):
        v1, v2 = self.write_two_versions("to be retracted")
        b = self.fed["b"]
        r = b.cli("retract", v1["id"], json_out=True)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json["id"], v1["id"])
        self.assertFalse(r.json["purge"])
        self.assertIn(Federation.COALITION, r.json["collections"])
        ver = r.json["version"]

        def revoked_everywhere():
            self.fed.sync_now()
            return all(any(d.get("revoked") is True and d["modified"] == ver
                           for d in self.versions_of(m, v1["id"])) for m in "abc")

        wait_until(revoked_everywhere, 90, "the retraction on every node")
        for m in "abc":
            docs = self.versions_of(m, v1["id"])
            self.assertEqual(len(docs), 3, "node %s: %r" % (m, docs))
            latest = self.fed[m].get(self.fed[m].objects_path(Federation.COALITION, v1["id"]))
            self.assertEqual(latest.status, 200)
            self.assertEqual([o.get("revoked") for o in latest.json["objects"]], [True])
            for oid, mod, om, on in [v[1:] for v in self.fed[m].versions(Federation.COALITION)
                                     if v[1] == v1["id"]]:
                self.assertEqual((om, on), ("b", "b-node"), (m, mod))

    def test_purge_converges(self):
        marker = "purge-me-%s" % uuid.uuid4()
        v1, v2 = self.write_two_versions("to be purged", description=marker)
        b = self.fed["b"]
        r = b.api("POST", "retract", {"id": v1["id"], "purge": True}, expect=201)
        self.assertTrue(r.json["purge"])

        def purged_everywhere():
            self.fed.sync_now()
            return all(len(self.versions_of(m, v1["id"])) == 1 and
                       self.versions_of(m, v1["id"])[0].get("revoked") is True
                       for m in "abc")

        wait_until(purged_everywhere, 90, "the purge on every node")
        for m in "abc":
            (doc,) = self.versions_of(m, v1["id"])
            self.assertIs(doc.get("x_jic_purge"), True, m)
            self.assertEqual(doc["modified"], r.json["version"])
            self.assertFalse(self.fed[m].db_contains(marker), "node %s keeps the content" % m)
        # an earlier version is never stored again, wherever it comes from
        st = b.push(Federation.COALITION, [v1], expect=None)
        self.assertEqual(st.get("success_count", 0), 0, st)
        self.fed.sync_now()
        self.fed.sync_now()
        for m in "abc":
            self.assertEqual(len(self.versions_of(m, v1["id"])), 1, m)
            self.assertFalse(self.fed[m].db_contains(marker), m)

    def test_only_origin_may_retract(self):
        v1, _ = self.write_two_versions("not yours to retract")
        a, c = self.fed["a"], self.fed["c"]
        r = a.api("POST", "retract", {"id": v1["id"]})
        self.assertEqual(r.status, 403, r)
        r = c.cli("retract", v1["id"], "--purge")
        self.assertEqual(r.rc, 3, r)
        # nor by writing a revoked version over TAXII at another member's node
        forged = dict(v1, modified=stix_now(), revoked=True)
        st = c.push(Federation.COALITION, [forged], expect=None)
        self.assertEqual(st.get("success_count", 0), 0, st)
        self.fed.sync_now()
        for m in "abc":
            self.assertFalse([d for d in self.versions_of(m, v1["id"]) if d.get("revoked")], m)

    def forge_at(self, node, orig, forged, member, node_id):
        """Writes forged into node's database as if the node had stored it
        from member: what a compromised or faulty node would serve."""
        cols = [r[1] for r in jictest.db_query(node.db, "PRAGMA table_info(objects)")]
        (row,) = jictest.db_query(node.db, "SELECT %s FROM objects WHERE id = ? AND modified = ?"
                                  % ", ".join(cols), (orig["id"], orig["modified"]))
        row = dict(zip(cols, row))
        top = jictest.db_query(node.db, "SELECT max(date_added_us) FROM objects")[0][0]
        row.update(seq=None, modified=forged["modified"],
                   modified_us=jictest.parse_ts(forged["modified"]),
                   date_added_us=max(top + 1, int(time.time() * 1e6)),
                   origin_member=member, origin_node=node_id,
                   json=json.dumps(forged, separators=(",", ":")))
        for flag in ("revoked", "latest"):
            if flag in row:
                row[flag] = 1
        if "purge" in row:
            row["purge"] = 0
        if "latest" in row:
            jictest.db_exec(node.db, "UPDATE objects SET latest = 0 WHERE id = ?", (orig["id"],))
        jictest.db_exec(node.db, "INSERT INTO objects (%s) VALUES (%s)" % (
            ", ".join(row), ", ".join("?" * len(row))), list(row.values()))

    def test_forged_revocation_refused_on_pull(self):
        v1, v2 = self.write_two_versions("forged retraction target")
        a, c = self.fed["a"], self.fed["c"]
        forged = dict(v2, modified=stix_now(), revoked=True)
        self.forge_at(c, v2, forged, "c", "c-node")
        since = now_ts()
        after = indicator("written at c after the forgery")
        c.push(Federation.COALITION, [after])

        # the HQ has looked at c's page past the forgery: either it took what
        # followed, or it refused the page and says so
        def looked():
            self.fed.sync_now()
            st = a.pull_state("c")
            if key(after) in a.version_counts(Federation.COALITION):
                return "stored"
            if st["last_error"] and st["last_error_at"] and \
                    parse_ts(st["last_error_at"]) >= parse_ts(since):
                return "refused: " + st["last_error"]
            return None

        wait_until(looked, 60, "the HQ pulling past the forgery")
        self.fed.sync_now()
        for m in "ab":
            docs = self.versions_of(m, v1["id"])
            self.assertFalse([d for d in docs if d.get("revoked")],
                             "node %s took a revocation from c" % m)
            self.assertEqual(len(docs), 2, m)


if __name__ == "__main__":
    jictest.main()
