"""The full rights matrix of a coalition on one HQ node: who may do what, with
data (TAXII, docs/api.md) and with the coalition's governance
(docs/governance.md), as one table a reader can check against the docs.

Principals: a full member's delegate, an associate's delegate, an observer's
delegate, an adviser (a delegate of the associate accredited to a full member,
consented, in force), a guest (an analyst account of the observer, listed as a
guest of one meeting), the chair's delegate, the node's admin, the delegate of
a member that withdrew, and an anonymous caller. Keys are made with `jic member
keygen`; acts are signed and sent by the jic CLI, reads and data go over HTTP.

Owns nothing but its temporary directory and the jicd node it starts."""

import json
import os
import shutil
import tempfile
import time

import jictest
from jictest import indicator

CHAIR, FULL, HOST = "sahil", "jabal", "wadi"  # the charter's full members, in order
ASSOCIATE, OBSERVER, LEAVER = "waha", "qamar", "bahr"
ADVISER, GUEST = "waha-adviser", "qamar-guest"

OK = "allowed"  # 200 for reads and deletes, 202 for TAXII writes, 201 for acts

PRINCIPALS = ("full", "associate", "observer", "adviser", "guest", "chair", "admin",
              "withdrawn", "anonymous")

# The matrix. Rows run top to bottom and, in each row, principals left to
# right: the sign row comes before publish (the chair publishes once every
# full member signed), and the full member approves the pending proposal
# before the chair's approval settles it. Refusals are HTTP statuses; acts go
# through the CLI, where 401 and 403 both exit 3 (told apart by the error
# title the CLI prints) and 404 exits 4.
#
# Why, in the docs' words (docs/api.md "HTTP", docs/governance.md):
# - "Roles give no data rights: rights on collections are granted to members":
#   the admin reads what its member (hq, granted the coalition) reads, no more;
#   "the chair gains no data rights".
# - "A collection the caller may not read is answered exactly as one that does
#   not exist (404)"; writing one it reads but may not write is 403; without
#   any Authorization header everything but the public collections is 401.
# - "Observers never write" (the observer holds a write grant on the coalition
#   collection all the same, and so does its guest account); "Deleting objects
#   needs write and the delegate or admin role".
# - An adviser "reads, besides what X may read, the collections Y owns; it never
#   writes them".
# - A withdrawn member's token is 401, on everything.
# - Meetings and statements: full and associate members see every meeting;
#   guests only theirs; observers "read only what they are granted", so an
#   observer's account sees a meeting only as its guest. The CLI reads the
#   statement before it signs or publishes, so one who may not read it stops
#   there (404).
# - The log and the state are for the accounts of full and associate members
#   and the node's admins: an observer's accounts, the guest's included, 403.
# - The audit is for delegates and admins (of the owning member; the node's
#   admins see all): the guest, an analyst, is 403.
MATRIX = [
    # action                  full assoc  obs  advsr guest chair admin wdrwn  anon
    ("list collections",        OK,  OK,  OK,   OK,   OK,   OK,   OK,  401,   OK),
    ("read coalition",          OK,  OK,  OK,   OK,   OK,   OK,   OK,  401,  401),
    ("write coalition",         OK,  OK, 403,   OK,  403,   OK,   OK,  401,  401),
    ("read chair's only",      404, 404, 404,  404,  404,   OK,  404,  401,  401),
    ("read host's only",       404, 404, 404,   OK,  404,  404,  404,  401,  401),
    ("write host's only",      404, 404, 404,  403,  404,  404,  404,  401,  401),
    ("read public",             OK,  OK,  OK,   OK,   OK,   OK,   OK,  401,   OK),
    ("delete from coalition",   OK,  OK, 403,   OK,  403,   OK,   OK,  401,  401),
    ("read state",              OK,  OK, 403,   OK,  403,   OK,   OK,  401,  401),
    ("read log",                OK,  OK, 403,   OK,  403,   OK,   OK,  401,  401),
    ("convene",                403, 403, 403,  403,  403,   OK,  403,  401,  401),
    ("draft",                  403, 403, 403,  403,  403,   OK,  403,  401,  401),
    ("sign",                    OK, 403, 404,  403,  403,   OK,  404,  401,  401),
    ("publish",                403, 403, 404,  403,  403,   OK,  404,  401,  401),
    ("invite",                  OK, 403, 403,  403,  403,   OK,  403,  401,  401),
    ("approve",                 OK, 403, 403,  403,  403,   OK,  403,  401,  401),
    ("read guest's meeting",    OK,  OK, 404,   OK,   OK,   OK,  404,  401,  401),
    ("read other meeting",      OK,  OK, 404,   OK,  404,   OK,  404,  401,  401),
    ("read audit",              OK,  OK,  OK,   OK,  403,   OK,   OK,  401,  401),
]

