"""Durability: kill -9 of jicd during an ingest from several clients loses
nothing that was acknowledged; the database passes PRAGMA integrity_check and
jicd serves again. SIGTERM stops jicd cleanly with exit status 0.
Owns nothing but its temporary nodes."""

import http.client
import signal
import sqlite3
import threading
import time

import jictest
from jictest import indicator

CLIENTS = 4
BATCH = 25


class Crash(jictest.TestCase):
    TIMEOUT_S = 240

    def integrity(self, db):
        con = sqlite3.connect(db)
        try:
            return con.execute("PRAGMA integrity_check").fetchall()
        finally:
            con.close()

    def ingest(self, n, coll, acked, stop, errors):
        """One client: POSTs batches until stop; records acknowledged ids."""
        try:
            while not stop.is_set():
                batch = [indicator("crash") for _ in range(BATCH)]
                try:
                    r = n.post(n.objects_path(coll), jictest.envelope(batch))
                except (OSError, http.client.HTTPException):
                    return  # jicd went away mid-request: nothing acknowledged
                if r.status != 202:
                    errors.append(r)
                    return
                st = r.json
                if st.get("status") == "complete":
                    acked.extend(s["id"] for s in st.get("successes", []))
        except Exception as e:
            errors.append(e)

    def test_kill9_during_ingest(self):
        n = self.fresh_node()
        coll = n.add_collection("ingest")
        n.grant(coll, "hq", "write")
        for rnd in range(2):
            acked, errors = [], []
            stop = threading.Event()
            threads = [threading.Thread(target=self.ingest,
                                        args=(n, coll, acked, stop, errors))
                       for _ in range(CLIENTS)]
            for t in threads:
                t.start()
            deadline = time.time() + 60
            while len(acked) < 40 * BATCH * (rnd + 1) and time.time() < deadline:
                time.sleep(0.05)
            n.kill(signal.SIGKILL)
            stop.set()
            for t in threads:
                t.join(60)
            self.assertEqual(errors, [], "round %d" % rnd)
            self.assertGreater(len(acked), 0, "nothing was acknowledged")
            self.assertEqual(self.integrity(n.db), [("ok",)])
            n.start()
            got, _ = n.fetch_all(coll, {"match[version]": "all"}, limit=1000, kind="manifest")
            have = {x["id"] for x in got}
            lost = [i for i in acked if i not in have]
            self.assertEqual(lost, [], "%d acknowledged objects lost" % len(lost))
            self.assertEqual(len(got), len(have), "an object stored twice")
            # and it serves: reads and writes
            self.assertEqual(n.get("/taxii2/").status, 200)
            self.assertEqual(n.push(coll, [indicator("after")])["success_count"], 1)
        self.assertEqual(n.stop(), 0, n.stderr())
        self.assertEqual(self.integrity(n.db), [("ok",)])

    def test_sigterm_clean(self):
        n = self.fresh_node()
        coll = n.add_collection("term")
        n.grant(coll, "hq", "write")
        n.push(coll, [indicator("x") for _ in range(10)])
        self.assertIn("jicd: serving http://127.0.0.1:%d" % n.port, n.stdout())
        self.assertEqual(n.stop(), 0, n.stderr())
        self.assertNotIn("AddressSanitizer", n.stderr())
        self.assertNotIn("runtime error", n.stderr())
        self.assertEqual(self.integrity(n.db), [("ok",)])
        n.start()
        got, _ = n.fetch_all(coll)
        self.assertEqual(len(got), 10)
        self.assertEqual(n.kill(signal.SIGINT), 0, n.stderr())

    def test_sigterm_during_requests(self):
        # requests in flight finish or fail cleanly; the exit is still 0
        n = self.fresh_node()
        coll = n.add_collection("busy")
        n.grant(coll, "hq", "write")
        acked, errors = [], []
        stop = threading.Event()
        threads = [threading.Thread(target=self.ingest, args=(n, coll, acked, stop, errors))
                   for _ in range(2)]
        for t in threads:
            t.start()
        deadline = time.time() + 60
        while len(acked) < 5 * BATCH and time.time() < deadline:
            time.sleep(0.05)
        rc = n.stop()
        stop.set()
        for t in threads:
            t.join(60)
        self.assertEqual(rc, 0, n.stderr())
        # a request refused while stopping is not an error of jicd's
        self.assertTrue(all(isinstance(e, jictest.Resp) and e.status >= 500 for e in errors),
                        errors)
        n.start()
        got, _ = n.fetch_all(coll, limit=1000, kind="manifest")
        have = {x["id"] for x in got}
        self.assertEqual([i for i in acked if i not in have], [])

    def test_missing_database(self):
        # jicd refuses a database jic init did not create, and says so
        n = self.fresh_node(start=False)
        r = jictest.run([jictest.JICD, "--db", n.db + ".absent", "--listen", "127.0.0.1:0"],
                        timeout=60)
        self.assertNotEqual(r.rc, 0)
        self.assertTrue(r.err.strip())


if __name__ == "__main__":
    jictest.main()
