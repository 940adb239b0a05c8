"""TAXII 2.1 end to end: discovery, API root, collections, objects, manifest,
versions, status; every filter and their combinations; pagination (also while
another client writes); media types; error objects; duplicates and invalid
objects; real versioning with ATT&CK ICS 18.0 then 18.1.
Owns nothing but its temporary nodes."""

import json
import os
import threading
import uuid

import jictest
from jictest import TAXII, indicator, identity, parse_ts, fmt_us, sid


def changed_between(old, new):
    """Ids whose modified differs between two releases: {id: (old, new)}."""
    o = {x["id"]: x.get("modified") for x in old}
    return {x["id"]: (o[x["id"]], x["modified"]) for x in new
            if x["id"] in o and o[x["id"]] != x.get("modified")}


class Taxii(jictest.TestCase):

    @classmethod
    def setUpClass(cls):
        n = cls.n = cls.node()
        cls.coll = n.add_collection("main", title="Main")
        n.grant(cls.coll, "hq", "write")
        n.add_member("reader", "full")
        cls.reader = n.principal("reader-analyst", "reader", "analyst")
        n.grant(cls.coll, "reader", "read")
        cls._filters_data()

    @classmethod
    def _filters_data(cls):
        """Collection 'filt': three objects, six versions, in three requests
        (A, B, C), so version and added_after filters have known answers."""
        n = cls.n
        cls.filt = n.add_collection("filt")
        n.grant(cls.filt, "hq", "write")
        cls.ind = sid("indicator")
        cls.mal = sid("malware")
        t = ["2020-01-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z", "2022-01-01T00:00:00.000Z"]
        cls.ind_v = t
        cls.mal_v = [t[1], t[2]]
        ind = [indicator("ind", created=t[0], modified=m, oid=cls.ind) for m in t]
        mal = [{"type": "malware", "spec_version": "2.1", "id": cls.mal, "created": t[1],
                "modified": m, "name": "mal", "is_family": True} for m in cls.mal_v]
        ident = identity("Org")
        cls.ident = ident["id"]
        cls.requests = [[ind[0], ident], [ind[1], mal[0]], [ind[2], mal[1]]]
        for objs in cls.requests:
            st = n.push(cls.filt, objs)
            assert st.get("failure_count") == 0, st
        man, _ = n.fetch_all(cls.filt, {"match[version]": "all"}, kind="manifest")
        assert len(man) == 6, man
        cls.manifest = man
        # date_added of the last version of requests A and B
        cls.after_a = man[1]["date_added"]
        cls.after_b = man[3]["date_added"]

    def objs(self, coll, params=None, token=None):
        r = self.n.get("/api/collections/%s/objects/" % coll, params=params, token=token)
        self.assertEqual(r.status, 200, r)
        self.assertTaxiiMedia(r)
        return r

    def versions_of(self, r):
        return sorted((o["id"], o["modified"]) for o in r.json.get("objects", []))

    # ------------------------------------------------------------ resources

    def test_discovery(self):
        r = self.n.get("/taxii2/")
        self.assertEqual(r.status, 200, r)
        self.assertTaxiiMedia(r)
        j = r.json
        self.assertIsInstance(j["title"], str)
        self.assertTrue(any(x.rstrip("/").endswith("/api") for x in j["api_roots"]), j)
        if "default" in j:
            self.assertIn(j["default"], j["api_roots"])

    def test_api_root(self):
        r = self.n.get("/api/")
        self.assertEqual(r.status, 200, r)
        self.assertTaxiiMedia(r)
        j = r.json
        self.assertIsInstance(j["title"], str)
        self.assertIn(TAXII, [v.replace(" ", "") for v in j["versions"]])
        self.assertIsInstance(j["max_content_length"], int)
        self.assertGreater(j["max_content_length"], 0)

    def test_collections(self):
        r = self.n.get("/api/collections/")
        self.assertEqual(r.status, 200, r)
        self.assertTaxiiMedia(r)
        cols = {c["id"]: c for c in r.json["collections"]}
        self.assertIn(self.coll, cols)
        c = cols[self.coll]
        self.assertEqual(c["title"], "Main")
        self.assertIs(c["can_read"], True)
        self.assertIs(c["can_write"], True)
        one = self.n.get("/api/collections/%s/" % self.coll)
        self.assertEqual(one.status, 200, one)
        self.assertTaxiiMedia(one)
        self.assertEqual(one.json["id"], self.coll)
        self.assertEqual(one.json["title"], "Main")
        self.assertIs(one.json["can_write"], True)
        # a reader's view says what the reader may do
        rr = self.n.get("/api/collections/%s/" % self.coll, token=self.reader)
        self.assertEqual(rr.status, 200, rr)
        self.assertIs(rr.json["can_read"], True)
        self.assertIs(rr.json["can_write"], False)
        self.assertTaxiiError(self.n.get("/api/collections/%s/" % uuid.uuid4()), 404)

    def test_post_status_get(self):
        o = indicator("post-status-get")
        r = self.n.post(self.n.objects_path(self.coll), jictest.envelope([o]))
        self.assertEqual(r.status, 202, r)
        self.assertTaxiiMedia(r)
        st = r.json
        for k in ("id", "status", "total_count", "success_count", "failure_count",
                  "pending_count"):
            self.assertIn(k, st)
        self.assertEqual(st["total_count"], 1)
        self.assertEqual(st["success_count"], 1)
        self.assertEqual(st["failure_count"], 0)
        self.assertEqual(st["status"], "complete")
        self.assertEqual([s["id"] for s in st.get("successes", [])], [o["id"]])
        s2 = self.n.get("/api/status/%s/" % st["id"])
        self.assertEqual(s2.status, 200, s2)
        self.assertTaxiiMedia(s2)
        self.assertEqual(s2.json["id"], st["id"])
        self.assertEqual(s2.json["success_count"], 1)
        g = self.n.get(self.n.objects_path(self.coll, o["id"]))
        self.assertEqual(g.status, 200, g)
        self.assertEqual(g.json["objects"], [o])
        self.assertIsNotNone(g.header("X-TAXII-Date-Added-First"))
        self.assertIsNotNone(g.header("X-TAXII-Date-Added-Last"))
        self.assertTaxiiError(self.n.get("/api/status/%s/" % uuid.uuid4()), 404)

    def test_object_served_as_stored(self):
        # Arabic text and key order survive the round trip unchanged.
        o = indicator("مؤشر اختبار", description="وصف عربي \u2014 and English")
        self.n.push(self.coll, [o])
        g = self.n.get(self.n.objects_path(self.coll, o["id"]))
        self.assertEqual(g.status, 200, g)
        got = g.json["objects"][0]
        self.assertEqual(got, o)
        self.assertEqual(list(got.keys()), list(o.keys()))

    def test_delete(self):
        c = self.n.add_collection("deltest")
        self.n.grant(c, "hq", "write")
        oid = sid("indicator")
        ts = ["2020-01-01T00:00:00.000Z", "2020-06-01T00:00:00.000Z", "2021-01-01T00:00:00.000Z"]
        self.n.push(c, [indicator("d", created=ts[0], modified=m, oid=oid) for m in ts])
        other = indicator("keep")
        self.n.push(c, [other])
        # only the first version
        r = self.n.delete(self.n.objects_path(c, oid), params={"match[version]": "first"})
        self.assertEqual(r.status, 200, r)
        v = self.n.get(self.n.objects_path(c, oid, "versions/"))
        self.assertEqual(sorted(v.json["versions"]), ts[1:])
        # then the rest
        r = self.n.delete(self.n.objects_path(c, oid))
        self.assertEqual(r.status, 200, r)
        self.assertTaxiiError(self.n.get(self.n.objects_path(c, oid)), 404)
        self.assertTaxiiError(self.n.get(self.n.objects_path(c, oid, "versions/")), 404)
        self.assertTaxiiError(self.n.delete(self.n.objects_path(c, oid)), 404)
        self.assertEqual(self.n.get(self.n.objects_path(c, other["id"])).status, 200)
        # a reader may not delete
        self.n.grant(c, "reader", "read")
        self.assertTaxiiError(self.n.delete(self.n.objects_path(c, other["id"]),
                                            token=self.reader), 403)

    def test_versions(self):
        r = self.n.get(self.n.objects_path(self.filt, self.ind, "versions/"))
        self.assertEqual(r.status, 200, r)
        self.assertTaxiiMedia(r)
        self.assertEqual(sorted(r.json["versions"]), self.ind_v)
        self.assertIs(r.json.get("more", False), False)
        self.assertIsNotNone(r.header("X-TAXII-Date-Added-First"))
        r = self.n.get(self.n.objects_path(self.filt, self.ind, "versions/"),
                       params={"limit": "2"})
        self.assertEqual(len(r.json["versions"]), 2)
        self.assertIs(r.json["more"], True)
        r = self.n.get(self.n.objects_path(self.filt, self.ident, "versions/"))
        self.assertEqual(len(r.json["versions"]), 1)
        self.assertTaxiiError(self.n.get(self.n.objects_path(self.filt, sid("indicator"),
                                                             "versions/")), 404)

    def test_manifest(self):
        r = self.n.get("/api/collections/%s/manifest/" % self.filt)
        self.assertEqual(r.status, 200, r)
        self.assertTaxiiMedia(r)
        rows = r.json["objects"]
        self.assertEqual(sorted((x["id"], x["version"]) for x in rows),
                         sorted([(self.ind, self.ind_v[2]), (self.mal, self.mal_v[1]),
                                 (self.ident, self.requests[0][1]["modified"])]))
        for x in rows:
            self.assertTrue(x["media_type"].startswith("application/stix+json"), x)
            parse_ts(x["date_added"])
        added = [parse_ts(x["date_added"]) for x in self.manifest]
        self.assertEqual(added, sorted(set(added)), "date_added unique and increasing")
        self.assertEqual(parse_ts(r.header("X-TAXII-Date-Added-First")),
                         parse_ts(rows[0]["date_added"]))
        self.assertEqual(parse_ts(r.header("X-TAXII-Date-Added-Last")),
                         parse_ts(rows[-1]["date_added"]))

    # ------------------------------------------------------------ filters

    def check(self, params, expected, kind="objects"):
        """Objects (or manifest rows) for params equal expected [(id, version)]."""
        items, _ = self.n.fetch_all(self.filt, params, kind=kind)
        key = "modified" if kind == "objects" else "version"
        got = sorted((o["id"], o[key]) for o in items)
        self.assertEqual(got, sorted(expected), params)
        return items

    def test_filter_version(self):
        i, m, d = self.ind, self.mal, self.ident
        dv = self.requests[0][1]["modified"]
        iv, mv = self.ind_v, self.mal_v
        last = [(i, iv[2]), (m, mv[1]), (d, dv)]
        first = [(i, iv[0]), (m, mv[0]), (d, dv)]
        all_ = [(i, v) for v in iv] + [(m, v) for v in mv] + [(d, dv)]
        for kind in ("objects", "manifest"):
            self.check({}, last, kind)
            self.check({"match[version]": "last"}, last, kind)
            self.check({"match[version]": "first"}, first, kind)
            self.check({"match[version]": "all"}, all_, kind)
            self.check({"match[version]": iv[1]}, [(i, iv[1]), (m, mv[0])], kind)
            self.check({"match[version]": "first,last"}, sorted(set(first + last)), kind)
            self.check({"match[version]": iv[0] + "," + iv[2]},
                       [(i, iv[0]), (i, iv[2]), (m, mv[1])], kind)
            self.check([("match[version]", iv[0]), ("match[version]", iv[2])],
                       [(i, iv[0]), (i, iv[2]), (m, mv[1])], kind)
            self.check({"match[version]": "1999-01-01T00:00:00.000Z"}, [], kind)

    def test_filter_id_type_spec(self):
        i, m, d = self.ind, self.mal, self.ident
        iv, mv = self.ind_v, self.mal_v
        dv = self.requests[0][1]["modified"]
        self.check({"match[id]": i}, [(i, iv[2])])
        self.check({"match[id]": "%s,%s" % (i, m)}, [(i, iv[2]), (m, mv[1])])
        self.check([("match[id]", i), ("match[id]", d)], [(i, iv[2]), (d, dv)])
        self.check({"match[id]": sid("indicator")}, [])
        self.check({"match[type]": "indicator"}, [(i, iv[2])])
        self.check({"match[type]": "indicator,malware"}, [(i, iv[2]), (m, mv[1])])
        self.check([("match[type]", "identity"), ("match[type]", "malware")],
                   [(d, dv), (m, mv[1])])
        self.check({"match[type]": "campaign"}, [])
        self.check({"match[spec_version]": "2.1"}, [(i, iv[2]), (m, mv[1]), (d, dv)])
        self.check({"match[spec_version]": "2.0"}, [])
        self.check({"match[spec_version]": "2.0,2.1"}, [(i, iv[2]), (m, mv[1]), (d, dv)])

    def test_filter_added_after(self):
        i, m = self.ind, self.mal
        iv, mv = self.ind_v, self.mal_v
        self.check({"added_after": self.after_b}, [(i, iv[2]), (m, mv[1])])
        self.check({"added_after": self.after_a, "match[version]": "all"},
                   [(i, iv[1]), (m, mv[0]), (i, iv[2]), (m, mv[1])])
        self.check({"added_after": self.manifest[-1]["date_added"]}, [])
        self.check({"added_after": "2000-01-01T00:00:00Z", "match[version]": "all"},
                   [(o["id"], o["version"]) for o in self.manifest])
        # added_after is exclusive, to the microsecond
        us = parse_ts(self.manifest[2]["date_added"])
        self.check({"added_after": fmt_us(us - 1), "match[version]": "all"},
                   [(o["id"], o["version"]) for o in self.manifest[2:]])
        self.check({"added_after": fmt_us(us), "match[version]": "all"},
                   [(o["id"], o["version"]) for o in self.manifest[3:]])

    def test_filter_combinations(self):
        i, m = self.ind, self.mal
        iv, mv = self.ind_v, self.mal_v
        self.check({"match[type]": "indicator", "match[version]": "all"},
                   [(i, v) for v in iv])
        self.check({"match[type]": "indicator", "match[version]": "all",
                    "added_after": self.after_a}, [(i, iv[1]), (i, iv[2])])
        self.check({"match[id]": i, "match[version]": iv[1]}, [(i, iv[1])])
        self.check({"match[id]": i, "match[type]": "malware"}, [])
        self.check({"match[id]": "%s,%s" % (i, m), "match[type]": "malware",
                    "match[version]": "first"}, [(m, mv[0])])
        self.check({"match[type]": "indicator,malware", "match[spec_version]": "2.1",
                    "match[version]": "all", "added_after": self.after_b},
                   [(i, iv[2]), (m, mv[1])])
        self.check({"match[type]": "indicator", "match[spec_version]": "2.0"}, [])
        # the object endpoint takes the same version filters
        r = self.n.get(self.n.objects_path(self.filt, i), params={"match[version]": "all"})
        self.assertEqual(sorted(o["modified"] for o in r.json["objects"]), iv)
        r = self.n.get(self.n.objects_path(self.filt, i), params={"match[version]": "first"})
        self.assertEqual([o["modified"] for o in r.json["objects"]], [iv[0]])
        r = self.n.get(self.n.objects_path(self.filt, i))
        self.assertEqual([o["modified"] for o in r.json["objects"]], [iv[2]])

    def test_limit_more_next(self):
        p = {"match[version]": "all"}
        items, pages = self.n.fetch_all(self.filt, p, limit=2)
        self.assertEqual(pages, 3)
        got = [(o["id"], o["modified"]) for o in items]
        self.assertEqual(got, [(o["id"], o["version"]) for o in self.manifest])
        r = self.n.get("/api/collections/%s/objects/" % self.filt,
                       params={"limit": "2", "match[version]": "all"})
        self.assertIs(r.json["more"], True)
        self.assertIsInstance(r.json["next"], str)
        self.assertEqual(parse_ts(r.header("X-TAXII-Date-Added-First")),
                         parse_ts(self.manifest[0]["date_added"]))
        self.assertEqual(parse_ts(r.header("X-TAXII-Date-Added-Last")),
                         parse_ts(self.manifest[1]["date_added"]))
        r = self.n.get("/api/collections/%s/objects/" % self.filt,
                       params={"limit": "6", "match[version]": "all"})
        self.assertEqual(len(r.json["objects"]), 6)
        self.assertFalse(r.json.get("more", False))
        self.assertNotIn("next", r.json)
        # the manifest pages the same way
        man, pages = self.n.fetch_all(self.filt, p, limit=4, kind="manifest")
        self.assertEqual(pages, 2)
        self.assertEqual(man, self.manifest)

    def test_limit_capped(self):
        # a limit above the node's maximum is served as the maximum
        c = self.n.add_collection("cap")
        self.n.grant(c, "hq", "write")
        self.n.push_many(c, [indicator("cap %d" % k) for k in range(1200)], batch=400)
        r = self.objs(c, {"limit": "100000"})
        got = len(r.json["objects"])
        self.assertGreater(got, 0)
        if got < 1200:
            self.assertIs(r.json["more"], True)
        items, _ = self.n.fetch_all(c, {}, limit=100000)
        self.assertEqual(len(items), 1200)
        self.assertEqual(len({o["id"] for o in items}), 1200)

    def test_versions_next(self):
        seen, params = [], {"limit": "1"}
        for _ in range(10):
            r = self.n.get(self.n.objects_path(self.filt, self.ind, "versions/"), params=params)
            self.assertEqual(r.status, 200, r)
            seen += r.json["versions"]
            if not r.json.get("more"):
                break
            params = {"limit": "1", "next": r.json["next"]}
        self.assertEqual(seen, self.ind_v)

    def test_keep_alive(self):
        # TAXII clients reuse connections: several requests, GET and POST, on one
        conn = self.n.connection()
        try:
            for k in range(5):
                body = json.dumps(jictest.envelope([indicator("ka %d" % k)])).encode()
                for method, path, data in (
                        ("GET", "/taxii2/", None),
                        ("POST", self.n.objects_path(self.coll), body),
                        ("GET", self.n.objects_path(self.coll), None)):
                    hdrs = {"Accept": TAXII, "Authorization": jictest.basic(self.n.token)}
                    if data:
                        hdrs["Content-Type"] = TAXII
                    conn.request(method, path, body=data, headers=hdrs)
                    r = conn.getresponse()
                    r.read()
                    self.assertIn(r.status, (200, 202), (method, path))
        finally:
            conn.close()

    def test_empty_collection(self):
        c = self.n.add_collection("empty")
        self.n.grant(c, "hq", "write")
        r = self.objs(c)
        self.assertEqual(r.json.get("objects", []), [])
        self.assertFalse(r.json.get("more", False))
        r = self.n.get("/api/collections/%s/manifest/" % c)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json.get("objects", []), [])

    def test_pagination_while_writing(self):
        c = self.n.add_collection("live")
        self.n.grant(c, "hq", "write")
        self.n.push(c, [indicator("seed %d" % k) for k in range(10)])
        written, errors = [], []
        done = threading.Event()

        def writer():
            try:
                for b in range(30):
                    batch = [indicator("w%d-%d" % (b, k)) for k in range(5)]
                    st = self.n.push(c, batch)
                    if st.get("success_count") != 5:
                        errors.append(st)
                    written.extend(o["id"] for o in batch)
            except Exception as e:  # reported by the main thread
                errors.append(e)
            finally:
                done.set()

        t = threading.Thread(target=writer)
        t.start()
        seen, pages_last = [], None
        params = {"limit": "7"}
        try:
            while True:
                finished = done.is_set()
                r = self.objs(c, params)
                objs = r.json.get("objects", [])
                seen.extend(o["id"] for o in objs)
                if objs:
                    first = parse_ts(r.header("X-TAXII-Date-Added-First"))
                    last = parse_ts(r.header("X-TAXII-Date-Added-Last"))
                    self.assertLessEqual(first, last)
                    if pages_last is not None:
                        self.assertGreater(first, pages_last, "pages overlap")
                    pages_last = last
                if r.json.get("more"):
                    params = {"limit": "7", "next": r.json["next"]}
                elif finished and not objs:
                    break
                else:
                    # caught up: start a new query after the last page seen
                    params = {"limit": "7"}
                    if pages_last is not None:
                        params["added_after"] = fmt_us(pages_last)
        finally:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(seen), len(set(seen)), "an object was returned twice")
        man, _ = self.n.fetch_all(c, {"match[version]": "all"}, limit=50, kind="manifest")
        self.assertEqual(len(man), 160)
        self.assertEqual(seen, [x["id"] for x in man], "not every object, or not in order")
        self.assertTrue(set(written) <= set(seen))
        added = [parse_ts(x["date_added"]) for x in man]
        self.assertEqual(added, sorted(set(added)))

    # ------------------------------------------------------------ writes

    def test_duplicates_stored_once(self):
        o = indicator("dup")
        a = self.n.push(self.coll, [o])
        b = self.n.push(self.coll, [o])
        self.assertEqual(a["success_count"], 1)
        self.assertEqual(b["failure_count"], 0, b)
        self.assertEqual(b["total_count"], 1)
        c = self.n.push(self.coll, [o, o])
        self.assertEqual(c["failure_count"], 0, c)
        v = self.n.get(self.n.objects_path(self.coll, o["id"], "versions/"))
        self.assertEqual(v.json["versions"], [o["modified"]])
        r = self.n.get(self.n.objects_path(self.coll, o["id"]),
                       params={"match[version]": "all"})
        self.assertEqual(len(r.json["objects"]), 1)

    def test_invalid_objects_reported_valid_stored(self):
        good = indicator("good")
        bad_id = indicator("bad id", oid="indicator--not-a-uuid")
        no_created = indicator("no created")
        del no_created["created"]
        backwards = indicator("backwards", created="2022-01-01T00:00:00.000Z",
                              modified="2021-01-01T00:00:00.000Z")
        old_spec = indicator("old spec", spec_version="2.0")
        bad_ref = indicator("bad ref", created_by_ref="not-an-identifier")
        bad_time = indicator("bad time", created="yesterday", modified="yesterday")
        good2 = identity("good two")
        objs = [good, bad_id, no_created, backwards, old_spec, bad_ref, bad_time, good2]
        st = self.n.push(self.coll, objs)
        self.assertEqual(st["total_count"], 8)
        self.assertEqual(st["success_count"], 2, st)
        self.assertEqual(st["failure_count"], 6, st)
        failed = {f["id"]: f for f in st["failures"]}
        for o in objs[1:7]:
            self.assertIn(o["id"], failed)
            self.assertTrue(failed[o["id"]].get("message"), failed[o["id"]])
        self.assertEqual({s["id"] for s in st["successes"]}, {good["id"], good2["id"]})
        for o in (good, good2):
            self.assertEqual(self.n.get(self.n.objects_path(self.coll, o["id"])).status, 200)
        for o in (no_created, backwards, old_spec):
            self.assertTaxiiError(self.n.get(self.n.objects_path(self.coll, o["id"])), 404)

    def test_custom_objects_accepted(self):
        now = jictest.stix_now()
        x = {"type": "x-jic-note", "spec_version": "2.1", "id": sid("x-jic-note"),
             "created": now, "modified": now, "x_text": "custom"}
        st = self.n.push(self.coll, [x])
        self.assertEqual(st["success_count"], 1, st)

    def test_ics_versions(self):
        old = jictest.load_bundle(jictest.attack("ics-attack-18.0.json.xz"))
        new = jictest.load_bundle(jictest.attack("ics-attack-18.1.json.xz"))
        changed = changed_between(old, new)
        self.assertEqual(len(changed), 28)
        c = self.n.add_collection("ics")
        self.n.grant(c, "hq", "write")
        for st in self.n.push_many(c, old, batch=300):
            self.assertEqual(st["failure_count"], 0, st.get("failures"))
        man0, _ = self.n.fetch_all(c, {}, limit=1000, kind="manifest")
        self.assertEqual(len(man0), 1826)
        t0 = max(x["date_added"] for x in man0)
        for st in self.n.push_many(c, new, batch=300):
            self.assertEqual(st["failure_count"], 0, st.get("failures"))
        allv, _ = self.n.fetch_all(c, {"match[version]": "all"}, limit=1000, kind="manifest")
        self.assertEqual(len(allv), 1826 + 28)
        fresh, _ = self.n.fetch_all(c, {"added_after": t0, "match[version]": "all"}, limit=10)
        self.assertEqual(sorted(o["id"] for o in fresh), sorted(changed))
        last, _ = self.n.fetch_all(c, {}, limit=1000)
        self.assertEqual(len(last), 1826)
        newest = {o["id"]: o.get("modified") for o in new}
        self.assertEqual({o["id"]: o.get("modified") for o in last}, newest)
        first, _ = self.n.fetch_all(c, {"match[version]": "first"}, limit=1000)
        self.assertEqual({o["id"]: o.get("modified") for o in first},
                         {o["id"]: o.get("modified") for o in old})
        oid = sorted(changed)[0]
        v = self.n.get(self.n.objects_path(c, oid, "versions/"))
        self.assertEqual(sorted(v.json["versions"]), sorted(changed[oid]))
        r = self.n.get(self.n.objects_path(c, oid), params={"match[version]": "first"})
        self.assertEqual([o["modified"] for o in r.json["objects"]], [changed[oid][0]])
        r = self.n.get(self.n.objects_path(c, oid))
        self.assertEqual([o["modified"] for o in r.json["objects"]], [changed[oid][1]])
        types = {}
        for o in new:
            types[o["type"]] = types.get(o["type"], 0) + 1
        got, _ = self.n.fetch_all(c, {"match[type]": "x-mitre-asset,campaign"}, limit=1000)
        self.assertEqual(len(got), types["x-mitre-asset"] + types["campaign"])

    def test_mobile_ingests_without_failure(self):
        c = self.n.add_collection("mobile")
        self.n.grant(c, "hq", "write")
        objs = jictest.load_bundle(jictest.attack("mobile-attack-18.1.json.xz"))
        for st in self.n.push_many(c, objs, batch=500):
            self.assertEqual(st["failure_count"], 0, st.get("failures"))
        man, _ = self.n.fetch_all(c, {}, limit=1000, kind="manifest")
        self.assertEqual(len(man), 2536)

    def test_atlas_id_collisions(self):
        # ATLAS reuses 34 relationship ids with the same modified and other
        # content: the first is stored, each later one is a reported failure
        path = os.path.join(jictest.DATA, "atlas", "stix-atlas.json")
        with open(path, encoding="utf-8") as f:
            objs = json.load(f)["objects"]
        seen, extra = {}, 0
        for o in objs:
            seen.setdefault(o["id"], []).append(o)
        dups = {k: v for k, v in seen.items() if len(v) > 1}
        extra = sum(len(v) - 1 for v in dups.values())
        self.assertEqual(len(dups), 34)
        c = self.n.add_collection("atlas")
        self.n.grant(c, "hq", "write")
        st = self.n.push(c, objs)
        self.assertEqual(st["total_count"], len(objs))
        self.assertGreaterEqual(st["failure_count"], extra)
        failed = [f["id"] for f in st["failures"]]
        for k, v in dups.items():
            self.assertEqual(failed.count(k), len(v) - 1, k)
            r = self.n.get(self.n.objects_path(c, k), params={"match[version]": "all"})
            self.assertEqual(r.json["objects"], [v[0]])

    # ------------------------------------------------------------ media types

    def test_accept(self):
        p = self.n.objects_path(self.filt)
        for ok in (TAXII, "application/taxii+json", "*/*", "application/*",
                   "application/taxii+json; version=2.1", None):
            r = self.n.get(p, accept=ok)
            self.assertEqual(r.status, 200, (ok, r))
        for bad in ("application/xml", "text/html", "application/taxii+json;version=2.0"):
            j = self.assertTaxiiError(self.n.get(p, accept=bad), 406)
            self.assertTrue(j.get("description") or j.get("title"))
        self.assertTaxiiError(self.n.get("/taxii2/", accept="text/plain"), 406)

    def test_content_type(self):
        body = jictest.envelope([indicator("ct")])
        for bad in ("text/plain", "application/xml", "application/taxii+json;version=2.0"):
            r = self.n.post(self.n.objects_path(self.coll), body, content_type=bad)
            self.assertTaxiiError(r, 415)
        r = self.n.post(self.n.objects_path(self.coll), body, content_type=TAXII)
        self.assertEqual(r.status, 202, r)

    # ------------------------------------------------------------ errors

    def test_errors_400(self):
        p = self.n.objects_path(self.filt)
        for params in ({"added_after": "yesterday"}, {"added_after": "2020-13-01T00:00:00Z"},
                       {"limit": "abc"}, {"limit": "-1"}, {"limit": "0"},
                       {"match[version]": "sometimes"}, {"next": "%%%garbage"}):
            j = self.assertTaxiiError(self.n.get(p, params=params), 400)
            self.assertTrue(j.get("description"), (params, j))
        for body in (b"{", b"not json", b'{"objects": [', b"[1, 2]", b'"text"',
                     b'{"objects": 5}'):
            r = self.n.post(self.n.objects_path(self.coll), body)
            j = self.assertTaxiiError(r, 400)
            self.assertTrue(j.get("description"), (body, j))

    def test_errors_401(self):
        p = "/api/collections/%s/objects/" % self.coll
        for kw in ({"token": ""}, {"token": "jic_" + "A" * 43},
                   {"auth": "Bearer nonsense"}, {"auth": "Basic !!!"},
                   {"auth": "Digest abc"}):
            self.assertTaxiiError(self.n.get(p, **kw), 401)
        # Discovery needs none: anonymous callers may read public collections.
        self.assertEqual(self.n.get("/taxii2/", token="").status, 200)

    def test_errors_403(self):
        r = self.n.post(self.n.objects_path(self.coll), jictest.envelope([indicator("x")]),
                        token=self.reader)
        self.assertTaxiiError(r, 403)
        self.assertEqual(self.n.get(self.n.objects_path(self.coll), token=self.reader).status,
                         200)

    def test_errors_404(self):
        self.assertTaxiiError(self.n.get(self.n.objects_path(str(uuid.uuid4()))), 404)
        self.assertTaxiiError(self.n.get(self.n.objects_path(self.filt, sid("indicator"))), 404)
        self.assertTaxiiError(self.n.get("/api/collections/%s/manifest/" % uuid.uuid4()), 404)
        self.assertTaxiiError(self.n.get("/api/status/%s/" % uuid.uuid4()), 404)
        self.assertTaxiiError(self.n.get("/nowhere/"), 404)
        self.assertTaxiiError(self.n.get("/api/nothing/"), 404)

    def test_errors_405(self):
        r = self.n.request("PUT", self.n.objects_path(self.coll), body=b"{}")
        self.assertTaxiiError(r, 405)
        r = self.n.request("POST", "/api/collections/%s/manifest/" % self.coll, body=b"{}")
        self.assertTaxiiError(r, 405)

    def test_errors_413(self):
        n = self.fresh_node(extra_args=["--body-max", "4096"])
        c = n.add_collection("small")
        n.grant(c, "hq", "write")
        big = jictest.envelope([indicator("big %d" % k) for k in range(40)])
        self.assertTaxiiError(n.post(n.objects_path(c), big), 413)
        r = n.get("/api/")
        self.assertLessEqual(r.json["max_content_length"], 4096)
        self.assertEqual(n.push(c, [indicator("small")])["success_count"], 1)


if __name__ == "__main__":
    jictest.main()
