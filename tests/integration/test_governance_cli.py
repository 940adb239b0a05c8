"""The governance CLI (docs/governance.md, "CLI") against one HQ node: member
keys made on the members' side, the charter, an invitation approved by every
full member and accepted with the new member's own key, the presidency, a
meeting, joint statements signed by every full member, published to the
public collection and read there without a token, verified offline (and
refused when forged), withdrawal, the chain's audit from the database file,
dissolution and the signed archive.

Owns nothing but its temporary directories and the jicd nodes it starts."""

import base64
import calendar
import copy
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import jictest

FULL = ["sahil", "jabal", "wadi", "nahr"]
ASSOCIATE = "waha"
NAMES = {
    "sahil": ("Sahil Information Service", "جهاز معلومات الساحل"),
    "jabal": ("Jabal Security Directorate", "مديرية أمن الجبل"),
    "wadi": ("Wadi Intelligence Bureau", "مكتب استخبارات الوادي"),
    "nahr": ("Nahr Operations Centre", "مركز عمليات النهر"),
    "waha": ("Waha Liaison Office", "مكتب ارتباط الواحة"),
}
ARABIC_TEXT = "يدين التحالف الهجمات على البنية التحتية، ويدعو إلى التعاون."
ENGLISH_TEXT = "The coalition condemns the attacks on infrastructure and calls for cooperation."
# PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410).
ED25519_PKCS8 = bytes.fromhex("302e020100300506032b657004220420")


