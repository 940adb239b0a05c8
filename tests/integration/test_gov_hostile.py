"""Hostile input at the governance HTTP entry points (docs/governance.md, "API";
docs/api.md): /jic/v1/gov/ (charter, acts, log, state, presidency, keys,
meetings, statements, node-key), /jic/v1/audit and /jic/v1/archive.

Every malformed, oversized or forged request is answered with a 4xx TAXII
error object whose description names the problem; the node keeps answering;
and the governance log is left exactly as it was and still verifies (`jic
audit verify` from the database file, and from the entries the node serves).

Acts are signed here, outside jic, with openssl over the canonical JSON, so
that a well-signed act can carry fields the CLI would never write.

Owns nothing but its temporary directory and the jicd node it starts."""

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import uuid

import jictest

JSON = jictest.JSON
# PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410).
ED25519_PKCS8 = bytes.fromhex("302e020100300506032b657004220420")
BODY_MAX = 3 << 20  # jicd's --body-max here: a 1 MB name fits, 4 MB does not
MB = 1 << 20


def canonical(v):
    """docs/governance.md's canonical JSON, for ASCII keys (RFC 8785)."""
    return json.dumps(v, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


class GovHostile(jictest.TestCase):
    TIMEOUT_S = 300

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jic-govhostile-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        n = cls.n = cls.node(extra_args=["--body-max", str(BODY_MAX), "--log-level", "error"])
        cls.key, cls.pk, cls.tok = {}, {}, {}
        for m in ("sahil", "jabal", "qamar"):  # qamar: invited, never a member here
            if m != "qamar":
                n.add_member(m, kind="full")
                cls.tok[m] = n.principal(m + "-delegate", m, "delegate")
            out = os.path.join(cls.tmp, m + ".key")
            r = jictest.run([jictest.JIC, "member", "keygen", "--member", m, "--out", out])
            if r.rc != 0:
                raise RuntimeError("keygen: %r" % r)
            cls.key[m], cls.pk[m] = out, r.out.strip()
        cls.analyst = n.principal("sahil-analyst", "sahil", "analyst")

    # ------------------------------------------------------------ helpers

    def sign(self, member, msg):
        """Ed25519 signature (base64) of msg by member's key file, made with openssl."""
        with open(self.key[member]) as f:
            seed = base64.b64decode(json.load(f)["secret"])[:32]
        der, m = os.path.join(self.tmp, "k.der"), os.path.join(self.tmp, "k.msg")
        with open(der, "wb") as f:
            f.write(ED25519_PKCS8 + seed)
        with open(m, "wb") as f:
            f.write(msg)
        try:
            # -rawin signs a file, not a pipe
            p = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", der, "-keyform",
                                "DER", "-rawin", "-in", m], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=60)
        finally:
            os.unlink(der)
            os.unlink(m)
        self.assertEqual(p.returncode, 0, p.stderr)
        return base64.b64encode(p.stdout).decode()

    def act(self, typ, by="sahil", signer=None, **fields):
        """{"act","sig"}: a complete act signed over its canonical bytes."""
        a = {"type": typ, "by": by, "at": jictest.stix_now(), "nonce": str(uuid.uuid4())}
        if getattr(self, "coalition", None):
            a["coalition"] = self.coalition
        a.update(fields)
        return {"act": a, "sig": self.sign(signer or by, canonical(a))}

    def send(self, method, path, body=None, token=None, params=None, raw_path=False):
        """One request to /jic/v1/PATH; body: bytes as is, else JSON."""
        if body is not None and not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=False).encode()
        full = path if raw_path else "/jic/v1/" + path
        return self.n.request(method, full, body=body, token=token, accept=JSON,
                              content_type=JSON if body is not None else None,
                              params=params)

    def refused(self, status, needle, method, path, body=None, token=None, params=None,
                raw_path=False):
        """The request is answered status with a JSON error whose description
        holds needle (case-insensitive); the node still answers."""
        r = self.send(method, path, body, token, params, raw_path)
        what = "%s %s %r" % (method, path, params or "")
        self.assertEqual(r.status, status, "%s: %r" % (what, r))
        try:
            j = json.loads(r.body.decode("utf-8"))
        except ValueError:
            self.fail("%s: the error is not JSON: %r" % (what, r))
        self.assertIsInstance(j, dict, what)
        self.assertEqual(str(j.get("http_status")), str(status), "%s: %r" % (what, j))
        self.assertIn(needle.lower(), j.get("description", "").lower(),
                      "%s: %r" % (what, j))
        # a description is one bounded line, whatever the request held
        self.assertLess(len(r.body), 4096, what)
        self.assertTrue(self.n.alive(), "jicd died on %s: %s" % (what, self.n.stderr()))
        return j

    def too_big(self, path, token=None, chunked=False):
        """POSTs a body over --body-max: announced (Content-Length, nothing
        sent; the node answers before reading it) or chunked (sent whole, the
        node drops what passes the cap). 413 with a JSON error, node alive."""
        tok = self.n.token if token is None else token
        head = ("POST /jic/v1/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: %s\r\n"
                "Content-Type: %s\r\nAuthorization: %s\r\nConnection: close\r\n" %
                (path, JSON, JSON, jictest.basic(tok)))
        s = socket.create_connection(("127.0.0.1", self.n.port), timeout=60)
        try:
            if chunked:
                s.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
                chunk = b"%x\r\n%s\r\n" % (MB, b" " * MB)
                try:
                    for _ in range(4):
                        s.sendall(chunk)
                    s.sendall(b"0\r\n\r\n")
                except OSError:
                    pass  # the node may answer and close before the end
            else:
                s.sendall((head + "Content-Length: %d\r\n\r\n" % (4 * MB)).encode())
            data = b""
            try:
                while True:
                    got = s.recv(65536)
                    if not got:
                        break
                    data += got
            except OSError:
                pass
        finally:
            s.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else None
        self.assertEqual(status, 413, data[:300])
        j = json.loads(data.split(b"\r\n\r\n", 1)[1].decode())
        self.assertEqual(j.get("http_status"), "413", j)
        self.assertIn("cap", j.get("description", ""), j)
        self.assertTrue(self.n.alive(), self.n.stderr())

    def log_bytes(self):
        r = self.send("GET", "gov/log", params={"limit": "1000"})
        self.assertEqual(r.status, 200, r)
        return r.body

    def assert_log_sound(self, before):
        self.assertEqual(self.log_bytes(), before, "the governance log changed")
        head = json.loads(before.decode())["entries"]
        r = jictest.run([jictest.JIC, "audit", "verify", "--db", self.n.db])
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.out.strip(), "chain sound: %d entries" % len(head), r)
        r = self.n.cli("audit", "verify", token=self.tok["jabal"])
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.out.strip(), "chain sound: %d entries" % len(head), r)

    def charter_doc(self, **over):
        c = {"name_en": "Coalition of Sahil and Jabal", "name_ar": "تحالف الساحل والجبل",
             "members": [{"id": m, "name_en": m.title(), "name_ar": "عضو " + m,
                          "kind": "full", "key": self.pk[m]} for m in ("sahil", "jabal")],
             "term_months": 120, "first_term_start": "2025-01-01"}  # sahil chairs to 2035
        c.update(over)
        return c

    # ------------------------------------------------------------ the test

    def test_hostile(self):
        self.charter_refused()
        self.assertEqual(self.log_bytes(), b'{"entries":[],"more":false}')
        # the coalition, and one pending proposal, for the acts to work on
        r = self.send("POST", "gov/charter", self.charter_doc())
        self.assertEqual(r.status, 201, r)
        # what every act names, readable without a token
        r = self.send("GET", "gov/coalition", token="")
        self.assertEqual(r.status, 200, r)
        self.coalition = r.json["coalition"]
        self.assertEqual(len(self.coalition), 64)
        self.refused(409, "already has a charter", "POST", "gov/charter", self.charter_doc())
        invite = self.act("member.invite", member={"id": "qamar", "name_en": "Qamar",
                                                   "name_ar": "قمر", "kind": "observer",
                                                   "key": self.pk["qamar"]})
        r = self.send("POST", "gov/acts", invite, token=self.tok["sahil"])
        self.assertEqual(r.status, 201, r)
        # a meeting and a statement draft for the chair's acts and the reads
        self.meeting, self.stmt = str(uuid.uuid4()), str(uuid.uuid4())
        for a in (self.act("meeting.convene", meeting=self.meeting, title_en="Session",
                           title_ar="جلسة", when=jictest.stix_now(),
                           participants=["sahil", "jabal"], guests=[],
                           agenda=[{"en": "Item", "ar": "بند"}]),
                  self.act("statement.draft", statement=self.stmt, meeting=self.meeting,
                           version=1, title_en="T", title_ar="ع", text_en="Text",
                           text_ar="نص")):
            r = self.send("POST", "gov/acts", a, token=self.tok["sahil"])
            self.assertEqual(r.status, 201, r)
        before = self.log_bytes()
        self.assertEqual(len(json.loads(before)["entries"]), 4)

        self.acts_refused(invite)
        self.chair_acts_refused()
        self.reads_refused()
        self.assert_log_sound(before)

    def charter_refused(self):
        bad = [
            (b"", "must be a JSON object"),
            (b"{", "must be a JSON object"),
            (b"[]", "must be a JSON object"),
            (b'"charter"', "must be a JSON object"),
            (b"\xff\xfe{}", "must be a JSON object"),
            (b'{"name_en":"a\\u0000b"}', "must be a JSON object"),
            (b'{"name_en":"\xc3\x28"}', "must be a JSON object"),
            (self.charter_doc(name_en=5), "name_en"),
            (self.charter_doc(name_en="x" * MB), "longer than"),
            (self.charter_doc(name_en="bad\x01name"), "control character"),
            (self.charter_doc(name_en="Cafe\u0301"), "NFC"),
            (self.charter_doc(members=None), "members"),
            (self.charter_doc(members="sahil"), "members"),
            (self.charter_doc(members=[]), "members"),
            (self.charter_doc(members=[1, 2]), "'id'"),
            (self.charter_doc(members=[[]]), "'id'"),
            (self.charter_doc(members=[{"id": "../../etc", "name_en": "x", "name_ar": "x",
                                        "key": self.pk["sahil"]}]), "'id'"),
            (self.charter_doc(members=[{"id": "s" * 5000, "name_en": "x", "name_ar": "x",
                                        "key": self.pk["sahil"]}]), "'id'"),
            (self.charter_doc(members=[{"id": "sahil", "name_en": "x", "name_ar": "x",
                                        "key": "ed25519:AAAA"}]), "'key'"),
            (self.charter_doc(members=[{"id": "sahil", "name_en": "x", "name_ar": "x",
                                        "key": "ed25519:!!!!" * 1000}]), "'key'"),
            (self.charter_doc(members=[{"id": "sahil", "name_en": "x", "name_ar": "x",
                                        "kind": "emperor", "key": self.pk["sahil"]}]),
             "unknown kind"),
            (self.charter_doc(members=[{"id": "sahil", "name_en": "x", "name_ar": "x",
                                        "key": self.pk["sahil"]}] * 2), "listed twice"),
            (self.charter_doc(members=[{"id": "m%d" % i, "name_en": "x", "name_ar": "x",
                                        "key": self.pk["sahil"]} for i in range(1001)]),
             "members"),
            (self.charter_doc(term_months=-1), "term_months"),
            (self.charter_doc(term_months=0), "term_months"),
            (self.charter_doc(term_months="3"), "term_months"),
            (self.charter_doc(term_months=2 ** 63), "must be a JSON object"),
            (self.charter_doc(term_months=1.5), "real number"),
            (json.dumps(self.charter_doc(term_months="@")).replace('"@"', "1e400").encode(),
             "must be a JSON object"),
            (self.charter_doc(first_term_start="yesterday"), "first_term_start"),
            (self.charter_doc(first_term_start="2026-02-30"), "first_term_start"),
            (self.charter_doc(first_term_start="2026-01-01" * 100000), "first_term_start"),
            (self.charter_doc(first_term_start=20260101), "first_term_start"),
            (self.charter_doc(rules="consensus"), "rules"),
            (self.charter_doc(rules=["admit"]), "rules"),
            (self.charter_doc(rules={"admit": "anarchy"}), "admit"),
            (self.charter_doc(rules={"expel": 1}), "expel"),
            (self.charter_doc(hq_member=5), "hq_member"),
            (self.charter_doc(hq_member="nobody"), "hq_member"),
        ]
        for body, needle in bad:
            with self.subTest(needle=needle, body=repr(body)[:200]):
                self.refused(400, needle, "POST", "gov/charter", body)
        # only the node's admins start the log
        self.refused(403, "admins", "POST", "gov/charter", self.charter_doc(),
                     token=self.tok["sahil"])
        self.refused(401, "authentication required", "POST", "gov/charter", self.charter_doc(),
                     token="")
        self.refused(401, "", "POST", "gov/charter", self.charter_doc(),
                     token="jic_" + "A" * 40)
        self.too_big("gov/charter")
        self.too_big("gov/charter", chunked=True)
        # reads of a coalition that has none yet
        for what in ("state", "presidency", "keys", "meetings"):
            self.refused(404, "no charter", "GET", "gov/" + what)

    def acts_refused(self, invite):
        sahil, jabal = self.tok["sahil"], self.tok["jabal"]
        shape = "the body must be"
        # -- the body itself
        for body, needle in [
            (b"", shape),
            (b"{", "malformed JSON"),
            (b"[]", "must be a JSON object"),
            (b'"act"', "malformed JSON"),
            (b"null", "malformed JSON"),
            (b"\xff\xfe\x00{", "malformed JSON"),
            (b'{"act":{"type":"approve","by":"sahil","x":"\xc3\x28"},"sig":"x"}',
             "malformed JSON"),
            (b'{"act":{"type":"approve","by":"sahil","x":"a\\u0000b"},"sig":"x"}',
             "malformed JSON"),
            (b'{"act":{"type":"approve","by":"sahil","ref":1e400},"sig":"x"}',
             "malformed JSON"),
            (b'{"act":{"type":"approve","by":"sahil","ref":%d},"sig":"x"}' % 2 ** 63,
             "malformed JSON"),
            (b'{"act":{},"act":{},"sig":"x"}', "malformed JSON"),
            ({"act": [], "sig": "x"}, shape),
            ({"act": "approve", "sig": "x"}, shape),
            ({"act": {"type": 5, "by": "sahil"}, "sig": "x"}, shape),
            ({"act": {"type": "approve", "by": ["sahil"]}, "sig": "x"}, shape),
            ({"act": {"type": "approve", "by": "sahil"}}, shape),
            ({"act": {"type": "approve", "by": "sahil"}, "sig": 5}, shape),
            ({"act": {"type": "approve", "by": "sahil"}, "sig": "x", "seq": 3}, shape),
            ({"sig": "x"}, shape),
        ]:
            self.refused(400, needle, "POST", "gov/acts", body, token=sahil)
        # -- who sends it
        self.refused(401, "token", "POST", "gov/acts", self.act("approve", ref=2), token="")
        self.refused(403, "only a delegate or admin", "POST", "gov/acts",
                     self.act("approve", ref=2), token=self.analyst)
        self.refused(403, "only a delegate or admin", "POST", "gov/acts",
                     self.act("approve", ref=2), token=jabal)
        self.refused(403, "only a delegate or admin", "POST", "gov/acts",
                     {"act": {"type": "approve", "by": "s" * MB}, "sig": "x"}, token=sahil)
        # -- forged and malformed signatures
        good = self.act("approve", by="jabal", ref=2)
        for sig, status, needle in [
            ("", 400, "not a base64 signature"),
            ("AAAA", 400, "not a base64 signature"),
            ("!!!!" * 22, 400, "not a base64 signature"),
            (base64.b64encode(b"\0" * 63).decode(), 400, "not a base64 signature"),
            (base64.b64encode(b"\0" * 65).decode(), 400, "not a base64 signature"),
            (base64.b64encode(b"\0" * 64).decode()[:-2], 400, "not a base64 signature"),
            ("A" * MB, 400, "not a base64 signature"),
            (good["sig"] + "\n", 400, "not a base64 signature"),
            (base64.b64encode(b"\0" * 64).decode(), 422, "does not verify"),
            (self.sign("sahil", canonical(good["act"])), 422, "does not verify"),
        ]:
            self.refused(status, needle, "POST", "gov/acts", {"act": good["act"], "sig": sig},
                         token=jabal)
        tampered = json.loads(json.dumps(good))
        tampered["act"]["ref"] = 3
        self.refused(422, "does not verify", "POST", "gov/acts", tampered, token=jabal)
        # -- well signed, but not a well-formed act
        for body, status, needle in [
            (self.act("member.promote", by="jabal", member="sahil"), 400, "unknown act type"),
            (self.act("charter", by="jabal"), 400, "key"),
            (self.act("approve", by="jabal", ref=-1), 400, "'ref'"),
            (self.act("approve", by="jabal", ref=0), 400, "'ref'"),
            (self.act("approve", by="jabal", ref="2"), 400, "'ref'"),
            (self.act("approve", by="jabal", ref=1.5), 400, "real number"),
            (self.act("approve", by="jabal", ref=2 ** 63 - 1), 422, "not a pending proposal"),
            (self.act("approve", by="jabal", ref=1), 422, "not a pending proposal"),
            (self.act("approve", by="jabal", ref=2, coalition="0" * 64), 422,
             "field 'coalition'"),
            (self.act("approve", by="jabal", ref=2, coalition=None), 422, "field 'coalition'"),
            (self.act("approve", by="jabal", ref=2, nonce=""), 400, "nonce"),
            (self.act("approve", by="jabal", ref=2, nonce="n" * 5000), 400, "nonce"),
            (self.act("approve", by="jabal", ref=2, at="yesterday"), 400, "'at'"),
            (self.act("approve", by="jabal", ref=2, at=None), 400, "'at'"),
            (self.act("member.invite", by="jabal", member="qamar"), 400, "'member'"),
            (self.act("member.invite", by="jabal",
                      member={"id": "z" * 300, "name_en": "Z", "name_ar": "Z"}), 400, "'id'"),
            (self.act("member.invite", by="jabal",
                      member={"id": "zz", "name_en": "Z" * MB, "name_ar": "Z"}), 400,
             "longer than"),
            (self.act("member.invite", by="jabal",
                      member={"id": "zz", "name_en": "Cafe\u0301", "name_ar": "Z"}), 400,
             "NFC"),
            (self.act("member.invite", by="jabal",
                      member={"id": "zz", "name_en": "Z", "name_ar": "Z"}), 400,
             "'member.key'"),
            (self.act("member.invite", by="jabal",
                      member={"id": "zz", "name_en": "Z", "name_ar": "Z",
                              "key": "ed25519:" + "A" * 5000}), 400, "'member.key'"),
            (self.act("member.invite", by="jabal",
                      member={"id": "zz", "name_en": "Z", "name_ar": "Z",
                              "key": self.pk["qamar"], "kind": 7}), 400, "'kind'"),
            (self.act("member.invite", by="jabal",
                      member={"id": "zz", "name_en": "Z", "name_ar": "Z",
                              "key": self.pk["qamar"], "role": "admin"}), 400,
             "unknown field 'role'"),
            (self.act("approve", by="jabal", ref=2, note="n" * 1000), 400,
             "unknown field 'note'"),
            (self.act("approve", by="jabal", ref=2, **{"": 1}), 400, "unknown field ''"),
            # a name holding spaces would span known names ("by at", "type by")
            (self.act("approve", by="jabal", ref=2, **{"by at": {"hidden": 1}}), 400,
             "unknown field 'by at'"),
            (self.act("member.invite", by="jabal",
                      member={"id": "zz", "name_en": "Z", "name_ar": "Z",
                              "key": self.pk["qamar"], "name_en name_ar": "x"}), 400,
             "unknown field 'name_en name_ar'"),
            (self.act("member.suspend", by="jabal", member="sahil", reason="r" * MB), 400,
             "'reason'"),
            (self.act("member.suspend", by="jabal", member="../sahil"), 400, "'member'"),
            (self.act("statement.draft", by="jabal", statement=self.stmt, version=2,
                      title_en="T", title_ar="T", text_en="x", text_ar="x"), 403, "chair"),
            (self.act("meeting.convene", by="jabal", meeting=str(uuid.uuid4())), 403,
             "chair"),
        ]:
            with self.subTest(needle=needle):
                self.refused(status, needle, "POST", "gov/acts", body, token=jabal)
        # -- nesting: past the parser's depth, and deep but parsed, hashed and refused
        self.refused(400, "malformed JSON", "POST", "gov/acts", b"[" * 100000, token=jabal)
        self.refused(400, "malformed JSON", "POST", "gov/acts",
                     b'{"act":{"type":"approve","by":"jabal","x":' + b"[" * 5000 +
                     b"]" * 5000 + b'},"sig":"x"}', token=jabal)
        deep = {"type": "meeting.convene", "by": "sahil", "at": jictest.stix_now(),
                "nonce": str(uuid.uuid4()), "coalition": self.coalition,
                "meeting": str(uuid.uuid4()), "title_en": "T",
                "title_ar": "ع", "participants": ["sahil"], "agenda": "@"}
        nest = b"[" * 1500 + b"]" * 1500
        sig = self.sign("sahil", canonical(deep).replace(b'"@"', nest))
        body = json.dumps({"act": deep, "sig": sig}).encode().replace(b'"@"', nest)
        self.refused(400, "'en'", "POST", "gov/acts", body, token=sahil)
        # a replay of an act already sequenced
        self.refused(422, "nonce reused", "POST", "gov/acts", invite, token=sahil)
        # -- the acts an invited party signs alone (anonymous): qamar has no
        # invitation in force (the proposal is pending), whoever signs
        for signer in ("qamar", "sahil"):
            for typ in ("member.accept", "member.decline"):
                self.refused(403, "no invitation in force", "POST", "gov/acts",
                             self.act(typ, by="qamar", signer=signer, ref=2), token="")
        self.refused(401, "token", "POST", "gov/acts",
                     self.act("member.invite", member={"id": "x", "name_en": "x",
                                                       "name_ar": "x"}), token="")
        self.too_big("gov/acts", token=sahil)
        self.too_big("gov/acts", token="", chunked=True)
        # -- methods
        for method in ("GET", "PUT", "DELETE", "PATCH", "OPTIONS"):
            self.refused(405, "method", method, "gov/acts", token=sahil)
            self.refused(405, "method", method, "gov/charter")
        for what in ("log", "state", "keys", "presidency", "meetings", "node-key"):
            self.refused(405, "method", "POST", "gov/" + what, {}, token=sahil)
            self.refused(405, "method", "DELETE", "gov/" + what, token=sahil)

    def chair_acts_refused(self):
        """The chair's acts and statement signatures, well signed, with fields
        of the wrong shape or size."""
        sahil, jabal = self.tok["sahil"], self.tok["jabal"]
        m, st = self.meeting, self.stmt
        zero_sig = base64.b64encode(b"\0" * 64).decode()
        draft = dict(statement=st, version=2, title_en="T", title_ar="T", text_en="x",
                     text_ar="x")

        def sign(**f):
            a = dict(statement=st, version=1, signed_at=jictest.stix_now(),
                     signature=zero_sig)
            a.update(f)
            return self.act("statement.sign", by="jabal", **a)

        def convene(**f):
            a = dict(meeting=str(uuid.uuid4()), title_en="S", title_ar="S",
                     participants=["sahil"])
            a.update(f)
            return self.act("meeting.convene", **a)

        for body, status, needle in [
            (convene(meeting="../../etc/passwd"), 400, "'meeting'"),
            (convene(meeting=m.upper()), 400, "'meeting'"),
            (convene(meeting=m), 422, "already convened"),
            (convene(title_en="t" * MB), 400, "longer than"),
            (convene(title_en=""), 400, "must not be empty"),
            (convene(title_en=["x"]), 400, "'title_en'"),
            (convene(when="noon"), 400, "'when'"),
            (convene(participants="sahil"), 400, "'participants'"),
            (convene(participants=[{"id": "sahil"}]), 400, "'participants'"),
            (convene(participants=["sahil", "sahil"]), 400, "listed twice"),
            (convene(participants=["nobody"]), 422, "not a member"),
            (convene(guests=["g%d" % i for i in range(1001)]), 400, "'guests'"),
            (convene(guests=["../x"]), 400, "'guests'"),
            (convene(agenda={"en": "x"}), 400, "'agenda'"),
            (convene(agenda=[{"en": 1, "ar": "x"}]), 400, "'en'"),
            (convene(agenda=["x"]), 400, "'en'"),
            (self.act("meeting.minutes", meeting=m, minutes_en="m" * 70000,
                      minutes_ar="x"), 400, "longer than"),
            (self.act("meeting.minutes", meeting=str(uuid.uuid4()), minutes_en="m",
                      minutes_ar="x"), 422, "no meeting"),
            (self.act("statement.draft", **dict(draft, version=1)), 422, "next version is 2"),
            (self.act("statement.draft", **dict(draft, version=2 ** 63 - 1)), 400,
             "'version'"),
            (self.act("statement.draft", **dict(draft, version=-1)), 400, "'version'"),
            (self.act("statement.draft", **dict(draft, required=[])), 400, "'required'"),
            (self.act("statement.draft", **dict(draft, required="sahil")), 400,
             "'required'"),
            (self.act("statement.draft", **dict(draft, required=["qamar"])), 422,
             "not a member"),
            (self.act("statement.draft", **dict(draft, meeting="x")), 400, "'meeting'"),
            (self.act("statement.draft", **dict(draft, text_en="x\x01y")), 400,
             "control character"),
            (self.act("statement.publish", statement=st, version=1), 422, "not met"),
            (self.act("statement.publish", statement=st, version=9), 422, "no version 9"),
        ]:
            with self.subTest(needle=needle):
                self.refused(status, needle, "POST", "gov/acts", body, token=sahil)
        for body, status, needle in [
            (sign(version=0), 400, "'version'"),
            (sign(version=2 ** 63 - 1), 400, "'version'"),
            (sign(version=2), 422, "no version 2"),
            (sign(statement="../" + st), 400, "'statement'"),
            (sign(signed_at="now"), 400, "'signed_at'"),
            (sign(signed_at="0001-01-01T00:00:00Z"), 422, "outside"),
            (sign(signed_at="9999-12-31T23:59:59Z"), 422, "outside"),
            (sign(signature="AAAA"), 400, "'signature'"),
            (sign(signature="A" * MB), 400, "'signature'"),
            (sign(signature=5), 400, "'signature'"),
            (sign(signature=zero_sig), 422, "statement signature does not verify"),
        ]:
            with self.subTest(needle=needle):
                self.refused(status, needle, "POST", "gov/acts", body, token=jabal)

    def reads_refused(self):
        sahil = self.tok["sahil"]
        # -- query parameters
        for params, needle in [
            ({"after": "abc"}, "'after'"), ({"after": "-1"}, "'after'"),
            ({"after": ""}, "'after'"), ({"after": "1e3"}, "'after'"),
            ({"after": " 1"}, "'after'"), ({"after": "+1"}, "'after'"),
            ({"after": "0x10"}, "'after'"), ({"after": "1\0"}, "'after'"),
            ({"after": "99999999999999999999"}, "'after'"),
            ({"after": "9" * 5000}, "'after'"),
            ({"limit": "-5"}, "'limit'"), ({"limit": "0"}, "'limit'"),
            ({"limit": "abc"}, "'limit'"), ({"limit": "99999999999"}, "'limit'"),
            ({"limit": "18446744073709551617"}, "'limit'"),
        ]:
            self.refused(400, needle, "GET", "gov/log", params=params, token=sahil)
        r = self.send("GET", "gov/log", params={"after": "9223372036854775807"}, token=sahil)
        self.assertEqual((r.status, r.json), (200, {"entries": [], "more": False}), r)
        for at in ("abc", "2026-13-45", "2026-01-01T25:00:00Z", "", "9" * 5000,
                   "2026-01-01T00:00:00.0000000000000000000Z" + "junk",
                   "2026-01-01T00:00:00Z\0"):
            self.refused(400, "'at'", "GET", "gov/presidency", params={"at": at}, token=sahil)
        self.refused(400, "'at' 0001-01-01T00:00:00Z is before the first term", "GET",
                     "gov/presidency", params={"at": "0001-01-01"}, token=sahil)
        for params in ({"limit": "-5"}, {"limit": "0"}, {"limit": "abc"},
                       {"limit": "99999999999"}, {"limit": "18446744073709551617"},
                       {"limit": " 5"}):
            self.refused(400, "limit", "GET", "audit", params=params)
        for coll in ("../../etc/passwd", "c" * 5000, "", "%00", "' OR 1=1 --"):
            self.refused(404, "no such collection", "GET", "audit",
                         params={"collection": coll})
        self.refused(400, "'collection' holds a NUL", "GET", "audit",
                     params={"collection": "x\0y"})
        r = self.send("GET", "archive", params={"limit": "-5", "x": "../../"}, token=sahil)
        self.assertEqual(r.status, 200, r)
        r = self.send("GET", "gov/log", params=[("p%d" % i, "x") for i in range(200)])
        self.assertIn(r.status, (200, 400), r)
        # the reads answer what is there ...
        r = self.send("GET", "gov/meetings/" + self.meeting, token=sahil)
        self.assertEqual(r.status, 200, r)
        r = self.send("GET", "gov/statements/" + self.stmt, token=sahil)
        self.assertEqual(r.status, 200, r)
        # -- paths: unknown, traversal, overlong ids, too many segments
        for path in ("gov/meetings/" + "m" * 5000, "gov/meetings/..%2F..%2Fetc",
                     "gov/statements/" + "s" * 5000, "gov/statements/%00",
                     "gov/statements", "gov/meetings/a/b", "gov/statements/a/b",
                     "gov/log/1", "gov/keys/x", "gov/nothing", "gov/a/b/c/d/e/f/g/h",
                     "gov/" + "x" * 5000, "audit/x", "archive/x", "archive/../gov/log",
                     "gov/presidency/x", "gov/meetings/%C3%28", "gov/statements/%2e%2e",
                     "gov/node-key/x", "gov/state/x"):
            r = self.send("GET", path, token=sahil)
            self.assertEqual(r.status, 404, "%s: %r" % (path, r))
            self.assertIn("no such", r.json.get("description", ""), r)
        for path in ("/jic/v1/gov/../audit", "/jic/v1//gov/log", "/jic/v1/gov//log",
                     "/jic/v1/gov/meetings/../../archive"):
            r = self.send("GET", path, token=sahil, raw_path=True)
            self.assertIn(r.status, (400, 404), "%s: %r" % (path, r))
            self.assertIn("description", r.json, r)
        # -- methods on the read-only resources
        for method in ("POST", "PUT", "DELETE"):
            self.refused(405, "read-only", method, "audit", {} if method != "DELETE" else None)
            self.refused(405, "read-only", method, "archive",
                         {} if method != "DELETE" else None)
        # -- credentials
        for path in ("gov/log", "gov/state", "gov/keys", "gov/node-key", "audit", "archive"):
            self.refused(401, "", "GET", path, token="jic_" + "B" * 40)
        for path in ("gov/log", "gov/state", "gov/keys", "audit", "archive"):
            self.refused(401, "authentication required", "GET", path, token="")
        self.refused(403, "admins and delegates", "GET", "audit", token=self.analyst)
        for authz in ("Basic !!!", "Basic " + base64.b64encode(b"no-colon").decode(),
                      "Bearer " + "x" * 10000, "Bearer", "Digest abc", "Basic " + "A" * 5000):
            for method, path in (("GET", "/jic/v1/gov/log"), ("POST", "/jic/v1/gov/acts"),
                                 ("GET", "/jic/v1/audit"), ("GET", "/jic/v1/archive")):
                r = self.n.request(method, path, body=b"{}" if method == "POST" else None,
                                   auth=authz, accept=JSON, content_type=JSON)
                self.assertEqual(r.status, 401, "%s %s %s: %r" % (authz[:20], method, path, r))
                self.assertEqual(r.json.get("http_status"), "401", r)


if __name__ == "__main__":
    jictest.main()
