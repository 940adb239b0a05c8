"""Governance across four nodes (docs/governance.md): the HQ a and the rooms
b, c and d.

Data: rooms b and d pull the coalition collection from the HQ, room c pulls
it from room b (a chain), and the HQ pulls each room's. Every node also
pulls the governance log from each of its peers, so c learns the log
through b only. The charter is made at the HQ with member keys from
`jic member keygen`; the log reaches every node; member d withdraws, and
its accounts are refused on every node that holds the log, including its
own node's peer credentials at the HQ, so d's room stops receiving; the
presidency passes over d; d's earlier objects stay, attributed to d. An
entry tampered with at room b is refused by c, which pulls it from b, and
reported; `jic audit verify --db` on b names it. Anonymous callers read the
public collection and nothing else; each data read and write is audited.
Dissolution, last, leaves every node a read-only archive.

The methods run in the order of their names, each building on the last.
Owns nothing but its temporary nodes and key files."""

import json
import os
import shutil
import tempfile
import time
import uuid

import jictest
from jictest import Federation, db_exec, db_query, indicator, wait_until

MEMBERS = ("a", "b", "c", "d")
HQ = "a"
WAIT_S = 120
DISSOLVED = "the coalition is dissolved; this node is a read-only archive"


def first_term_start():
    """The first day of the month nine months back: terms of three months
    from it give the fourth charter member, d, the current term."""
    t = time.gmtime()
    month = t.tm_year * 12 + (t.tm_mon - 1) - 9
    return "%04d-%02d-01" % (month // 12, month % 12 + 1)


def nudge(node):
    """Asks node to poll now; harmless when it cannot (a dissolved node
    refuses every write, this one included)."""
    if node.alive():
        node.api("POST", "sync/now", {})


def whoami_status(node, token):
    return node.api("GET", "whoami", token=token).status


class GovernanceFederation(jictest.TestCase):
    TIMEOUT_S = 420

    @classmethod
    def setUpClass(cls):
        fed = cls.fed = Federation(MEMBERS, cls.addClassCleanup)
        for room in ("b", "d"):
            fed.link(room, HQ)
        fed.link("c", "b")
        for room in ("b", "c", "d"):
            fed.link(HQ, room)
        cls.keydir = tempfile.mkdtemp(prefix="jic-it-keys-")
        cls.addClassCleanup(shutil.rmtree, cls.keydir, True)
        hq = fed[HQ]
        cls.keys, cls.pub = {}, {}
        for m in MEMBERS:
            path = os.path.join(cls.keydir, m + ".key")
            r = jictest.run([jictest.JIC, "member", "keygen", "--member", m, "--out", path])
            if r.rc != 0:
                raise AssertionError("member keygen: %r" % r)
            with open(path) as f:
                cls.pub[m] = json.load(f)["public"]
            if cls.pub[m] not in r.out:
                raise AssertionError("keygen did not print the public key: %r" % r)
            cls.keys[m] = path
        # Each member's delegate at the HQ signs its acts there (the HQ's own
        # admin is member a's).
        cls.delegate = {HQ: hq.token}
        for m in ("b", "c", "d"):
            hq.add_account(m + "-delegate", m, role="delegate")
            cls.delegate[m], _ = hq.new_token(m + "-delegate", label="acts")
        # d's accounts on the rooms, to see them refused there too.
        cls.d_tokens = {"a": cls.delegate["d"], "d": fed["d"].token}
        for n in ("b", "c"):
            fed[n].add_account("d-analyst", "d")
            cls.d_tokens[n], _ = fed[n].new_token("d-analyst")
        # Every member writes to the coalition before governance begins.
        cls.written = {}
        for m in MEMBERS:
            objs = [indicator("gov %s before %d" % (m, i)) for i in range(2)]
            fed[m].push(Federation.COALITION, objs)
            cls.written[m] = objs
        want = {(o["id"], o["modified"]) for objs in cls.written.values() for o in objs}
        fed.converge({m: want for m in MEMBERS}, timeout=WAIT_S)
        charter = {
            "name_en": "Test Coalition", "name_ar": "تحالف الاختبار",
            "members": [{"id": m, "name_en": m.title(), "name_ar": "عضو " + m,
                         "kind": "full", "key": cls.pub[m]} for m in MEMBERS],
            "term_months": 3, "first_term_start": first_term_start(),
            "rules": {"admit": "consensus", "suspend": "consensus", "expel": "consensus",
                      "publish": "consensus", "dissolve": "consensus"},
        }
        path = os.path.join(cls.keydir, "charter.json")
        with open(path, "w") as f:
            json.dump(charter, f, ensure_ascii=False)
        r = hq.cli("charter", "init", path)
        if r.rc != 0:
            raise AssertionError("charter init: %r" % r)
        cls.wait_heads(MEMBERS, 1)

    # -- helpers

    @classmethod
    def state(cls, m, token=None):
        r = cls.fed[m].api("GET", "gov/state", token=token)
        return r.json if r.status == 200 else None

    @classmethod
    def head(cls, m):
        st = cls.state(m)
        return (st["head"]["seq"], st["head"]["hash"]) if st else (0, None)

    @classmethod
    def wait_heads(cls, nodes, seq, timeout=WAIT_S):
        def behind():
            out = {}
            for m in nodes:
                nudge(cls.fed[m])
                have = cls.head(m)[0]
                if have < seq:
                    out[m] = have
            return out

        state = {}

        def done():
            state["behind"] = behind()
            return not state["behind"]

        try:
            wait_until(done, timeout, "the log at seq %d" % seq)
        except AssertionError:
            raise AssertionError("log not at seq %d in %ss: %r" % (seq, timeout,
                                                                   state.get("behind")))

    def gov_row(self, m, peer):
        rows = [g for g in self.fed[m].api("GET", "sync", expect=200).json.get("gov", [])
                if g["peer"] == peer]
        return rows[0] if rows else None

    def gov_settled(self, m, peer, head):
        """m's pull of peer's log once a poll has ended well at head (the
        row is published when the poll ends, a moment after the entries)."""
        def check():
            nudge(self.fed[m])
            row = self.gov_row(m, peer)
            ok = row and not row["last_error"] and row["head"] == head
            return row if ok else None
        return wait_until(check, WAIT_S, "%s's pull of %s's log at %d" % (m, peer, head))

    def public_id(self, m):
        r = self.fed[m].get("/api/collections/", token="")
        self.assertEqual(r.status, 200, r)
        cols = r.json.get("collections", [])
        return [c["id"] for c in cols if c.get("alias") == "public"]

    # -- the tests, in order

    def test_1_log_everywhere(self):
        heads = {m: self.head(m) for m in MEMBERS}
        self.assertEqual(len(set(heads.values())), 1, heads)
        self.assertEqual(heads[HQ][0], 1)
        # c took the log through b: its pull of b's log says so
        self.gov_settled("c", "b", 1)
        # a peer's log pull sits beside the pulls in jic sync status
        r = self.fed["c"].cli("sync", "status")
        self.assertEqual(r.rc, 0, r)
        self.assertIn("LOG HEAD", r.out)
        pub = {m: self.public_id(m) for m in MEMBERS}
        self.assertEqual(len(pub[HQ]), 1, pub)
        self.assertEqual(pub, {m: pub[HQ] for m in MEMBERS})

    def test_2_anonymous(self):
        b = self.fed["b"]
        pub = self.public_id("b")[0]
        r = b.get("/taxii2/", token="")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(b.get("/api/", token="").status, 200)
        cols = b.get("/api/collections/", token="").json.get("collections", [])
        self.assertEqual([c["id"] for c in cols], [pub], cols)
        self.assertFalse(cols[0]["can_write"])
        r = b.get("/api/collections/%s/" % pub, token="")
        self.assertEqual(r.status, 200, r)
        for kind in ("objects", "manifest"):
            r = b.get("/api/collections/%s/%s/" % (pub, kind), token="")
            self.assertEqual(r.status, 200, r)
            self.assertTaxiiMedia(r)
        # Anything not public needs credentials, and a missing collection
        # answers exactly the same.
        missing = str(uuid.uuid4())
        for coll in (Federation.COALITION, "coalition", "b-only", missing):
            for kind in ("", "objects/", "manifest/"):
                r = b.get("/api/collections/%s/%s" % (coll, kind), token="")
                j = self.assertTaxiiError(r, 401)
                self.assertEqual(j["title"], self.assertTaxiiError(
                    b.get("/api/collections/%s/%s" % (missing, kind), token=""), 401)["title"])
        # Writes, status and management stay closed; bad credentials are never
        # taken for none.
        r = b.post("/api/collections/%s/objects/" % pub, {"objects": [indicator()]}, token="")
        self.assertTaxiiError(r, 401)
        self.assertTaxiiError(b.get("/api/status/%s/" % uuid.uuid4(), token=""), 401)
        self.assertEqual(b.api("GET", "whoami", token="").status, 401)
        self.assertEqual(b.api("GET", "gov/state", token="").status, 401)
        for auth in ("Bearer jic_not-a-token", "Basic !!!", "Digest x"):
            r = b.get("/api/collections/%s/objects/" % pub, auth=auth)
            self.assertTaxiiError(r, 401)
        # An act goes to gov without credentials, which takes only an invited
        # party's answer that way.
        hq = self.fed[HQ]
        act = {"type": "member.accept", "by": "x", "at": jictest.stix_now(),
               "nonce": str(uuid.uuid4()), "ref": 99, "key": self.pub["b"]}
        r = hq.request("POST", "/jic/v1/gov/acts", body={"act": act, "sig": "AAAA"}, token="",
                       accept=jictest.JSON, content_type=jictest.JSON)
        self.assertIn(r.status, (400, 403, 422), r)
        act["type"] = "member.suspend"
        r = hq.request("POST", "/jic/v1/gov/acts", body={"act": act, "sig": "AAAA"}, token="",
                       accept=jictest.JSON, content_type=jictest.JSON)
        self.assertEqual(r.status, 401, r)
        # An authenticated caller still gets 404 for what it cannot read.
        self.assertTaxiiError(b.get("/api/collections/%s/objects/" % missing), 404)

    def test_3_audit(self):
        b = self.fed["b"]
        pub = self.public_id("b")[0]
        me = b.api("GET", "whoami", expect=200).json
        x = indicator("audited write")
        b.push("coalition", [x])
        self.assertEqual(b.get("/api/collections/coalition/objects/%s/" % x["id"]).status, 200)
        self.assertEqual(b.get("/api/collections/%s/objects/" % pub, token="").status, 200)
        recs = b.api("GET", "audit", expect=200).json["records"]
        mine = [r for r in recs if r["collection"] == Federation.COALITION and
                r["account"] == me["account"]]
        acts = {(r["action"], r["object"], r["result"]) for r in mine}
        self.assertIn(("write", None, 202), acts, mine)
        self.assertIn(("read", x["id"], 200), acts, mine)
        for r in mine:
            self.assertEqual((r["member"], r["role"]), ("b", "admin"), r)
            self.assertTrue(r["at"], r)
        anon = [r for r in recs if r["collection"] == pub]
        self.assertTrue(anon, recs)
        self.assertEqual((anon[0]["account"], anon[0]["action"], anon[0]["result"]),
                         (None, "read", 200))
        # ?collection takes an alias; ?limit caps
        one = b.api("GET", "audit?collection=coalition&limit=1", expect=200).json["records"]
        self.assertEqual(len(one), 1)
        self.assertEqual(one[0]["collection"], Federation.COALITION)
        # b's delegate sees what b owns; c's delegate at b owns nothing here;
        # analysts see no audit
        b.add_account("b-delegate", "b", role="delegate")
        tok, _ = b.new_token("b-delegate")
        seen = b.api("GET", "audit", token=tok, expect=200).json["records"]
        self.assertTrue([r for r in seen if r["collection"] == Federation.COALITION])
        b.add_account("c-delegate", "c", role="delegate")
        tok, _ = b.new_token("c-delegate")
        self.assertEqual(b.api("GET", "audit", token=tok, expect=200).json["records"], [])
        b.api("GET", "audit?collection=coalition", token=tok, expect=404)
        tok, _ = b.new_token("d-analyst")
        b.api("GET", "audit", token=tok, expect=403)
        b.api("GET", "audit?limit=0", expect=400)

    def test_4_withdrawal_and_tampering(self):
        fed = self.fed
        a, b, c, d = (fed[m] for m in MEMBERS)
        self.assertEqual(a.api("GET", "gov/presidency", expect=200).json["chair"], "d")
        for n, tok in self.d_tokens.items():
            self.assertEqual(whoami_status(fed[n], tok), 200, n)
        d_peer = fed.secrets[(HQ, "d")][-1]
        self.assertEqual(whoami_status(a, d_peer), 200)

        # c is down while d withdraws; meanwhile b's copy of the entry is
        # tampered with, so c, which pulls the log from b only, is served it.
        self.assertEqual(c.stop(), 0)
        r = a.cli("member", "withdraw", "--reason", "leaving the coalition", "--key",
                  self.keys["d"], token=self.delegate["d"])
        self.assertEqual(r.rc, 0, r)
        self.wait_heads(("a", "b"), 2)
        original = db_query(b.db, "SELECT entry FROM gov_log WHERE seq = 2")[0][0]
        self.assertIn("leaving the coalition", original)
        db_exec(b.db, "UPDATE gov_log SET entry = ? WHERE seq = 2",
                (original.replace("leaving the coalition", "expelled by the HQ"),))
        c.start()

        def refused():
            nudge(c)
            row = self.gov_row("c", "b")
            return row if row and row.get("refused") == 2 else None

        row = wait_until(refused, WAIT_S, "c refusing b's tampered entry")
        self.assertRegex(row["last_error"], r"entry 2\b")
        self.assertGreaterEqual(row["failures"], 1)
        self.assertEqual(self.head("c")[0], 1)
        self.assertIn("governance entry 2 refused", c.stderr())
        r = jictest.run([jictest.JIC, "audit", "verify", "--db", b.db])
        self.assertNotEqual(r.rc, 0, r)
        self.assertRegex(r.out + r.err, r"\b2\b", r)
        r = jictest.run([jictest.JIC, "audit", "verify", "--db", a.db])
        self.assertEqual(r.rc, 0, r)

        # Once b holds the true entry again, c takes it.
        db_exec(b.db, "UPDATE gov_log SET entry = ? WHERE seq = 2", (original,))
        self.wait_heads(("a", "b", "c"), 2)
        self.assertEqual(len({self.head(m) for m in ("a", "b", "c")}), 1)
        self.gov_settled("c", "b", 2)

        # d's accounts are refused on every node that holds the log, its
        # node's peer credentials at the HQ included.
        for n in ("a", "b", "c"):
            self.assertEqual(whoami_status(fed[n], self.d_tokens[n]), 401, n)
            r = fed[n].get("/api/collections/coalition/objects/", token=self.d_tokens[n])
            self.assertTaxiiError(r, 401)
        self.assertEqual(whoami_status(a, d_peer), 401)
        for n in ("a", "b", "c"):
            p = fed[n].api("GET", "gov/presidency", expect=200).json
            self.assertNotEqual(p["chair"], "d", (n, p))
            self.assertNotEqual(p["next"], "d", (n, p))
            self.assertTrue(p["chair"], (n, p))

        # d's room stops receiving coalition data; the others go on.
        x = indicator("after d withdrew")
        a.push(Federation.COALITION, [x])
        fed.converge({m: {(x["id"], x["modified"])} for m in ("a", "b", "c")}, timeout=WAIT_S)

        def d_refused():
            nudge(d)
            st = d.pull_state(HQ)
            return st if st["last_error"] and "401" in st["last_error"] else None

        wait_until(d_refused, WAIT_S, "d's pull from the HQ refused")
        self.assertNotIn((x["id"], x["modified"]), d.version_counts(Federation.COALITION))

        # d's earlier objects stay on every node, attributed to d.
        mine = {o["id"] for o in self.written["d"]}
        for n in ("a", "b", "c"):
            rows = [v for v in fed[n].versions(Federation.COALITION) if v[1] in mine]
            self.assertEqual(len(rows), len(mine), n)
            for v in rows:
                self.assertEqual(v[3:], ("d", "d-node"), (n, v))

    def test_5_dissolution(self):
        fed = self.fed
        a = fed[HQ]
        r = a.cli("dissolve", "--reason", "the alliance ends", "--key", self.keys["a"],
                  json_out=True)
        self.assertEqual(r.rc, 0, r)
        seq = r.json["seq"]
        for m in ("b", "c"):
            r = a.cli("approve", str(seq), "--key", self.keys[m], token=self.delegate[m])
            self.assertEqual(r.rc, 0, r)
        nodes = ("a", "b", "c")

        def dissolved():
            out = []
            for m in nodes:
                nudge(fed[m])
                st = self.state(m)
                if not (st and st.get("dissolved")):
                    out.append(m)
            return not out

        wait_until(dissolved, WAIT_S, "dissolution on every node")
        for m in nodes:
            n = fed[m]
            r = n.post("/api/collections/coalition/objects/", {"objects": [indicator()]})
            self.assertEqual(self.assertTaxiiError(r, 403)["description"], DISSOLVED)
            r = n.api("POST", "accounts", {"id": "late", "member": m, "role": "analyst"})
            self.assertEqual(r.status, 403, r)
            self.assertIn(DISSOLVED, r.body.decode())
            self.assertEqual(n.api("POST", "sync/now", {}).status, 403)
            r = n.delete("/api/collections/coalition/objects/%s/" % self.written[m][0]["id"])
            self.assertEqual(r.status, 403, r)
            # reads go on
            items, _ = n.fetch_all("coalition", limit=1000)
            self.assertTrue(items)
            self.assertEqual(n.api("GET", "whoami").status, 200)


if __name__ == "__main__":
    jictest.main()
