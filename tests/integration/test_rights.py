"""The rights matrix: roles (admin, delegate, analyst) x member kinds (full,
associate, observer) x collections (the caller's member-only collection,
another member's member-only collection, the coalition-wide one) x every TAXII
endpoint; then the /jic/v1/ rules of docs/api.md.
A collection that may not be read must answer exactly as one that does not
exist. Owns nothing but its temporary node."""

import uuid

import jictest
from jictest import indicator, sid

ROLES = ("admin", "delegate", "analyst")
KINDS = ("full", "associate", "observer")


def normalise(body, *ids):
    """A 404 body with the ids it names replaced, to compare shapes."""
    s = body.decode("utf-8", "replace")
    for i in ids:
        s = s.replace(i, "ID")
    return s


class Rights(jictest.TestCase):
    TIMEOUT_S = 300

    @classmethod
    def setUpClass(cls):
        n = cls.n = cls.node()
        # the members that call, one of each kind, and "other", who owns a
        # member-only collection none of them may see
        cls.members = {"m-full": "full", "m-assoc": "associate", "m-obs": "observer"}
        for m, k in cls.members.items():
            n.add_member(m, k)
        n.add_member("other", "full")
        cls.coalition = n.add_collection("coalition", title="Coalition")
        for m in list(cls.members) + ["other", "hq"]:
            n.grant(cls.coalition, m, "write")
        cls.own = {}
        for m in list(cls.members) + ["other"]:
            cls.own[m] = n.add_collection(m + "-only", owner=m, title=m + " only")
            n.grant(cls.own[m], m, "write")
            n.grant(cls.own[m], "hq", "write")  # lets the test seed objects
        # callers: member x role; admins of any member
        cls.tokens = {}
        for m in cls.members:
            for role in ROLES:
                cls.tokens[(m, role)] = n.principal("%s-%s" % (m, role), m, role)
        cls.other_tok = n.principal("other-delegate", "other", "delegate")
        # one object in each collection, and a status of "other"'s
        cls.seed = {}
        for c in [cls.coalition] + list(cls.own.values()):
            o = indicator("seed")
            n.push(c, [o])
            cls.seed[c] = o["id"]
        cls.other_status = n.push(cls.coalition, [indicator("by other")],
                                  token=cls.other_tok)["id"]

    def expected(self, member, coll):
        """(can_read, can_write) for member on coll, from docs/api.md."""
        if coll == self.coalition or coll == self.own[member]:
            return True, self.members[member] != "observer"
        return False, False

    def collections_for(self, member):
        return {"own": self.own[member], "other": self.own["other"],
                "coalition": self.coalition}

    def hidden_like_absent(self, method, path_of, tok, body=None):
        """path_of(cid, oid) for a hidden collection answers as for an absent one."""
        hidden = self.own["other"]
        absent = str(uuid.uuid4())
        oid = self.seed[hidden]
        a = self.n.request(method, path_of(hidden, oid), token=tok, body=body)
        b = self.n.request(method, path_of(absent, oid), token=tok, body=body)
        self.assertTaxiiError(a, 404)
        self.assertEqual(a.status, b.status, (a, b))
        self.assertEqual(normalise(a.body, hidden), normalise(b.body, absent), path_of)
        self.assertEqual(a.header("content-type"), b.header("content-type"))

    def test_matrix(self):
        for (m, role), tok in sorted(self.tokens.items()):
            for label, c in sorted(self.collections_for(m).items()):
                with self.subTest(member=m, kind=self.members[m], role=role, coll=label):
                    self.one_cell(m, role, tok, c)

    def one_cell(self, m, role, tok, c):
        n = self.n
        can_read, can_write = self.expected(m, c)
        listed = {x["id"]: x for x in n.get("/api/collections/", token=tok).json.get(
            "collections", [])}
        self.assertEqual(c in listed, can_read)
        if can_read:
            self.assertIs(listed[c]["can_read"], True)
            self.assertIs(listed[c]["can_write"], can_write)
        one = n.get("/api/collections/%s/" % c, token=tok)
        objs = n.get(n.objects_path(c), token=tok)
        man = n.get("/api/collections/%s/manifest/" % c, token=tok)
        obj = n.get(n.objects_path(c, self.seed[c]), token=tok)
        ver = n.get(n.objects_path(c, self.seed[c], "versions/"), token=tok)
        if not can_read:
            for r in (one, objs, man, obj, ver):
                self.assertTaxiiError(r, 404)
        else:
            self.assertEqual(one.status, 200, one)
            self.assertIs(one.json["can_write"], can_write)
            self.assertEqual(objs.status, 200, objs)
            self.assertIn(self.seed[c], [o["id"] for o in objs.json["objects"]])
            self.assertEqual(man.status, 200, man)
            self.assertEqual(obj.status, 200, obj)
            self.assertEqual(ver.status, 200, ver)
        # write
        fresh = indicator("by %s %s" % (m, role))
        post = n.post(n.objects_path(c), jictest.envelope([fresh]), token=tok)
        if not can_read:
            self.assertTaxiiError(post, 404)
        elif not can_write:
            self.assertTaxiiError(post, 403)
        else:
            self.assertEqual(post.status, 202, post)
            self.assertEqual(post.json["success_count"], 1, post.json)
            st = n.get("/api/status/%s/" % post.json["id"], token=tok)
            self.assertEqual(st.status, 200, st)
        # delete: write and a delegate or admin role
        victim = fresh["id"] if post.status == 202 else self.seed[c]
        d = n.delete(n.objects_path(c, victim), token=tok)
        if not can_read:
            self.assertTaxiiError(d, 404)
        elif not can_write or role == "analyst":
            self.assertTaxiiError(d, 403)
        else:
            self.assertEqual(d.status, 200, d)
        # another member's status resource is not there for this caller
        self.assertTaxiiError(n.get("/api/status/%s/" % self.other_status, token=tok), 404)

    def test_hidden_answers_like_absent(self):
        n = self.n
        for (m, role), tok in sorted(self.tokens.items()):
            with self.subTest(member=m, role=role):
                self.hidden_like_absent("GET", lambda c, o: "/api/collections/%s/" % c, tok)
                self.hidden_like_absent("GET", lambda c, o: n.objects_path(c), tok)
                self.hidden_like_absent("GET", lambda c, o: n.objects_path(c, o), tok)
                self.hidden_like_absent("GET", lambda c, o: n.objects_path(c, o, "versions/"),
                                        tok)
                self.hidden_like_absent("GET", lambda c, o: "/api/collections/%s/manifest/" % c,
                                        tok)
                self.hidden_like_absent("DELETE", lambda c, o: n.objects_path(c, o), tok)
                self.hidden_like_absent("POST", lambda c, o: n.objects_path(c), tok,
                                        body=jictest.envelope([indicator("probe")]))
                # and in the management API's list
                cols = n.api("GET", "collections", token=tok, expect=200).json["collections"]
                ids = {x["id"] for x in cols}
                if role != "admin":
                    self.assertNotIn(self.own["other"], ids)
                    self.assertTrue({self.own[m], self.coalition} <= ids)
                    taxii = n.get("/api/collections/", token=tok).json.get("collections", [])
                    self.assertEqual(ids, {x["id"] for x in taxii})

    def test_hidden_alias_like_absent(self):
        # an alias of a hidden collection tells nothing either
        for (m, role), tok in sorted(self.tokens.items()):
            with self.subTest(member=m, role=role):
                a = self.n.get("/api/collections/other-only/", token=tok)
                b = self.n.get("/api/collections/no-such-alias/", token=tok)
                self.assertEqual(a.status, b.status)
                self.assertEqual(normalise(a.body, "other-only"),
                                 normalise(b.body, "no-such-alias"))
                if role == "admin":
                    continue  # the management API shows admins every collection
                r = self.n.cli("collection", "show", "other-only", token=tok)
                self.assertEqual(r.rc, 4, r)
                r2 = self.n.cli("collection", "show", "no-such-alias", token=tok)
                self.assertEqual(r.err.replace("other-only", "X"),
                                 r2.err.replace("no-such-alias", "X"))

    def test_v1_admin_writes(self):
        api = self.n.api
        m = api("POST", "members", {"id": "late-member", "name_en": "Late", "name_ar": "متأخر",
                                    "kind": "observer"}, expect=201).json
        self.assertEqual((m["id"], m["kind"], m["name_ar"]), ("late-member", "observer", "متأخر"))
        jictest.parse_ts(m["created"])
        api("POST", "members", {"id": "late-member", "name_en": "x", "name_ar": "x",
                                "kind": "full"}, expect=409)
        api("POST", "members", {"id": "bad-kind", "name_en": "x", "name_ar": "x",
                                "kind": "emperor"}, expect=400)
        u = api("PUT", "members/late-member", {"kind": "associate"}, expect=200).json
        self.assertEqual((u["kind"], u["name_en"]), ("associate", "Late"))
        api("PUT", "members/nobody", {"kind": "full"}, expect=404)
        c = api("POST", "collections", {"alias": "short-lived", "title": "Short",
                                        "description": "d", "owner": "hq"}, expect=201).json
        for k in ("id", "alias", "title", "description", "owner", "created", "can_read",
                  "can_write"):
            self.assertIn(k, c)
        api("POST", "collections", {"alias": "short-lived", "title": "again",
                                    "description": "", "owner": "hq"}, expect=409)
        self.n.grant(c["id"], "hq", "write")
        self.assertEqual(self.n.get(self.n.objects_path(c["id"])).status, 200)
        r = api("DELETE", "collections/short-lived", expect=204)
        self.assertEqual(r.body, b"")
        self.assertTaxiiError(self.n.get(self.n.objects_path(c["id"])), 404)
        api("DELETE", "collections/short-lived", expect=404)
        fixed = str(uuid.uuid4())
        c2 = api("POST", "collections", {"id": fixed, "alias": "fixed-id", "title": "F",
                                         "description": "", "owner": "hq"}, expect=201).json
        self.assertEqual(c2["id"], fixed)
        api("POST", "collections", {"id": "not-a-uuid", "alias": "bad-uuid", "title": "F",
                                    "description": "", "owner": "hq"}, expect=400)
        api("POST", "members", b"{not json", expect=400)

    def test_status_of_same_member(self):
        # a status belongs to the member: another account of it may read it
        a = self.tokens[("m-full", "analyst")]
        b = self.tokens[("m-full", "delegate")]
        st = self.n.push(self.coalition, [indicator("mine")], token=a)
        self.assertEqual(self.n.get("/api/status/%s/" % st["id"], token=b).status, 200)
        self.assertTaxiiError(self.n.get("/api/status/%s/" % st["id"],
                                         token=self.tokens[("m-assoc", "delegate")]), 404)

    def test_grants_change_rights_at_once(self):
        n = self.n
        tok = self.tokens[("m-assoc", "analyst")]
        c = n.add_collection("late")
        self.assertTaxiiError(n.get(n.objects_path(c), token=tok), 404)
        n.grant(c, "m-assoc", "read")
        self.assertEqual(n.get(n.objects_path(c), token=tok).status, 200)
        self.assertTaxiiError(n.post(n.objects_path(c), jictest.envelope([indicator("x")]),
                                     token=tok), 403)
        n.grant(c, "m-assoc", "write")
        self.assertEqual(n.post(n.objects_path(c), jictest.envelope([indicator("x")]),
                                token=tok).status, 202)
        n.grant(c, "m-assoc", "none")
        self.assertTaxiiError(n.get(n.objects_path(c), token=tok), 404)
        # an observer granted write still may not write
        obs = self.tokens[("m-obs", "delegate")]
        n.grant(c, "m-obs", "write")
        r = n.get("/api/collections/%s/" % c, token=obs)
        self.assertIs(r.json["can_write"], False)
        self.assertTaxiiError(n.post(n.objects_path(c), jictest.envelope([indicator("x")]),
                                     token=obs), 403)

    def test_node_admin_reads_only_granted(self):
        # the node's own admin (member hq) has no right on a collection hq
        # was not granted: roles give no data rights
        n = self.n
        c = n.add_collection("not-for-hq", owner="other")
        n.grant(c, "other", "write")
        self.assertTaxiiError(n.get(n.objects_path(c)), 404)
        listed = [x["id"] for x in n.get("/api/collections/").json.get("collections", [])]
        self.assertNotIn(c, listed)

    # ------------------------------------------------------------ /jic/v1/

    def test_v1_anyone(self):
        for (m, role), tok in sorted(self.tokens.items()):
            with self.subTest(member=m, role=role):
                w = self.n.api("GET", "whoami", token=tok, expect=200).json
                self.assertEqual(w["account"], "%s-%s" % (m, role))
                self.assertEqual(w["member"], m)
                self.assertEqual(w["role"], role)
                self.assertEqual(w["kind"], self.members[m])
                node = self.n.api("GET", "node", token=tok, expect=200).json
                self.assertEqual(node["node"], "hq-node")
                ms = self.n.api("GET", "members", token=tok, expect=200).json["members"]
                self.assertIn(m, [x["id"] for x in ms])
                self.n.api("GET", "members/other", token=tok, expect=200)
                self.n.api("GET", "members/nobody", token=tok, expect=404)

    def test_v1_admin_only(self):
        for (m, role), tok in sorted(self.tokens.items()):
            if role == "admin":
                continue
            with self.subTest(member=m, role=role):
                api = self.n.api
                api("POST", "members", {"id": "x-" + role, "name_en": "X", "name_ar": "س",
                                        "kind": "full"}, token=tok, expect=403)
                api("PUT", "members/other", {"name_en": "Hijacked"}, token=tok, expect=403)
                api("POST", "collections", {"alias": "x", "title": "x", "description": "",
                                            "owner": m}, token=tok, expect=403)
                api("DELETE", "collections/%s" % self.coalition, token=tok, expect=403)
                api("GET", "collections/%s/grants" % self.coalition, token=tok, expect=403)
                api("PUT", "collections/%s/grants/%s" % (self.own["other"], m),
                    {"right": "read"}, token=tok, expect=403)
        self.assertTaxiiError(self.n.get(self.n.objects_path(self.own["other"]),
                                         token=self.tokens[("m-full", "delegate")]), 404)

    def test_v1_accounts(self):
        api = self.n.api
        dele = self.tokens[("m-full", "delegate")]
        ana = self.tokens[("m-full", "analyst")]
        adm = self.tokens[("m-full", "admin")]
        # admin: all
        allacc = {a["id"] for a in api("GET", "accounts", expect=200).json["accounts"]}
        self.assertIn("other-delegate", allacc)
        self.assertIn("m-full-analyst", allacc)
        # delegate: its member's
        mine = {a["member"] for a in api("GET", "accounts", token=dele,
                                         expect=200).json["accounts"]}
        self.assertEqual(mine, {"m-full"})
        api("GET", "accounts/other-delegate", token=dele, expect=(403, 404))
        api("GET", "accounts/m-full-analyst", token=dele, expect=200)
        # analyst: itself
        it = api("GET", "accounts", token=ana, expect=200).json["accounts"]
        self.assertEqual([a["id"] for a in it], ["m-full-analyst"])
        api("GET", "accounts/m-full-delegate", token=ana, expect=(403, 404))
        # creating: a delegate for its own member, never an admin
        api("POST", "accounts", {"id": "mf-new", "member": "m-full", "role": "analyst"},
            token=dele, expect=201)
        api("POST", "accounts", {"id": "mf-adm", "member": "m-full", "role": "admin"},
            token=dele, expect=403)
        api("POST", "accounts", {"id": "oth-new", "member": "other", "role": "analyst"},
            token=dele, expect=403)
        api("POST", "accounts", {"id": "ana-new", "member": "m-full", "role": "analyst"},
            token=ana, expect=403)
        # an admin of a member is a node admin in the management API
        api("POST", "accounts", {"id": "by-adm", "member": "other", "role": "analyst"},
            token=adm, expect=201)
        # bad input
        api("POST", "accounts", {"id": "Bad Id", "member": "m-full", "role": "analyst"},
            expect=400)
        api("POST", "accounts", {"id": "r-x", "member": "m-full", "role": "king"}, expect=400)
        api("POST", "accounts", {"id": "mf-new", "member": "m-full", "role": "analyst"},
            expect=409)
        api("POST", "accounts", {"id": "nomember", "member": "nobody", "role": "analyst"},
            expect=(400, 404, 422))
        # disable / enable: a delegate for its member's non-admins
        api("POST", "accounts/mf-new/disable", token=dele, expect=200)
        api("POST", "accounts/mf-new/enable", token=dele, expect=200)
        api("POST", "accounts/m-full-admin/disable", token=dele, expect=403)
        api("POST", "accounts/other-delegate/disable", token=dele, expect=(403, 404))
        api("POST", "accounts/mf-new/disable", token=ana, expect=(403, 404))

    def test_v1_tokens(self):
        api = self.n.api
        dele = self.tokens[("m-assoc", "delegate")]
        ana = self.tokens[("m-assoc", "analyst")]
        secret, t = self.n.new_token("m-assoc-analyst", token=dele)
        self.assertTrue(secret.startswith("jic_"))
        self.n.new_token("m-assoc-analyst", token=ana)
        api("POST", "tokens", {"account": "other-delegate", "label": "x"}, token=dele,
            expect=(403, 404))
        api("POST", "tokens", {"account": "m-assoc-delegate", "label": "x"}, token=ana,
            expect=(403, 404))
        own = api("GET", "tokens", token=ana, expect=200).json["tokens"]
        self.assertEqual({x["account"] for x in own}, {"m-assoc-analyst"})
        for x in own:
            self.assertNotIn("token", x)
        mem = api("GET", "tokens", token=dele, expect=200).json["tokens"]
        self.assertTrue({x["account"] for x in mem} <= {"m-assoc-analyst", "m-assoc-delegate",
                                                        "m-assoc-admin"})
        api("DELETE", "tokens/%s" % t["id"], token=self.other_tok, expect=(403, 404))
        api("DELETE", "tokens/%s" % t["id"], token=dele, expect=200)

    def test_v1_collections_admin_view(self):
        cols = self.n.api("GET", "collections", expect=200).json["collections"]
        byid = {c["id"]: c for c in cols}
        self.assertIn(self.own["other"], byid)
        grants = byid[self.own["other"]]["grants"]
        self.assertIn({"member": "other", "right": "write"}, grants)
        g = self.n.api("GET", "collections/%s/grants" % self.own["other"],
                       expect=200).json["grants"]
        self.assertIn({"member": "other", "right": "write"}, g)
        by_alias = self.n.api("GET", "collections/other-only/grants", expect=200).json
        self.assertEqual(sorted(map(str, by_alias["grants"])), sorted(map(str, g)))
        self.n.api("PUT", "collections/other-only/grants/other", {"right": "maybe"},
                   expect=400)
        self.n.api("PUT", "collections/other-only/grants/nobody", {"right": "read"},
                   expect=(400, 404))


if __name__ == "__main__":
    jictest.main()