CLI_EXIT = {401: 3, 403: 3, 404: 4}
# The CLI's one error line carries the server's error title, which tells 401
# from 403 where the exit code does not.
TITLE = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}


class GovernanceMatrix(jictest.TestCase):
    TIMEOUT_S = 540

    # ------------------------------------------------------------ helpers

    def path(self, name):
        return os.path.join(self.tmp, name)

    def ok(self, r):
        self.assertEqual(r.rc, 0, r)
        return r

    def keygen(self, member):
        out = self.path(member + ".key")
        pk = self.ok(jictest.run([jictest.JIC, "member", "keygen", "--member", member,
                                  "--out", out])).out.strip()
        return out, pk

    def signed(self, who, *args):
        """An act signed with who's key file and sent with who's token."""
        return self.n.cli(*args, "--key", self.key[who], token=self.token[who],
                          json_out=True)

    def head(self):
        return self.n.api("GET", "gov/state", expect=200).json["head"]["seq"]

    def stored(self, oid):
        return jictest.db_query(self.n.db, "SELECT count(*) FROM objects WHERE id = ?",
                                (oid,))[0][0]

    # ------------------------------------------------------------ the coalition

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="jic-matrix-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        n = self.n = self.fresh_node()
        kinds = {CHAIR: "full", FULL: "full", HOST: "full", ASSOCIATE: "associate",
                 OBSERVER: "observer"}
        self.key, pks = {}, {}
        for m, kind in kinds.items():
            n.add_member(m, kind=kind)
            self.key[m], pks[m] = self.keygen(m)
        # the principals' accounts, by principal name; the adviser and the guest
        # sign (and are refused) with their member's key
        self.token = {
            "full": n.principal(FULL + "-delegate", FULL, "delegate"),
            "associate": n.principal(ASSOCIATE + "-delegate", ASSOCIATE, "delegate"),
            "observer": n.principal(OBSERVER + "-delegate", OBSERVER, "delegate"),
            "adviser": n.principal(ADVISER, ASSOCIATE, "delegate"),
            "guest": n.principal(GUEST, OBSERVER, "analyst"),
            "chair": n.principal(CHAIR + "-delegate", CHAIR, "delegate"),
            "admin": n.token,
            "anonymous": "",
            HOST: n.principal(HOST + "-delegate", HOST, "delegate"),
        }
        for p, m in (("full", FULL), ("associate", ASSOCIATE), ("observer", OBSERVER),
                     ("adviser", ASSOCIATE), ("guest", OBSERVER), ("chair", CHAIR)):
            self.key[p] = self.key[m]
        for p, m in (("chair", CHAIR), ("full", FULL), ("associate", ASSOCIATE)):
            self.token[m] = self.token[p]
        # the admin signs with a key of its own member, which the charter does not
        # hold; the anonymous caller holds the chair's key but no token
        self.key["admin"], _ = self.keygen(n.member)
        self.key["anonymous"] = self.key[CHAIR]

        today = time.strftime("%Y-%m-%d", time.gmtime())
        charter = {
            "name_en": "Coalition of Sahil, Jabal and Wadi",
            "name_ar": "تحالف الساحل والجبل والوادي",
            "members": [{"id": m, "name_en": m.title(), "name_ar": "عضو " + m,
                         "kind": k, "key": pks[m]} for m, k in kinds.items()],
            "term_months": 3,
            "first_term_start": today,  # the first term: the first full member chairs
        }
        with open(self.path("charter.json"), "w", encoding="utf-8") as f:
            json.dump(charter, f, ensure_ascii=False)
        self.ok(n.cli("charter", "init", self.path("charter.json")))
        self.assertEqual(self.ok(n.cli("presidency", json_out=True)).json["chair"], CHAIR)

        # collections: the coalition's (owned by the HQ's member), two member-only
        self.coll = {
            "coalition": n.add_collection("coalition", owner=n.member),
            "chair's only": n.add_collection(CHAIR + "-only", owner=CHAIR),
            "host's only": n.add_collection(HOST + "-only", owner=HOST),
            "public": self.ok(n.cli("collection", "show", "public", json_out=True)).json["id"],
        }
        for m in (n.member, CHAIR, FULL, HOST, ASSOCIATE, OBSERVER):
            n.grant(self.coll["coalition"], m, "write")  # the observer's is moot
        n.grant(self.coll["chair's only"], CHAIR, "write")
        n.grant(self.coll["host's only"], HOST, "write")
        n.push(self.coll["chair's only"], [indicator("sahil's own")], token=self.token[CHAIR])
        n.push(self.coll["host's only"], [indicator("wadi's own")], token=self.token[HOST])

        self.leaver()
        self.adviser()

        # two meetings, the guest invited to the first; a statement of that
        # meeting signed by the host already; a proposal waiting for the full
        # member's and the chair's approvals
        full = ",".join([CHAIR, FULL, HOST, ASSOCIATE])
        self.meeting = {}
        for name, guests in (("guest's", [GUEST]), ("other", [])):
            args = ["meeting", "convene", "--title-en", name + " meeting", "--title-ar",
                    "اجتماع", "--at", "2026-12-20T10:00:00Z", "--participants", full]
            if guests:
                args += ["--guests", ",".join(guests)]
            r = self.ok(self.signed(CHAIR, *args))
            self.meeting[name] = r.json["act"]["meeting"]
        r = self.ok(self.signed(CHAIR, "statement", "draft", "--meeting",
                                self.meeting["guest's"], "--title-en", "Joint statement",
                                "--title-ar", "بيان مشترك", "--en", "We agree.",
                                "--ar", "نحن متفقون."))
        self.statement = r.json["act"]["statement"]
        self.ok(self.signed(HOST, "statement", "sign", self.statement))
        _, zaid_pk = self.keygen("zaid")
        r = self.ok(self.signed(HOST, "invite", "zaid", "--name-en", "Zaid", "--name-ar",
                                "زيد", "--kind", "observer", "--member-key", zaid_pk))
        self.proposal = r.json["seq"]

        # one coalition object per principal for it to try to delete
        self.victim = {p: indicator("to delete by " + p) for p in PRINCIPALS}
        n.push(self.coll["coalition"], list(self.victim.values()))

    def leaver(self):
        """A member invited, admitted and accepted with its own key, that
        contributes, then withdraws: its delegate is the withdrawn principal."""
        n = self.n
        self.key[LEAVER], pk = self.keygen(LEAVER)
        r = self.ok(self.signed(HOST, "invite", LEAVER, "--name-en", "Bahr", "--name-ar",
                                "بحر", "--kind", "associate", "--member-key", pk))
        inv = r.json["seq"]
        for m in (CHAIR, FULL):
            self.ok(self.signed(m, "approve", str(inv)))
        self.ok(n.cli("invitation", "accept", str(inv), "--key", self.key[LEAVER], token=""))
        tok = self.token["withdrawn"] = n.principal(LEAVER + "-delegate", LEAVER, "delegate")
        self.token[LEAVER] = tok
        self.key["withdrawn"] = self.key[LEAVER]
        n.grant(self.coll["coalition"], LEAVER, "write")
        n.push(self.coll["coalition"], [indicator("bahr's contribution")], token=tok)
        self.ok(self.signed(LEAVER, "member", "withdraw", "--reason", "leaving"))
        self.assertEqual(n.get("/jic/v1/whoami", token=tok).status, 401)

    def adviser(self):
        """The associate's second delegate accredited to the host, consented
        by the host, in force from an hour ago until tomorrow."""
        now = jictest.parse_ts(jictest.stix_now())
        r = self.ok(self.signed(ASSOCIATE, "adviser", "accredit", ADVISER, "--host", HOST,
                                "--from", jictest.fmt_us(now - 3600 * 10**6),
                                "--until", jictest.fmt_us(now + 86400 * 10**6)))
        self.ok(self.signed(HOST, "adviser", "consent", str(r.json["seq"])))
        (adv,) = self.n.api("GET", "gov/state", expect=200).json["advisers"]
        self.assertEqual((adv["account"], adv["host"], adv["consented"], adv["revoked"]),
                         (ADVISER, HOST, True, None))

    # ------------------------------------------------------------ the actions
    #
    # Each takes the principal's name and returns the HTTP status, or for an
    # act the CLI's Run; `check` then looks at what an allowed one did.

    def http(self, p, method, path, **kw):
        tok = self.token[p]
        if path.startswith("/jic/"):
            kw.setdefault("accept", jictest.JSON)
        return self.n.request(method, path, token=tok, **kw)

    def do_list(self, p):
        r = self.http(p, "GET", "/api/collections/")
        if r.status == 200:
            seen = {c["id"] for c in r.json.get("collections", [])}
            want = {self.coll["public"]}
            if p not in ("anonymous",):
                want.add(self.coll["coalition"])
            if p == "chair":
                want.add(self.coll["chair's only"])
            if p == "adviser":
                want.add(self.coll["host's only"])
            self.assertEqual(seen, want, "collections %s sees" % p)
        return r

    def read(self, coll):
        return lambda p: self.http(p, "GET", self.n.objects_path(self.coll[coll]))

    def write(self, coll):
        def act(p):
            o = indicator("written by " + p)
            r = self.http(p, "POST", self.n.objects_path(self.coll[coll]),
                          body=jictest.envelope([o]))
            if r.status == 202:
                self.assertEqual(r.json.get("success_count"), 1, r)
            # nothing refused is stored
            self.assertEqual(self.stored(o["id"]), 1 if r.status == 202 else 0, p)
            return r
        return act

    def do_delete(self, p):
        oid = self.victim[p]["id"]
        r = self.http(p, "DELETE", self.n.objects_path(self.coll["coalition"], oid))
        self.assertEqual(self.stored(oid), 0 if r.status == 200 else 1, p)
        return r

    def gov_get(self, what):
        return lambda p: self.http(p, "GET", "/jic/v1/gov/" + what)

    def meeting_get(self, which):
        return lambda p: self.http(p, "GET", "/jic/v1/gov/meetings/" + self.meeting[which])

    def do_audit(self, p):
        r = self.http(p, "GET", "/jic/v1/audit")
        if r.status == 200 and p == "admin":
            # the node's admins see every record, the other members' too
            colls = {x["collection"] for x in r.json["records"]}
            self.assertIn(self.coll["host's only"], colls)
        elif r.status == 200:
            # a member's delegates see the records of its own collections only
            member = self.n.api("GET", "whoami", token=self.token[p], expect=200).json["member"]
            owner = {c["id"]: c["owner"] for c in
                     self.n.api("GET", "collections", expect=200).json["collections"]}
            for x in r.json["records"]:
                self.assertEqual(owner.get(x["collection"]), member, (p, x))
        return r

    def act(self, *args):
        return lambda p: self.n.cli(*args, "--key", self.key[p], token=self.token[p],
                                    json_out=True)

    def actions(self):
        when = "2026-12-24T09:00:00Z"
        return {
            "list collections": self.do_list,
            "read coalition": self.read("coalition"),
            "write coalition": self.write("coalition"),
            "read chair's only": self.read("chair's only"),
            "read host's only": self.read("host's only"),
            "write host's only": self.write("host's only"),
            "read public": self.read("public"),
            "delete from coalition": self.do_delete,
            "read state": self.gov_get("state"),
            "read log": self.gov_get("log"),
            "convene": self.act("meeting", "convene", "--title-en", "Follow-up",
                                "--title-ar", "متابعة", "--at", when, "--participants",
                                CHAIR + "," + FULL),
            "draft": self.act("statement", "draft", "--title-en", "Second", "--title-ar",
                              "الثاني", "--en", "Again.", "--ar", "مجددا."),
            "sign": self.act("statement", "sign", self.statement),
            "publish": self.act("statement", "publish", self.statement),
            "invite": lambda p: self.act("invite", "new-" + p, "--name-en", "New",
                                         "--name-ar", "جديد", "--kind", "observer",
                                         "--member-key", self.keygen("new-" + p)[1])(p),
            "approve": self.act("approve", str(self.proposal)),
            "read guest's meeting": self.meeting_get("guest's"),
            "read other meeting": self.meeting_get("other"),
            "read audit": self.do_audit,
        }

    # ------------------------------------------------------------ the test

    def test_matrix(self):
        actions = self.actions()
        self.assertEqual([row[0] for row in MATRIX], list(actions))
        fails = []
        for action, *cells in MATRIX:
            self.assertEqual(len(cells), len(PRINCIPALS), action)
            for p, want in zip(PRINCIPALS, cells):
                before = self.head()
                got = actions[action](p)
                if isinstance(got, jictest.Run):
                    good = (got.rc == 0) if want == OK else (
                        got.rc == CLI_EXIT[want] and TITLE[want] in got.err)
                    if good and want == OK:
                        # an act allowed is one more entry, by the principal's member
                        self.assertEqual(self.head(), before + 1, (action, p))
                        self.assertEqual(got.json["seq"], before + 1, (action, p))
                    elif good:
                        self.assertTrue(got.err.startswith("jic: "), got)
                        self.assertEqual(self.head(), before, (action, p))
                    shown = "exit %d" % got.rc
                else:
                    good = (got.status in (200, 201, 202)) if want == OK else (
                        got.status == want)
                    if good and want != OK:
                        self.assertTaxiiError(got, want)
                    shown = got.status
                if not good:
                    fails.append("%s by %s: expected %s, got %s (%r)" %
                                 (action, p, want, shown, got))
        if fails:
            self.fail("%d cells of the matrix disagree:\n%s" % (len(fails), "\n".join(fails)))

        # what the allowed acts did: the statement is published with the three
        # full members' signatures; the proposal settled with the two approvals
        st = self.n.api("GET", "gov/state", expect=200).json
        members = {m["id"]: m for m in st["members"]}
        self.assertEqual(members["zaid"]["status"], "invited")
        pending = {x["act"]["member"]["id"]: x["approvals"] for x in st["pending"]
                   if x["type"] == "member.invite"}
        self.assertEqual(pending, {"new-full": [FULL], "new-chair": [CHAIR]})
        self.assertEqual(members[LEAVER]["status"], "withdrawn")
        shown = self.n.api("GET", "gov/statements/" + self.statement,
                           token=self.token["full"], expect=200).json
        self.assertEqual(sorted(s["signer"] for s in shown["versions"][0]["signatures"]),
                         [FULL, CHAIR, HOST])
        r = self.n.get(self.n.objects_path(self.coll["public"]), token="")
        self.assertEqual(r.status, 200, r)
        published = [e["statement"]["statement"] for o in r.json["objects"]
                     if o["type"] == "report" for k, e in o["extensions"].items()
                     if k.startswith("extension-definition--")]
        self.assertEqual(published, [self.statement])
        # the host's audit names the adviser as the associate's adviser to it
        recs = self.n.api("GET", "audit?collection=%s" % HOST + "-only",
                          token=self.token[HOST], expect=200).json["records"]
        adv = [x for x in recs if x["account"] == ADVISER]
        self.assertTrue(adv, recs)
        for x in adv:
            self.assertEqual((x["member"], x["adviser_of"]), (ASSOCIATE, HOST), x)
        # an organisation the node knows but the coalition does not (a full
        # member here, never in the charter) reads neither the log nor the state
        self.n.add_member("outsider", kind="full")
        outsider = self.n.principal("outsider-delegate", "outsider", "delegate")
        for what in ("gov/log", "gov/state"):
            r = self.n.api("GET", what, token=outsider)
            self.assertEqual(r.status, 403, r)
            self.assertTaxiiError(r, 403)


if __name__ == "__main__":
    jictest.main()
