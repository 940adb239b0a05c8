"""API tokens: as the HTTP Basic password (any user name) and as a Bearer
token; revocation and account disabling take effect on the next request;
expiry; tokens are stored hashed. Owns nothing but its temporary node."""

import glob
import sqlite3
import time

import jictest
from jictest import basic, bearer, fmt_us


class Tokens(jictest.TestCase):

    @classmethod
    def setUpClass(cls):
        n = cls.n = cls.node()
        n.add_member("blue", "full")
        n.add_account("blue-analyst", "blue", "analyst")
        n.add_account("blue-delegate", "blue", "delegate")
        cls.dele, _ = n.new_token("blue-delegate")

    def whoami(self, **kw):
        return self.n.request("GET", "/jic/v1/whoami", accept=jictest.JSON, **kw)

    def test_basic_and_bearer(self):
        tok, _ = self.n.new_token("blue-analyst")
        for auth in (basic(tok), basic(tok, user=""), basic(tok, user="someone else"),
                     bearer(tok)):
            r = self.whoami(auth=auth)
            self.assertEqual(r.status, 200, (auth[:6], r))
            self.assertEqual(r.json["account"], "blue-analyst")
            self.assertEqual(r.json["member"], "blue")
            self.assertEqual(self.n.get("/taxii2/", auth=auth).status, 200)
        # the token as the user name, or a broken header, is not a login
        for auth in (basic("", user=tok), "Basic " + tok, "Bearer",
                     "Bearer " + tok + "x", bearer(tok[:-1]), basic(tok[:-1])):
            self.assertTaxiiError(self.whoami(auth=auth), 401)
        self.assertTaxiiError(self.whoami(token=""), 401)

    def test_whoami_names_the_token(self):
        tok, t = self.n.new_token("blue-analyst", label="laptop")
        w = self.whoami(token=tok).json
        self.assertEqual(w["token"], t["id"])
        self.assertEqual(w["role"], "analyst")
        self.assertEqual(w["kind"], "full")
        self.assertEqual(t["label"], "laptop")
        self.assertIsNone(t["expires"])
        self.assertIsNone(t["revoked"])
        jictest.parse_ts(t["created"])

    def test_revocation_next_request(self):
        tok, t = self.n.new_token("blue-analyst")
        keep, _ = self.n.new_token("blue-analyst")
        self.assertEqual(self.whoami(token=tok).status, 200)
        r = self.n.api("DELETE", "tokens/%s" % t["id"], token=self.dele, expect=200).json
        self.assertIsNotNone(r["revoked"])
        self.assertTaxiiError(self.whoami(token=tok), 401)
        self.assertTaxiiError(self.n.get("/api/collections/", token=tok), 401)
        self.assertTaxiiError(self.n.get("/taxii2/", auth=bearer(tok)), 401)
        # other tokens of the account still work; revoking twice is harmless
        self.assertEqual(self.whoami(token=keep).status, 200)
        self.n.api("DELETE", "tokens/%s" % t["id"], token=self.dele, expect=200)
        listed = {x["id"]: x for x in self.n.api("GET", "tokens?account=blue-analyst",
                                                 expect=200).json["tokens"]}
        self.assertIsNotNone(listed[t["id"]]["revoked"])
        self.n.api("DELETE", "tokens/no-such-token", expect=404)

    def test_revoke_own_token(self):
        tok, t = self.n.new_token("blue-analyst")
        self.n.api("DELETE", "tokens/%s" % t["id"], token=tok, expect=200)
        self.assertTaxiiError(self.whoami(token=tok), 401)

    def test_expiry(self):
        soon_us = int(time.time() * 1e6) + 3000000
        tok, t = self.n.new_token("blue-analyst", expires=fmt_us(soon_us))
        self.assertEqual(jictest.parse_ts(t["expires"]), soon_us)
        later, _ = self.n.new_token("blue-analyst", expires="2999-01-01T00:00:00Z")
        self.assertEqual(self.whoami(token=tok).status, 200)
        while time.time() * 1e6 < soon_us + 500000:
            time.sleep(0.25)
        self.assertTaxiiError(self.whoami(token=tok), 401)
        self.assertTaxiiError(self.n.get("/api/", token=tok), 401)
        self.assertEqual(self.whoami(token=later).status, 200)
        self.n.api("POST", "tokens", {"account": "blue-analyst", "label": "x",
                                      "expires": "next week"}, expect=400)

    def test_disabled_account(self):
        self.n.add_account("blue-temp", "blue", "analyst")
        tok, _ = self.n.new_token("blue-temp")
        self.assertEqual(self.whoami(token=tok).status, 200)
        a = self.n.api("POST", "accounts/blue-temp/disable", token=self.dele, expect=200).json
        self.assertTrue(a["disabled"])
        self.assertTaxiiError(self.whoami(token=tok), 401)
        self.assertTaxiiError(self.n.get("/taxii2/", token=tok), 401)
        self.n.api("POST", "accounts/blue-temp/enable", token=self.dele, expect=200)
        self.assertEqual(self.whoami(token=tok).status, 200)

    def test_metrics_needs_no_token(self):
        r = self.n.get("/metrics", token="", accept=None)
        self.assertEqual(r.status, 200, r)

    def test_stored_hashed(self):
        secrets = [self.n.token, self.dele] + [self.n.new_token("blue-analyst")[0]
                                               for _ in range(3)]
        # the token list never shows a secret
        for x in self.n.api("GET", "tokens", expect=200).json["tokens"]:
            self.assertNotIn("token", x)
        # the database holds no token: no cell in any table, no byte in any file
        con = sqlite3.connect("file:%s?mode=ro" % self.n.db, uri=True)
        try:
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")]
            self.assertTrue(tables)
            for t in tables:
                for row in con.execute('SELECT * FROM "%s"' % t.replace('"', '""')):
                    for cell in row:
                        if isinstance(cell, bytes):
                            cell = cell.decode("latin-1")
                        if isinstance(cell, str):
                            for s in secrets:
                                self.assertNotIn(s, cell, "token in table %s" % t)
                                self.assertNotIn(s[4:], cell, "token in table %s" % t)
        finally:
            con.close()
        for path in glob.glob(self.n.db + "*"):
            with open(path, "rb") as f:
                raw = f.read()
            for s in secrets:
                self.assertNotIn(s.encode(), raw, path)
                self.assertNotIn(s[4:].encode(), raw, path)
        # nor do jicd's logs
        self.assertNotIn(self.dele, self.n.stderr() + self.n.stdout())


if __name__ == "__main__":
    jictest.main()