def canonical(v):
    """docs/governance.md's canonical JSON, for ASCII keys (RFC 8785)."""
    return json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def chair_on(day, order):
    """The chair of the term holding day (YYYY-MM-DD) when the members of
    order are all active: terms of 3 months from 2026-01-01, in order."""
    y, m = int(day[:4]), int(day[5:7])
    return order[((y - 2026) * 12 + m - 1) // 3 % len(order)]


class GovernanceCli(jictest.TestCase):
    TIMEOUT_S = 560

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="jic-gov-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    # ------------------------------------------------------------ helpers

    def path(self, name):
        return os.path.join(self.tmp, name)

    def ok(self, r):
        self.assertEqual(r.rc, 0, r)
        return r

    def refused(self, r, *codes):
        self.assertNotEqual(r.rc, 0, r)
        if codes:
            self.assertIn(r.rc, codes, r)
        self.assertTrue(r.err.startswith("jic: "), r)
        self.assertEqual(r.err.count("\n"), 1, r)  # one line
        return r

    def keygen(self, member, name=None):
        out = self.path(name or member + ".key")
        r = self.ok(jictest.run([jictest.JIC, "member", "keygen", "--member", member,
                                 "--out", out]))
        pk = r.out.strip()
        self.assertRegex(pk, r"^ed25519:[A-Za-z0-9+/]{43}=$")
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)
        with open(out) as f:
            kf = json.load(f)
        self.assertEqual((kf["member"], kf["public"]), (member, pk))
        return out, pk

    def coalition(self, n, tag=""):
        """Members, delegates with tokens, keys and the charter on node n;
        returns (keys, tokens, public keys)."""
        keys, tokens, pks = {}, {}, {}
        for m in FULL + [ASSOCIATE]:
            n.add_member(m, kind="associate" if m == ASSOCIATE else "full",
                         name_en=NAMES[m][0], name_ar=NAMES[m][1])
            tokens[m] = n.principal(m + "-delegate", m, "delegate")
            keys[m], pks[m] = self.keygen(m, "%s%s.key" % (tag, m))
        charter = {
            "name_en": "Coalition of Sahil, Jabal, Wadi and Nahr",
            "name_ar": "تحالف الساحل والجبل والوادي والنهر",
            "members": [{"id": m, "name_en": NAMES[m][0], "name_ar": NAMES[m][1],
                         "kind": "associate" if m == ASSOCIATE else "full", "key": pks[m]}
                        for m in FULL + [ASSOCIATE]],
            "term_months": 3,
            "first_term_start": "2026-01-01",
        }
        cfile = self.path(tag + "charter.json")
        with open(cfile, "w", encoding="utf-8") as f:
            json.dump(charter, f, ensure_ascii=False)
        r = self.ok(n.cli("charter", "init", cfile))
        self.assertRegex(r.out, r"coalition [0-9a-f]{64}")
        return keys, tokens, pks

    def act(self, n, member, *args, json_out=True):
        """An act signed with member's key file, sent with its delegate's token."""
        return n.cli(*args, "--key", self.keys[member], token=self.tokens[member],
                     json_out=json_out)

    def state(self, n):
        return self.ok(n.cli("charter", "show", json_out=True)).json

    def keys_file(self, n, name):
        out = self.path(name)
        if os.path.exists(out):
            os.unlink(out)
        self.ok(n.cli("charter", "keys", "--out", out))
        return out

    def verify(self, report, keys_path, name="report.json"):
        """jic statement verify on report (a dict) written to a file, run with
        no server at all."""
        f = self.path(name)
        with open(f, "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False)
        return jictest.run([jictest.JIC, "statement", "verify", f, "--keys", keys_path])

    def ed25519_sign(self, key_file, msg):
        """A signature by the key file's secret, made outside jic (openssl)."""
        with open(key_file) as f:
            seed = base64.b64decode(json.load(f)["secret"])[:32]
        der, m = self.path("forge.der"), self.path("forge.msg")
        with open(der, "wb") as f:
            f.write(ED25519_PKCS8 + seed)
        with open(m, "wb") as f:
            f.write(msg)
        p = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", der, "-keyform", "DER",
                            "-rawin", "-in", m], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        os.unlink(der)
        self.assertEqual(p.returncode, 0, p.stderr)
        return base64.b64encode(p.stdout).decode()

    def published_reports(self, n, public):
        """The joint-statement reports of the public collection, read with no token."""
        r = n.get("/api/collections/%s/objects/" % public, token="")
        self.assertEqual(r.status, 200, r)
        return r.json, {o["id"]: o for o in r.json["objects"]
                        if o["type"] == "report" and
                        "joint-statement" in o.get("report_types", [])}

    @staticmethod
    def ext(report):
        (e,) = [v for k, v in report["extensions"].items()
                if k.startswith("extension-definition--")]
        return e

    def sign_all(self, n, sid, members):
        for m in members:
            r = self.ok(self.act(n, m, "statement", "sign", sid, json_out=False))
            # both languages are shown before signing
            self.assertIn(ARABIC_TEXT, r.out)
            self.assertIn(ENGLISH_TEXT, r.out)

    # ------------------------------------------------------------ tests

    def test_keygen_never_overwrites(self):
        out, pk = self.keygen("sahil")
        with open(out, "rb") as f:
            before = f.read()
        r = self.refused(jictest.run([jictest.JIC, "member", "keygen", "--member", "sahil",
                                      "--out", out]))
        self.assertIn(out, r.err)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), before)
        self.refused(jictest.run([jictest.JIC, "member", "keygen", "--out", out + "2"]), 2)
        self.refused(jictest.run([jictest.JIC, "member", "keygen", "--member", "Not Valid",
                                  "--out", out + "3"]), 2)
        self.assertFalse(os.path.exists(out + "3"))
        # every governance command has its help
        top = self.ok(jictest.run([jictest.JIC, "--help"])).out
        for cmd in ("charter", "gov", "invite", "approve", "invitation", "adviser",
                    "presidency", "meeting", "statement", "dissolve", "audit", "archive"):
            self.assertRegex(top, r"\n  %s\s" % cmd)
            r = self.ok(jictest.run([jictest.JIC, "help", cmd]))
            self.assertTrue(r.out.startswith("usage: jic %s" % cmd), r)
        self.assertIn("keygen", self.ok(jictest.run([jictest.JIC, "help", "member"])).out)
        # signing commands need a key file
        self.refused(jictest.run([jictest.JIC, "--url", "http://127.0.0.1:9", "approve",
                                  "2"]), 2)

    def test_coalition_life(self):
        n = self.fresh_node()
        self.keys, self.tokens, pks = self.coalition(n)

        # -- the charter
        st = self.state(n)
        self.assertRegex(st["coalition"], r"^[0-9a-f]{64}$")
        got = {m["id"]: m for m in st["members"]}
        for m in FULL + [ASSOCIATE]:
            self.assertEqual((got[m]["status"], got[m]["key"]), ("active", pks[m]))
        self.assertEqual(got[ASSOCIATE]["kind"], "associate")
        r = self.ok(n.cli("charter", "show"))
        self.assertIn("مكتب ارتباط الواحة", r.out)
        self.assertIn("Coalition of Sahil, Jabal, Wadi and Nahr", r.out)
        cfile = self.path("charter.json")
        self.refused(n.cli("charter", "init", cfile))  # one charter per log

        # -- the presidency
        p = self.ok(n.cli("presidency", "--at", "2026-01-01", json_out=True)).json
        self.assertEqual((p["chair"], p["next"]), ("sahil", "jabal"))
        p = self.ok(n.cli("presidency", "--at", "2026-04-15", json_out=True)).json
        self.assertEqual(p["chair"], "jabal")
        self.assertTrue(p["term_start"].startswith("2026-04-01T00:00:00"), p)
        today = time.strftime("%Y-%m-%d", time.gmtime())
        chair = chair_on(today, FULL)
        p = self.ok(n.cli("presidency", json_out=True)).json
        self.assertEqual(p["chair"], chair)
        self.refused(n.cli("presidency", "--at", "not-a-date"), 2)

        # -- an invitation: proposed, approved by every other full member,
        # accepted with the new member's own key
        qkey, qpk = self.keygen("qamar")
        self.refused(self.act(n, "sahil", "invite", "qamar", "--name-en", "Qamar Agency",
                              "--name-ar", "وكالة القمر"), 2)
        self.refused(self.act(n, "sahil", "invite", "qamar", "--name-en", "Qamar Agency",
                              "--name-ar", "وكالة القمر", "--member-key", "ed25519:short"), 2)
        r = self.ok(self.act(n, "sahil", "invite", "qamar", "--name-en", "Qamar Agency",
                             "--name-ar", "وكالة القمر", "--kind", "full",
                             "--member-key", qpk))
        inv = r.json["seq"]
        self.assertEqual(r.json["act"]["type"], "member.invite")
        self.assertEqual(r.json["act"]["by"], "sahil")
        self.assertEqual(r.json["act"]["member"]["key"], qpk)
        # the associate takes no part in decisions
        self.refused(self.act(n, ASSOCIATE, "approve", str(inv)))
        self.ok(self.act(n, "jabal", "approve", str(inv)))
        self.ok(self.act(n, "wadi", "approve", str(inv)))
        # not in force before the last approval
        self.refused(n.cli("invitation", "accept", str(inv), "--key", qkey))
        self.ok(self.act(n, "nahr", "approve", str(inv)))
        # another member's key cannot answer it
        r = self.refused(n.cli("invitation", "accept", str(inv), "--key", self.keys["wadi"]))
        self.assertIn("qamar", r.err)
        # nor a key made for the same id by someone else, with or without a
        # token to read the invitation first
        rogue, _ = self.keygen("qamar", "rogue-qamar.key")
        r = self.refused(n.cli("invitation", "accept", str(inv), "--key", rogue))
        self.assertIn("names key " + qpk, r.err)
        for answer in ("accept", "decline"):
            r = self.refused(n.cli("invitation", answer, str(inv), "--key", rogue, token=""))
            self.assertIn("signature", r.err)
        r = self.ok(n.cli("invitation", "accept", str(inv), "--key", qkey, json_out=True))
        self.assertNotIn("key", r.json["act"])
        got = {m["id"]: m for m in self.state(n)["members"]}
        self.assertEqual((got["qamar"]["status"], got["qamar"]["key"]), ("active", qpk))
        self.keys["qamar"] = qkey
        self.tokens["qamar"] = n.principal("qamar-delegate", "qamar", "delegate")
        full = FULL + ["qamar"]

        # -- the log, as the CLI prints it
        log = self.ok(n.cli("gov", "log", json_out=True)).json["entries"]
        self.assertEqual([e["seq"] for e in log], list(range(1, len(log) + 1)))
        self.assertEqual(log[0]["act"]["type"], "charter")
        self.assertEqual(self.ok(n.cli("gov", "log", "--after", str(inv),
                                       json_out=True)).json["entries"][0]["seq"], inv + 1)
        r = self.ok(n.cli("gov", "log"))
        self.assertIn("member.invite", r.out)

        # -- a meeting: only the chair convenes it
        other = [m for m in FULL if m != chair][0]
        margs = ["meeting", "convene", "--title-en", "Border file", "--title-ar", "ملف الحدود",
                 "--at", "2026-12-10T10:00:00Z", "--participants", ",".join(full),
                 "--agenda-en", "Sector 4, north", "--agenda-ar", "القطاع 4، الشمال"]
        self.refused(self.act(n, other, *margs))
        r = self.ok(self.act(n, chair, *margs))
        meeting = r.json["act"]["meeting"]
        self.assertEqual(r.json["act"]["agenda"], [{"en": "Sector 4, north",
                                                    "ar": "القطاع 4، الشمال"}])
        self.assertTrue(r.json["act"]["when"].startswith("2026-12-10T10:00:00"), r.json)
        self.ok(self.act(n, chair, "meeting", "minutes", meeting, "--en", "Agreed.",
                         "--ar", "تم الاتفاق."))
        ms = self.ok(n.cli("meeting", "list", json_out=True, token=self.tokens["wadi"])).json
        self.assertEqual([m["meeting"] for m in ms["meetings"]], [meeting])
        self.assertTrue(ms["meetings"][0]["when"].startswith("2026-12-10T10:00:00"), ms)
        r = self.ok(n.cli("meeting", "show", meeting, token=self.tokens["wadi"]))
        self.assertIn("ملف الحدود", r.out)
        self.assertIn("2026-12-10T10:00:00", r.out)
        self.assertIn("تم الاتفاق.", r.out)

        # -- a joint statement, signed by every full member and published
        r = self.ok(self.act(n, chair, "statement", "draft", "--meeting", meeting,
                             "--title-en", "Joint statement", "--title-ar", "بيان مشترك",
                             "--en", ENGLISH_TEXT, "--ar", ARABIC_TEXT))
        s1 = r.json["act"]["statement"]
        self.sign_all(n, s1, full[:-1])
        # consensus: not before the last required member signs
        self.refused(self.act(n, chair, "statement", "publish", s1))
        self.refused(self.act(n, ASSOCIATE, "statement", "sign", s1))
        self.sign_all(n, s1, full[-1:])
        self.ok(self.act(n, chair, "statement", "publish", s1))
        shown = self.ok(n.cli("statement", "show", s1, json_out=True,
                              token=self.tokens["jabal"])).json
        self.assertEqual(sorted(s["signer"] for s in shown["versions"][0]["signatures"]),
                         sorted(full))
        # a second statement, to copy signatures from
        r = self.ok(self.act(n, chair, "statement", "draft", "--title-en", "Second",
                             "--title-ar", "الثاني", "--en", ENGLISH_TEXT, "--ar",
                             ARABIC_TEXT))
        s2 = r.json["act"]["statement"]
        self.sign_all(n, s2, full)
        self.ok(self.act(n, chair, "statement", "publish", s2))

        # -- read from the public collection without any token
        public = self.ok(n.cli("collection", "show", "public", json_out=True)).json["id"]
        envelope, reports = self.published_reports(n, public)
        self.assertEqual(len(reports), 2, envelope)
        rep1 = [o for o in reports.values() if self.ext(o)["statement"]["statement"] == s1][0]
        rep2 = [o for o in reports.values() if self.ext(o)["statement"]["statement"] == s2][0]
        self.assertIn(ARABIC_TEXT, rep1["description"])
        self.assertEqual(n.get("/api/collections/%s/objects/" % public,
                               token="no-such-token").status, 401)

        # -- verified offline
        keys = self.keys_file(n, "keys.json")
        with open(keys) as f:
            self.assertEqual(json.load(f)["coalition"], self.state(n)["coalition"])
        r = self.ok(self.verify(rep1, keys))
        self.assertIn("valid", r.out)
        # an envelope holding one statement's three objects
        one = [o for o in envelope["objects"] if o["type"] != "report" or o is rep1]
        self.assertEqual(sorted(o["type"] for o in one),
                         ["extension-definition", "identity", "report"])
        self.ok(self.verify({"objects": one}, keys, "envelope.json"))
        # a file holding both is ambiguous
        self.refused(self.verify(envelope, keys, "both.json"), 1)
        self.ok(self.verify(rep2, keys))

        # one byte changed in the signed text
        bad = copy.deepcopy(rep1)
        t = self.ext(bad)["statement"]["text_en"]
        self.ext(bad)["statement"]["text_en"] = t[:4] + ("X" if t[4] != "X" else "Y") + t[5:]
        r = self.refused(self.verify(bad, keys), 1)
        # ... and in the report's description too: the signatures catch it
        i = bad["description"].index(t)
        bad["description"] = (bad["description"][:i] + self.ext(bad)["statement"]["text_en"] +
                              bad["description"][i + len(t):])
        r2 = self.refused(self.verify(bad, keys), 1)
        self.assertNotEqual(r.err, r2.err)
        self.assertIn("signature", r2.err)
        # another coalition's keys: same member ids, their own keys
        n2 = self.fresh_node()
        saved = (self.keys, self.tokens)
        self.coalition(n2, tag="other-")
        self.keys, self.tokens = saved
        keys2 = self.keys_file(n2, "keys-other.json")
        self.refused(self.verify(rep1, keys2), 1)
        # a signature copied from the other statement
        bad = copy.deepcopy(rep1)
        sigs1, sigs2 = self.ext(bad)["signatures"], self.ext(rep2)["signatures"]
        i = [k for k, s in enumerate(sigs1) if s["signer"] == "jabal"][0]
        sigs1[i] = [s for s in sigs2 if s["signer"] == "jabal"][0]
        self.refused(self.verify(bad, keys), 1)

        # -- a suspension and a reinstatement, each proposed and approved by
        # every other full member; the suspended member's accounts are refused
        def decided(proposer, *args):
            seq = self.ok(self.act(n, proposer, *args)).json["seq"]
            for m in full:
                if m != proposer:
                    self.ok(self.act(n, m, "approve", str(seq)))
            return seq

        decided("sahil", "member", "suspend", ASSOCIATE, "--reason", "تدقيق / audit")
        got = {m["id"]: m for m in self.state(n)["members"]}
        self.assertEqual(got[ASSOCIATE]["status"], "suspended")
        self.assertEqual(n.get("/jic/v1/whoami", token=self.tokens[ASSOCIATE]).status, 401)
        decided("jabal", "member", "reinstate", ASSOCIATE)
        got = {m["id"]: m for m in self.state(n)["members"]}
        self.assertEqual(got[ASSOCIATE]["status"], "active")
        self.assertEqual(n.get("/jic/v1/whoami", token=self.tokens[ASSOCIATE]).status, 200)

        # -- an adviser: sahil's delegate accredited to jabal, in force once
        # jabal consents, then revoked
        now_us = jictest.parse_ts(jictest.stix_now())
        r = self.ok(self.act(n, "sahil", "adviser", "accredit", "sahil-delegate", "--host",
                             "jabal", "--from", jictest.fmt_us(now_us - 3600 * 10**6),
                             "--until", jictest.fmt_us(now_us + 86400 * 10**6)))
        acc = r.json["seq"]
        self.refused(self.act(n, "wadi", "adviser", "consent", str(acc)))  # not the host
        self.ok(self.act(n, "jabal", "adviser", "consent", str(acc)))
        (adv,) = [a for a in self.state(n)["advisers"] if a["ref"] == acc]
        self.assertEqual((adv["account"], adv["host"], adv["consented"]),
                         ("sahil-delegate", "jabal", True))
        self.assertIsNone(adv["revoked"])
        self.ok(self.act(n, "jabal", "adviser", "revoke", str(acc)))
        (adv,) = [a for a in self.state(n)["advisers"] if a["ref"] == acc]
        self.assertIsNotNone(adv["revoked"])

        # -- a withdrawal: what qamar signed before stays valid, a signature
        # dated after it is refused
        self.ok(self.act(n, "qamar", "member", "withdraw", "--reason", "leaving"))
        keys = self.keys_file(n, "keys-after.json")
        with open(keys) as f:
            q = [m for m in json.load(f)["members"] if m["id"] == "qamar"][0]
        self.assertIsNotNone(q["until"])
        self.ok(self.verify(rep1, keys))
        doc = self.ext(rep1)["statement"]
        (qsig,) = [s for s in self.ext(rep1)["signatures"] if s["signer"] == "qamar"]
        # the same signature made outside jic proves the forgery below is well made
        self.assertEqual(self.ed25519_sign(qkey, canonical(
            {"statement": doc, "signer": "qamar", "signed_at": qsig["signed_at"]})),
            qsig["signature"])
        late = jictest.fmt_us(jictest.parse_ts(q["until"]) + 1000000)
        forged = copy.deepcopy(rep1)
        (fs,) = [s for s in self.ext(forged)["signatures"] if s["signer"] == "qamar"]
        fs["signed_at"] = late
        fs["signature"] = self.ed25519_sign(qkey, canonical(
            {"statement": doc, "signer": "qamar", "signed_at": late}))
        r = self.refused(self.verify(forged, keys), 1)
        self.assertIn("qamar", r.err)
        # a withdrawn member acts no more: its accounts are refused
        r = self.refused(self.act(n, "qamar", "statement", "sign", s2), 3)
        self.assertEqual(n.get("/jic/v1/whoami", token=self.tokens["qamar"]).status, 401)

        # -- the chain, recomputed from the database file
        r = self.ok(jictest.run([jictest.JIC, "audit", "verify", "--db", n.db]))
        head = self.state(n)["head"]["seq"]
        self.assertEqual(r.out.strip(), "chain sound: %d entries" % head)
        # ... and from the entries the node serves, replayed apart
        r = self.ok(n.cli("audit", "verify", token=self.tokens["wadi"]))
        self.assertEqual(r.out.strip(), "chain sound: %d entries" % head)
        self.refused(jictest.run([jictest.JIC, "audit", "verify", "--db",
                                  self.path("missing.db")]))
        # the node's data audit holds the anonymous reads of the public collection
        recs = self.ok(n.cli("audit", "list", "--collection", public, json_out=True)).json
        anon = [x for x in recs["records"] if x["action"] == "read" and not x["account"]]
        self.assertGreater(len(anon), 0, recs)
        self.ok(n.cli("audit", "list", "--limit", "5"))

        # -- an invitation declined with the invited member's key, and an
        # expulsion, each decided by every active full member
        bkey, bpk = self.keygen("bahr")
        r = self.ok(self.act(n, "wadi", "invite", "bahr", "--name-en", "Bahr Office",
                             "--name-ar", "مكتب البحر", "--kind", "observer",
                             "--member-key", bpk))
        inv2 = r.json["seq"]
        for m in ("sahil", "jabal", "nahr"):
            self.ok(self.act(n, m, "approve", str(inv2)))
        self.ok(n.cli("invitation", "decline", str(inv2), "--key", bkey))
        got = {m["id"]: m for m in self.state(n)["members"]}
        self.assertEqual(got["bahr"]["status"], "declined")
        self.refused(n.cli("invitation", "accept", str(inv2), "--key", bkey))
        r = self.ok(self.act(n, "nahr", "member", "expel", ASSOCIATE, "--reason", "breach"))
        for m in ("sahil", "jabal"):
            self.ok(self.act(n, m, "approve", str(r.json["seq"])))
        self.assertEqual({m["id"]: m for m in self.state(n)["members"]}[ASSOCIATE]["status"],
                         "active")
        self.ok(self.act(n, "wadi", "approve", str(r.json["seq"])))
        self.assertEqual({m["id"]: m for m in self.state(n)["members"]}[ASSOCIATE]["status"],
                         "expelled")

        # -- dissolution: proposed, approved, then a read-only archive
        r = self.ok(self.act(n, "sahil", "dissolve", "--reason", "mission complete"))
        diss = r.json["seq"]
        for m in ("jabal", "wadi"):
            self.ok(self.act(n, m, "approve", str(diss)))
        self.assertFalse(self.state(n)["dissolved"])
        self.ok(self.act(n, "nahr", "approve", str(diss)))
        self.assertTrue(self.state(n)["dissolved"])
        self.refused(self.act(n, chair, "statement", "draft", "--title-en", "Late",
                              "--title-ar", "متأخر", "--en", "x", "--ar", "س"), 3)
        arch = self.path("archive")
        r = self.ok(n.cli("archive", "export", arch))
        self.assertTrue(os.path.exists(os.path.join(arch, "bundle.json")))
        r = self.ok(jictest.run([jictest.JIC, "archive", "verify", arch]))
        self.assertIn("valid", r.out)
        with open(os.path.join(arch, "bundle.json"), encoding="utf-8") as f:
            ids = {o["id"] for o in json.load(f)["objects"]}
        self.assertIn(rep1["id"], ids)
        self.refused(n.cli("archive", "export", arch))  # never over an archive
        with open(os.path.join(arch, "bundle.json"), "r+b") as f:
            data = bytearray(f.read())
            i = data.index(b'"objects"') + 2
            data[i] = ord("O")
            f.seek(0)
            f.write(data)
        self.refused(jictest.run([jictest.JIC, "archive", "verify", arch]), 1)

        # -- a tampered row: audit verify names it
        seq = inv + 1
        (row,) = jictest.db_query(n.db, "SELECT entry FROM gov_log WHERE seq = ?", (seq,))
        entry = json.loads(row[0])
        entry["at"] = entry["at"][:-2] + ("1Z" if entry["at"][-2] != "1" else "2Z")
        jictest.db_exec(n.db, "UPDATE gov_log SET entry = ? WHERE seq = ?",
                        (canonical(entry).decode(), seq))
        r = self.refused(jictest.run([jictest.JIC, "audit", "verify", "--db", n.db]), 1)
        self.assertIn("entry %d" % seq, r.err)
        r = self.refused(n.cli("audit", "verify"), 1)
        self.assertIn("entry %d" % seq, r.err)


if __name__ == "__main__":
    jictest.main()
