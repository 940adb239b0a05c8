"""The jic CLI against a real jicd: every command of docs/api.md, --json on
each, exit codes, one-line errors, help texts, `jic push` of ATT&CK ICS 18.1
(.xz) and `jic objects` over it, Arabic names round-trip.
Owns nothing but its temporary nodes and files."""

import json
import os
import pty
import subprocess
import tempfile
import uuid

import jictest
from jictest import indicator

COMMANDS = ("init", "whoami", "member", "account", "token", "collection", "grant", "push",
            "objects", "status")
ARABIC = "مديرية أمن الجبل"


class Cli(jictest.TestCase):
    TIMEOUT_S = 300

    @classmethod
    def setUpClass(cls):
        n = cls.n = cls.node()
        n.add_member("sahil", "full", name_en="Sahil Information Service",
                     name_ar="جهاز معلومات الساحل")
        cls.analyst = n.principal("sahil-analyst", "sahil", "analyst")

    def ok(self, *args, **kw):
        r = self.n.cli(*args, **kw)
        self.assertEqual(r.rc, 0, r)
        return r

    def js(self, *args, **kw):
        r = self.ok(*args, json_out=True, **kw)
        try:
            return json.loads(r.out)
        except ValueError:
            self.fail("--json output is not one JSON document: %r" % r.out[:300])

    def fails(self, rc, *args, **kw):
        r = self.n.cli(*args, **kw)
        self.assertEqual(r.rc, rc, r)
        self.one_line_error(r)
        return r

    def one_line_error(self, r):
        err = r.err.strip()
        self.assertTrue(err.startswith("jic: "), r)
        self.assertNotIn("\n", err, r)

    # ------------------------------------------------------------ help and usage

    def test_help(self):
        r = jictest.run([jictest.JIC, "--help"])
        self.assertEqual(r.rc, 0, r)
        for c in COMMANDS:
            self.assertIn(c, r.out)
        for c in COMMANDS:
            with self.subTest(command=c):
                h = jictest.run([jictest.JIC, c, "--help"])
                self.assertEqual(h.rc, 0, h)
                self.assertIn(c, h.out + h.err)
                self.assertGreater(len(h.out.strip()), 20, h)

    def test_usage_errors(self):
        for argv in ([], ["frobnicate"], ["member", "add"], ["member", "frob"],
                     ["grant", "onlyone"], ["objects"], ["--bogus-option", "whoami"],
                     ["account", "add", "x", "--member"]):
            with self.subTest(argv=argv):
                r = self.n.cli(*argv)
                self.assertEqual(r.rc, 2, r)
                if argv:
                    self.one_line_error(r)
                else:
                    self.assertTrue(r.err.strip(), r)

    def test_env_fallback(self):
        r = jictest.run([jictest.JIC, "--json", "whoami"],
                        env={"JIC_URL": self.n.url, "JIC_TOKEN": self.analyst})
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(json.loads(r.out)["account"], "sahil-analyst")
        # the option wins over the environment
        r = jictest.run([jictest.JIC, "--token", self.n.token, "--json", "whoami"],
                        env={"JIC_URL": self.n.url, "JIC_TOKEN": self.analyst})
        self.assertEqual(json.loads(r.out)["member"], "hq")

    # ------------------------------------------------------------ exit codes

    def test_exit_codes(self):
        self.fails(3, "whoami", token="jic_" + "x" * 43)
        self.fails(3, "member", "add", "x-m", "--name-en", "X", "--name-ar", "س",
                   token=self.analyst)
        self.fails(4, "member", "show", "nobody")
        self.fails(4, "collection", "show", str(uuid.uuid4()))
        self.fails(4, "status", str(uuid.uuid4()))
        self.fails(5, "whoami", url="http://127.0.0.1:%d" % jictest.free_port())
        r = self.n.cli("push", "/nonexistent/file.json", "--collection", "x")
        self.assertIn(r.rc, (1, 2), r)
        self.one_line_error(r)
        r = self.n.cli("member", "add", "Bad Id", "--name-en", "x", "--name-ar", "س")
        self.assertIn(r.rc, (1, 2), r)
        self.one_line_error(r)

    # ------------------------------------------------------------ init

    def test_init(self):
        d = tempfile.mkdtemp(prefix="jic-init-")
        self.addCleanup(lambda: __import__("shutil").rmtree(d, ignore_errors=True))
        db = os.path.join(d, "n.db")
        argv = [jictest.JIC, "init", "--db", db, "--node", "wadi-node", "--member", "wadi",
                "--name-en", "Wadi Intelligence Bureau", "--name-ar", "مكتب استخبارات الوادي",
                "--kind", "full", "--title", "Wadi node"]
        r = jictest.run(argv)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(len(jictest.TOKEN_RE.findall(r.out)), 1, r)
        again = jictest.run(argv)
        self.assertNotEqual(again.rc, 0, again)
        self.one_line_error(again)
        bad = jictest.run([jictest.JIC, "init", "--db", os.path.join(d, "m.db")])
        self.assertEqual(bad.rc, 2, bad)

    # ------------------------------------------------------------ management

    def test_whoami(self):
        j = self.js("whoami")
        self.assertEqual((j["member"], j["role"], j["kind"]), ("hq", "admin", "full"))
        self.assertTrue(j["account"])
        txt = self.ok("whoami").out
        self.assertIn("hq", txt)

    def test_members(self):
        j = self.js("member", "add", "jabal", "--name-en", "Jabal Security Directorate",
                    "--name-ar", ARABIC, "--kind", "associate")
        self.assertEqual(j["id"], "jabal")
        self.assertEqual(j["name_ar"], ARABIC)
        self.assertEqual(j["kind"], "associate")
        show = self.js("member", "show", "jabal")
        self.assertEqual(show["name_ar"], ARABIC)
        self.assertEqual(show["name_en"], "Jabal Security Directorate")
        self.assertIn(ARABIC, self.ok("member", "show", "jabal").out)
        self.assertIn(ARABIC, self.ok("member", "list").out)
        lst = self.js("member", "list")["members"]
        self.assertIn("jabal", [m["id"] for m in lst])
        self.assertIn("جهاز معلومات الساحل", [m["name_ar"] for m in lst])
        new_ar = "مديرية الأمن العام في الجبل — فرع الشمال"
        s = self.js("member", "set", "jabal", "--name-ar", new_ar, "--kind", "full")
        self.assertEqual((s["name_ar"], s["kind"], s["name_en"]),
                         (new_ar, "full", "Jabal Security Directorate"))
        self.assertEqual(self.n.api("GET", "members/jabal", expect=200).json["name_ar"], new_ar)
        self.fails(1, "member", "add", "jabal", "--name-en", "x", "--name-ar", "x")

    def test_accounts(self):
        a = self.js("account", "add", "sahil-delegate", "--member", "sahil", "--role", "delegate")
        self.assertEqual((a["id"], a["member"], a["role"], a["disabled"]),
                         ("sahil-delegate", "sahil", "delegate", False))
        self.assertEqual(self.js("account", "show", "sahil-delegate")["role"], "delegate")
        ids = [x["id"] for x in self.js("account", "list", "--member", "sahil")["accounts"]]
        self.assertIn("sahil-delegate", ids)
        self.assertNotIn("admin", ids)
        self.assertIn("sahil-delegate", self.ok("account", "list").out)
        self.assertTrue(self.js("account", "disable", "sahil-delegate")["disabled"])
        self.assertFalse(self.js("account", "enable", "sahil-delegate")["disabled"])
        self.fails(4, "account", "show", "nobody")

    def test_tokens(self):
        self.n.add_account("sahil-bot", "sahil", "analyst")
        r = self.ok("token", "create", "sahil-bot", "--label", "ci")
        m = jictest.TOKEN_RE.search(r.out)
        self.assertTrue(m, r)
        tok = m.group(0)
        self.assertEqual(self.n.cli("whoami", token=tok, json_out=True).json["account"],
                         "sahil-bot")
        j = self.js("token", "create", "sahil-bot", "--label", "json",
                    "--expires", "2999-01-01T00:00:00Z")
        self.assertTrue(j["token"].startswith("jic_"))
        self.assertEqual(jictest.parse_ts(j["expires"]), jictest.parse_ts("2999-01-01T00:00:00Z"))
        lst = self.js("token", "list", "--account", "sahil-bot")["tokens"]
        self.assertEqual(len(lst), 2)
        self.assertNotIn(tok, self.ok("token", "list").out)
        tid = [t["id"] for t in lst if t["label"] == "ci"][0]
        rv = self.js("token", "revoke", tid)
        self.assertIsNotNone(rv["revoked"])
        self.fails(3, "whoami", token=tok)

    def test_collections_and_grants(self):
        c = self.js("collection", "add", "sahil-only", "--title", "Sahil only",
                    "--description", "تقارير الساحل", "--owner", "sahil")
        self.assertEqual((c["alias"], c["owner"], c["description"]),
                         ("sahil-only", "sahil", "تقارير الساحل"))
        cid = c["id"]
        fixed = str(uuid.uuid4())
        c2 = self.js("collection", "add", "fixed", "--title", "Fixed", "--id", fixed)
        self.assertEqual(c2["id"], fixed)
        self.assertEqual(self.js("collection", "show", "sahil-only")["id"], cid)
        self.assertEqual(self.js("collection", "show", cid)["alias"], "sahil-only")
        g = self.js("grant", "sahil-only", "sahil", "write")
        self.assertEqual(g, {"member": "sahil", "right": "write"})
        self.ok("grant", cid, "hq", "read")
        gl = self.js("grant", "list", "sahil-only")["grants"]
        self.assertIn({"member": "sahil", "right": "write"}, gl)
        self.assertIn({"member": "hq", "right": "read"}, gl)
        self.assertIn("sahil", self.ok("grant", "list", "sahil-only").out)
        cols = self.js("collection", "list")["collections"]
        self.assertIn(cid, [x["id"] for x in cols])
        self.assertIn("sahil-only", self.ok("collection", "list").out)
        # the analyst of sahil sees it now, hq's admin reads but may not write
        mine = self.n.cli("collection", "list", token=self.analyst, json_out=True).json
        self.assertEqual([x["id"] for x in mine["collections"] if x["id"] == cid], [cid])
        self.ok("grant", "sahil-only", "hq", "none")
        r = self.n.cli("grant", "sahil-only", "hq", "maybe")
        self.assertIn(r.rc, (1, 2), r)
        self.assertEqual(self.n.cli("collection", "delete", "fixed").rc, 0)
        self.fails(4, "collection", "show", fixed)

    # ------------------------------------------------------------ data

    def test_push_objects_status(self):
        c = self.n.add_collection("ics")
        self.n.grant(c, "hq", "write")
        path = jictest.attack("ics-attack-18.1.json.xz")
        r = self.ok("push", path, "--collection", c, "--batch", "300")
        self.assertNotIn("\r", r.out, "a progress bar on a pipe")
        j = self.js("push", path, "--collection", "ics")
        txt = json.dumps(j)
        self.assertIn("1826", txt, "the summary counts every object")
        objs = self.js("objects", "ics")
        self.assertIsInstance(objs, list)
        self.assertEqual(len(objs), 1826)
        self.assertEqual(len({o["id"] for o in objs}), 1826)
        lines = self.ok("objects", c).out.splitlines()
        self.assertEqual(len(lines), 1826)
        self.assertEqual(json.loads(lines[0])["type"], objs[0]["type"])
        self.assertEqual(len(self.js("objects", "ics", "--max", "10")), 10)
        self.assertEqual(len(self.js("objects", "ics", "--limit", "50", "--max", "120")), 120)
        assets = self.js("objects", "ics", "--type", "x-mitre-asset", "--limit", "7")
        self.assertEqual(len(assets), 18)
        one = objs[5]["id"]
        self.assertEqual([o["id"] for o in self.js("objects", "ics", "--id", one)], [one])
        self.assertEqual(len(self.js("objects", "ics", "--spec-version", "2.1",
                                     "--version", "all", "--max", "3")), 3)
        self.assertEqual(self.js("objects", "ics", "--added-after", "2999-01-01T00:00:00Z"), [])
        # status
        st = self.n.push(c, [indicator("status")])
        s = self.js("status", st["id"])
        self.assertEqual((s["id"], s["success_count"]), (st["id"], 1))
        self.assertIn(st["id"], self.ok("status", st["id"]).out)

    def test_push_progress_on_a_terminal(self):
        c = self.n.add_collection("tty")
        self.n.grant(c, "hq", "write")
        argv = [jictest.JIC, "--url", self.n.url, "--token", self.n.token, "push",
                jictest.attack("ics-attack-18.1.json.xz"), "--collection", "tty", "--batch", "100"]
        master, slave = pty.openpty()
        try:
            p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                 preexec_fn=jictest._die_with_parent)
            os.close(slave)
            slave = None
            out = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the other side closed
                    break
                if not chunk:
                    break
                out += chunk
            self.assertEqual(p.wait(timeout=120), 0, out[-500:])
        finally:
            os.close(master)
            if slave is not None:
                os.close(slave)
        self.assertIn(b"\r", out, "no progress bar on a terminal")
        self.assertIn(b"1826", out)

    def test_push_failures_exit_6(self):
        c = self.n.add_collection("mixed")
        self.n.grant(c, "hq", "write")
        bad = indicator("bad")
        bad["modified"] = "2000-01-01T00:00:00.000Z"
        good = indicator("good")
        for plain in (True, False):
            fd, path = tempfile.mkstemp(suffix=".json" if plain else ".json.xz")
            os.close(fd)
            self.addCleanup(os.unlink, path)
            data = json.dumps({"type": "bundle", "id": "bundle--%s" % uuid.uuid4(),
                               "objects": [good, bad]}).encode()
            if not plain:
                data = jictest.lzma.compress(data)
            with open(path, "wb") as f:
                f.write(data)
            r = self.n.cli("push", path, "--collection", "mixed")
            self.assertEqual(r.rc, 6, r)
            self.assertIn(bad["id"], r.out + r.err)
        self.assertEqual([o["id"] for o in self.js("objects", "mixed")], [good["id"]])

    def test_push_envelope_and_arabic(self):
        c = self.n.add_collection("ar")
        self.n.grant(c, "hq", "write")
        o = indicator("مؤشر: عنوان مشبوه", description="نص عربي مع English")
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"objects": [o]}, f, ensure_ascii=False)
        self.addCleanup(os.unlink, path)
        self.ok("push", path, "--collection", "ar")
        got = self.js("objects", "ar")
        self.assertEqual(got, [o])
        self.assertIn("مؤشر: عنوان مشبوه", self.ok("objects", "ar").out)


if __name__ == "__main__":
    jictest.main()
