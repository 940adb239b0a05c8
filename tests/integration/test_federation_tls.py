"""Federation over HTTPS: a node pulls from a TLS peer trusting it through a
CA file (ca_pem) or through a pinned public key (pin_sha256, openssl
self-signed certificates); a wrong pin and an unknown certificate fail with
a clear error and nothing is stored. Owns nothing but its temporary nodes."""

import base64
import hashlib
import subprocess

import jictest
from jictest import Federation, indicator, wait_until


def pin_of(cert):
    """sha256//BASE64 of the certificate's public key, as curl pins it."""
    pub = subprocess.run(["openssl", "x509", "-in", cert, "-pubkey", "-noout"],
                         check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub,
                         check=True, capture_output=True).stdout
    return "sha256//" + base64.b64encode(hashlib.sha256(der).digest()).decode()


class Tls(jictest.TestCase):
    TIMEOUT_S = 200

    @classmethod
    def setUpClass(cls):
        cls.fed = fed = Federation(("a", "b"), cls.addClassCleanup, tls=("a",))
        a, b = fed["a"], fed["b"]
        assert a.url.startswith("https://"), a.url
        cls.local = {k: b.add_collection("from-a-" + k) for k in ("ca", "pin", "badpin", "none")}
        acct, secret, _ = fed.account_at("a", "b")
        with open(a.ca) as f:
            pem = f.read()
        good_pin = pin_of(a.ca)
        cls.pin = good_pin
        wrong = "sha256//" + base64.b64encode(hashlib.sha256(b"another key").digest()).decode()

        def add(pid, **kw):
            b.add_peer(pid, "a", a.url, acct, secret,
                       [{"remote": Federation.COALITION, "local": cls.local[pid[2:]]}], **kw)

        add("a-ca", ca_pem=pem)
        add("a-badpin", pin=wrong)
        add("a-none")
        # the pinned peer through the CLI
        tf = b.dir + "/a.token"
        with open(tf, "w") as f:
            f.write(secret)
        r = b.cli("peer", "add", "a-pin", "--url", a.url, "--member", "a", "--account", acct,
                  "--token-file", tf, "--pin", good_pin,
                  "--pull", "%s:%s" % (Federation.COALITION, cls.local["pin"]))
        assert r.rc == 0, r
        cls.objs = [indicator("over tls %d" % i) for i in range(5)]
        a.push(Federation.COALITION, cls.objs)
        cls.want = {(o["id"], o["modified"]) for o in cls.objs}

    def test_ca_file(self):
        self.fed.converge({"b": self.want}, coll=self.local["ca"])
        self.fed["b"].pull_succeeded("a-ca")

    def test_pin(self):
        self.fed.converge({"b": self.want}, coll=self.local["pin"])
        r = self.fed["b"].cli("peer", "show", "a-pin", json_out=True)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json["pin_sha256"], self.pin)
        self.assertEqual(r.json["url"], self.fed["a"].url)

    def failed(self, pid):
        b = self.fed["b"]

        def check():
            b.sync_now()
            st = b.pull_state(pid)
            return st if st["last_error"] and st["failures"] >= 1 else None

        st = wait_until(check, 60, "the failure of %s" % pid)
        self.assertEqual(b.version_counts(self.local[pid[2:]]), {})
        self.assertIn(st["cursor"], ("", None), st)
        return st

    def test_wrong_pin(self):
        st = self.failed("a-badpin")
        self.assertRegex(st["last_error"], r"(?i)pin|public key|tls|ssl|certificate")

    def test_unknown_certificate(self):
        st = self.failed("a-none")
        self.assertRegex(st["last_error"], r"(?i)tls|ssl|certificate|verif|issuer")


if __name__ == "__main__":
    jictest.main()
