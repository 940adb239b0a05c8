"""Federation through outages: a room killed with SIGKILL while the others
keep writing catches up after its restart, nothing lost and nothing doubled;
the HQ killed in the middle of a page being pulled leaves nothing partial at
the puller, whose cursor never passes data it has not stored.

Nothing doubled is checked by counting the rows per (id, modified) in every
node's SQLite database. Owns nothing but its temporary nodes."""

import signal
import threading
import time

import jictest
from jictest import Federation, indicator, parse_ts, wait_until

PAD = "x" * 1500  # makes pages of the HQ big enough to be caught in flight
BULK = 20000  # objects loaded at the HQ: four of the room's pages of 5,000


class Writer(threading.Thread):
    """Writes small batches to the coalition of one node until stopped and
    keeps the versions the node acknowledged."""

    def __init__(self, node, label):
        super().__init__(daemon=True)
        self.node, self.label = node, label
        self.acked, self.errors = [], []
        self.stop = threading.Event()

    def run(self):
        i = 0
        while not self.stop.is_set():
            objs = [indicator("%s %d" % (self.label, i + k)) for k in range(5)]
            i += 5
            try:
                st = self.node.push(Federation.COALITION, objs)
                if st.get("success_count") != len(objs):
                    self.errors.append(st)
                    return
                self.acked += [(o["id"], o["modified"]) for o in objs]
            except Exception as e:  # noqa: BLE001 - reported by the test
                self.errors.append(e)
                return
            self.stop.wait(0.1)


class Outage(jictest.TestCase):
    TIMEOUT_S = 300

    def assert_once_everywhere(self, fed):
        for m, n in fed.nodes.items():
            doubled = {k: c for k, c in n.version_counts().items() if c != 1}
            self.assertEqual(doubled, {}, "node %s stores versions twice" % m)

    def assert_cursor_behind_stored(self, puller, source, peer, remote=Federation.COALITION):
        """Everything the source added up to the puller's cursor is stored at
        the puller: the cursor never passes unstored data. The cursor is read
        from the puller's database, so the puller may be down."""
        rows = jictest.db_query(puller.db, "SELECT cursor FROM pulls WHERE peer = ? AND "
                                "remote = ?", (peer, remote))
        self.assertEqual(len(rows), 1, rows)
        cur = rows[0][0]
        if not cur:
            return 0
        cut = parse_ts(cur)
        upto = {k for k, added in source.added_us(remote).items() if added <= cut}
        lack = upto - set(puller.version_counts(remote))
        self.assertEqual(lack, set(), "cursor %s passes %d unstored versions" % (cur, len(lack)))
        return len(upto)

    def test_room_killed_catches_up(self):
        fed = Federation(("a", "b", "c", "d"), self.addCleanup)
        fed.hub_and_spoke("a")
        c = fed["c"]
        before = [indicator("c before the crash %d" % i) for i in range(10)]
        c.push(Federation.COALITION, before)
        writers = [Writer(fed[m], "written at %s" % m) for m in ("a", "b", "d")]
        for w in writers:
            w.start()
        try:
            wait_until(lambda: all(len(w.acked) >= 20 for w in writers), 60, "first writes")
            fed.converge({m: {(o["id"], o["modified"]) for o in before} for m in "abd"})
            c.kill(signal.SIGKILL)
            self.assertEqual(c.integrity(), [("ok",)])
            self.assert_cursor_behind_stored(c, fed["a"], "a")
            # the others go on writing and exchanging while c is down
            mark = {w.node.member: len(w.acked) for w in writers}
            wait_until(lambda: all(len(w.acked) >= mark[w.node.member] + 30 for w in writers),
                       60, "writes while c is down")
            fed.converge({"b": set(writers[2].acked[:mark["d"] + 20])})
            c.start()
            wait_until(lambda: all(len(w.acked) >= mark[w.node.member] + 50 for w in writers),
                       60, "writes after c is back")
        finally:
            for w in writers:
                w.stop.set()
            for w in writers:
                w.join(30)
        for w in writers:
            self.assertEqual(w.errors, [], w.label)
        want = {(o["id"], o["modified"]) for o in before}
        for w in writers:
            want |= set(w.acked)
        fed.converge({m: want for m in "abcd"}, timeout=150)
        self.assert_once_everywhere(fed)
        self.assertGreaterEqual(self.assert_cursor_behind_stored(c, fed["a"], "a"), len(want))
        st = c.pull_succeeded("a")
        self.assertEqual(st["failures"], 0, st)
        # the HQ's pull from c failed while c was down, and recovers: at its next
        # poll, which need not have run yet when the others have converged
        def hq_recovered():
            fed.sync_now()
            st = fed["a"].pull_state("c")
            return st if st["last_error"] in ("", None) and st["failures"] == 0 else None
        wait_until(hq_recovered, 60, "the HQ's pull from c to recover")

    def load_hq(self, hq, n):
        objs = [indicator("bulk %d" % i, description=PAD) for i in range(n)]
        hq.push_many(Federation.COALITION, objs, batch=500)
        return {(o["id"], o["modified"]) for o in objs}

    def test_hq_killed_mid_page(self):
        fed = Federation(("a", "b"), self.addCleanup)
        hq, room = fed["a"], fed["b"]
        # several of the room's pages (5,000 objects each), so that it is
        # caught between two of them
        want = self.load_hq(hq, BULK)
        fed.link("b", "a")
        caught = False
        for attempt in range(3):
            # kill the HQ while the room is between its first and last page
            def in_flight():
                have = len(set(room.version_counts(Federation.COALITION)) & want)
                return ("done" if have == len(want) else "flight") if have else None

            state = wait_until(in_flight, 120, "the room's first page", interval=0.01)
            if state == "flight":
                hq.kill(signal.SIGKILL)
                caught = True
                break
            want |= self.load_hq(hq, BULK)
            room.sync_now()
        self.assertTrue(caught, "the room was never caught between two pages")
        self.assertEqual(hq.integrity(), [("ok",)])
        partial = set(room.version_counts(Federation.COALITION)) & want
        self.assertLess(len(partial), len(want))
        self.assert_cursor_behind_stored(room, hq, "a")
        # the room notices the HQ is gone and reports it; nothing moves meanwhile
        room.sync_now()
        st = wait_until(lambda: (lambda p: p if p["failures"] >= 1 and p["last_error"] else
                                 None)(room.pull_state("a")), 90, "a failed poll of the HQ")
        self.assertTrue(st["last_error_at"], st)
        self.assertEqual(room.api("GET", "node", expect=200).json["node"], "b-node")
        hq.start()
        fed.converge({"b": want}, timeout=150)
        self.assert_once_everywhere(fed)
        self.assertEqual(self.assert_cursor_behind_stored(room, hq, "a"), len(want))
        st = room.pull_succeeded("a")
        self.assertEqual(st["failures"], 0, st)
        self.assertIn(st["behind"], (0, None), st)


if __name__ == "__main__":
    jictest.main()
