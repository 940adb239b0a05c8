"""`make run`'s script (scripts/demo.sh) end to end with the test build, and
the demo data set (tests/data/demo/) as valid STIX 2.1 that ingests with no
failure, and the demo coalition's charter (tests/data/demo/charter.json) in
force on the demo node. Owns nothing but its temporary directories and the
demo jicd."""

import glob
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

import jictest

DEMO = os.path.join(jictest.TEST_DATA, "demo")
SCRIPT = os.path.join(jictest.ROOT, "scripts", "demo.sh")
ARABIC = re.compile("[\u0600-\u06ff]")
CHARTER = os.path.join(DEMO, "charter.json")


def bundles():
    """The data set's STIX bundles: every JSON file of the demo but the charter."""
    return sorted(p for p in glob.glob(os.path.join(DEMO, "*.json")) if p != CHARTER)


class Demo(jictest.TestCase):
    TIMEOUT_S = 300

    def test_data_set_is_valid_stix(self):
        files = bundles()
        self.assertGreaterEqual(len(files), 2)
        types, arabic = set(), 0
        for path in files:
            with open(path, encoding="utf-8") as f:
                b = json.load(f)
            self.assertEqual(b["type"], "bundle")
            ids = {o["id"] for o in b["objects"]}
            for o in b["objects"]:
                t, u = o["id"].split("--")
                self.assertEqual(t, o["type"])
                self.assertEqual(uuid.UUID(u).version, 4, o["id"])
                self.assertEqual(o["spec_version"], "2.1")
                for k in ("created", "modified"):
                    self.assertRegex(o[k], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
                for k in ("object_refs",):
                    for r in o.get(k, []):
                        self.assertIn(r, ids, "%s: dangling %s" % (path, r))
                types.add(o["type"])
                arabic += any(ARABIC.search(str(v)) for v in o.values())
        for t in ("report", "indicator", "location", "incident", "identity", "relationship"):
            self.assertIn(t, types)
        self.assertGreater(arabic, 10)

    def test_data_set_ingests(self):
        n = self.fresh_node()
        c = n.add_collection("demo")
        n.grant(c, "hq", "write")
        total = 0
        for path in bundles():
            r = n.cli("push", path, "--collection", "demo")
            self.assertEqual(r.rc, 0, r)
            with open(path, encoding="utf-8") as f:
                total += len(json.load(f)["objects"])
        got, _ = n.fetch_all(c, limit=1000)
        self.assertEqual(len(got), total)

    def test_demo_script(self):
        d = tempfile.mkdtemp(prefix="jic-demo-")
        self.addCleanup(shutil.rmtree, d, True)
        node_dir = os.path.join(d, "node")
        port = jictest.free_port()
        env = dict(os.environ, JIC_BIN=os.path.dirname(jictest.JICD), JIC_DEMO_DIR=node_dir,
                   JIC_PORT=str(port))
        if os.path.dirname(jictest.JICD) != os.path.dirname(jictest.JIC):
            self.skipTest("jicd and jic are not in one directory")
        out = open(os.path.join(d, "out"), "w+b")
        self.addCleanup(out.close)
        p = subprocess.Popen([SCRIPT], env=env, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        self.addCleanup(lambda: p.poll() is None and os.killpg(p.pid, signal.SIGKILL))
        deadline = time.time() + 240
        text = ""
        while time.time() < deadline:
            out.seek(0)
            text = out.read().decode("utf-8", "replace")
            if "jicd: serving" in text or p.poll() is not None:
                break
            time.sleep(0.2)
        self.assertIn("jicd: serving http://127.0.0.1:%d" % port, text)
        toks = dict(re.findall(r"^\s+(\S+)\s+(?:\(hq\)\s+)?(jic_[A-Za-z0-9_-]+)$", text, re.M))
        self.assertEqual(len(toks), 6, text)
        url = "http://127.0.0.1:%d" % port

        def cli(tok, *args):
            r = jictest.run([jictest.JIC, "--url", url, "--token", tok, "--json"] + list(args))
            self.assertEqual(r.rc, 0, r)
            return r.json

        members = cli(toks["admin"], "member", "list")["members"]
        kinds = sorted(m["kind"] for m in members if m["id"] != "hq")
        self.assertEqual(kinds, ["associate", "full", "full", "full", "full"])
        for m in members:
            self.assertTrue(ARABIC.search(m["name_ar"]), m)
        for name, tok in toks.items():
            if name == "admin":
                continue
            member = name[:-len("-delegate")]
            w = cli(tok, "whoami")
            self.assertEqual((w["member"], w["role"]), (member, "delegate"))
            cols = {c["alias"] for c in cli(tok, "collection", "list")["collections"]}
            # and the public collection the charter made, which anyone reads
            self.assertEqual(cols, {"coalition", member + "-only", "public"})
            own = cli(tok, "objects", member + "-only")
            self.assertGreater(len(own), 0)
        reports = cli(toks["admin"], "objects", "coalition", "--type", "report")
        self.assertGreater(len(reports), 0)
        # the coalition's charter: the five members in order, each with its key
        # file under the demo's keys/, and a chair for today
        state = cli(toks["admin"], "charter", "show")
        with open(CHARTER, encoding="utf-8") as f:
            charter = json.load(f)
        got = {m["id"]: m for m in state["members"]}
        for m in charter["members"]:
            self.assertEqual(got[m["id"]]["kind"], m["kind"])
            self.assertEqual(got[m["id"]]["status"], "active")
            with open(os.path.join(node_dir, "keys", m["id"] + ".key")) as f:
                self.assertEqual(json.load(f)["public"], got[m["id"]]["key"])
            self.assertEqual(os.stat(os.path.join(node_dir, "keys", m["id"] + ".key")).st_mode
                             & 0o077, 0)
        self.assertEqual(state["head"]["seq"], 1)
        p1 = cli(toks["admin"], "presidency", "--at", "2026-01-01")
        self.assertEqual(p1["chair"], "sahil")
        self.assertEqual(p1["next"], "jabal")
        now = cli(toks["admin"], "presidency")
        self.assertIn(now["chair"], ["sahil", "jabal", "wadi", "nahr"])
        r = jictest.run([jictest.JIC, "--url", url, "--token", toks["admin"], "presidency"])
        self.assertEqual(r.rc, 0, r)
        self.assertIn("chair:", r.out)
        if os.path.exists(jictest.attack("ics-attack-18.1.json.xz")):
            assets = cli(toks["admin"], "objects", "coalition", "--type", "x-mitre-asset")
            self.assertEqual(len(assets), 18)
        # Ctrl-C stops it cleanly
        os.killpg(p.pid, signal.SIGINT)
        self.assertEqual(p.wait(timeout=60), 0)
        with open(os.path.join(node_dir, ".gitignore")) as f:
            self.assertEqual(f.read().strip(), "*")


if __name__ == "__main__":
    jictest.main()
