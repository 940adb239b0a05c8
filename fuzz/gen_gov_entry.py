#!/usr/bin/env python3
"""gen_gov_entry.py — makes the governance log fuzz_gov_entry.c starts from
and the seeds of corpus/gov_entry/, as an HQ node writes them
(docs/governance.md, "Log"): canonical JSON, BLAKE2b-256 chain, Ed25519
signatures of the acting member and of the HQ.

Run it after a change to the act or entry format:

    python3 fuzz/gen_gov_entry.py

It rewrites the prefix[] array of fuzz_gov_entry.c and every seed it names.
The keys are derived from fixed names, so the output is the same on every
run: they are test keys, never a real member's. Signs with openssl."""

import base64
import hashlib
import json
import os
import re
import subprocess
import tempfile
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.join(HERE, "fuzz_gov_entry.c")
SEEDS = os.path.join(HERE, "corpus", "gov_entry")
# PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410).
PKCS8 = bytes.fromhex("302e020100300506032b657004220420")
MEETING = "6f1a3e2c-1b2d-4c5e-8f90-0123456789ab"
STATEMENT = "7a2b4c6d-8e0f-4a1b-9c2d-3e4f5a6b7c8d"
ZERO = "0" * 64
T0 = datetime(2026, 12, 3, 8, 37, 7, 500000, tzinfo=timezone.utc)


def canon(v):
    """docs/governance.md's canonical JSON (RFC 8785 for these ASCII keys)."""
    return json.dumps(v, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def digest(entry):
    return hashlib.blake2b(canon(entry), digest_size=32).hexdigest()


class Key:
    def __init__(self, name):
        self.seed = hashlib.blake2b(b"jic fuzz key " + name.encode(),
                                    digest_size=32).digest()
        der = self.openssl(["pkey", "-inform", "DER", "-pubout", "-outform", "DER"], None)
        self.pk = "ed25519:" + base64.b64encode(der[-32:]).decode()

    def openssl(self, args, msg):
        with tempfile.TemporaryDirectory() as tmp:
            der, m = os.path.join(tmp, "k.der"), os.path.join(tmp, "m")
            with open(der, "wb") as f:
                f.write(PKCS8 + self.seed)
            if msg is not None:
                with open(m, "wb") as f:
                    f.write(msg)
                args = args + ["-inkey", der, "-keyform", "DER", "-rawin", "-in", m]
            else:
                args = args + ["-in", der]
            return subprocess.run(["openssl"] + args, check=True,
                                  stdout=subprocess.PIPE).stdout

    def sign(self, msg):
        return base64.b64encode(self.openssl(["pkeyutl", "-sign"], msg)).decode()


KEYS = {n: Key(n) for n in ("hq", "a", "b", "c", "x", "i", "o", "rogue")}
KEYS["node:hq-node"] = KEYS["hq"]  # the charter is the HQ node's act


def ts(ms):
    return (T0 + timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def nonce(tag):
    h = hashlib.blake2b(tag.encode(), digest_size=16).hexdigest()
    return "%s-%s-4%s-8%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])


class Log:
    """Entries as the HQ sequences them, one millisecond apart."""

    def __init__(self):
        self.entries = []
        self.ms = 0

    def entry(self, seq, act, signer=None, at=None, sig=None):
        """The entry at seq after the log as it stands (not added); sig, when
        given, stands for the act's signature (and the HQ signs it)."""
        self.ms += 1
        prev = digest(self.entries[seq - 2]) if seq > 1 else ZERO
        act = dict(act, at=ts(self.ms - 0.5), nonce=nonce("%d %s" % (self.ms, act["type"])))
        if act["type"] != "charter" and "coalition" not in act:
            act["coalition"] = digest(self.entries[0])  # the hash of the charter entry
        e = {"act": act, "at": at or ts(self.ms), "prev": prev, "seq": seq,
             "sig": sig or KEYS[signer or act["by"]].sign(canon(act))}
        e["hq_sig"] = KEYS["hq"].sign(canon(e))
        return e

    def add(self, act):
        self.entries.append(self.entry(len(self.entries) + 1, act))

    def next(self, act, signer=None, at=None, sig=None):
        return self.entry(len(self.entries) + 1, act, signer, at, sig)


def statement_signature(log, signer, signed_at):
    """signer's signature of version 1 of the draft at entry 4 (docs/governance.md,
    "Joint statements": M = canonical({statement: D, signer, signed_at}))."""
    d = log.entries[3]["act"]
    doc = {"coalition": digest(log.entries[0]), "statement": STATEMENT, "version": 1,
           "title_en": d["title_en"], "title_ar": d["title_ar"], "text_en": d["text_en"],
           "text_ar": d["text_ar"], "required": ["a", "b", "c"]}
    return KEYS[signer].sign(canon({"statement": doc, "signer": signer,
                                    "signed_at": signed_at}))


def sign_act(log, signer):
    signed_at = ts(log.ms)
    return {"type": "statement.sign", "by": signer, "statement": STATEMENT, "version": 1,
            "signed_at": signed_at, "signature": statement_signature(log, signer, signed_at)}


def member(mid, name_en, name_ar, kind):
    return {"id": mid, "name_en": name_en, "name_ar": name_ar, "kind": kind,
            "key": KEYS[mid].pk}


def prefix():
    """Charter (full a, b, c; associate x; admit by the chair, publish by
    majority), i invited, a meeting, a draft statement, b's and c's signatures."""
    log = Log()
    log.add({"type": "charter", "by": "node:hq-node", "name_en": "Coalition",
             "name_ar": "التحالف", "first_term_start": "2020-01-01", "term_months": 120,
             "hq_node": "hq-node", "hq_key": KEYS["hq"].pk, "hq_member": "a",
             "rules": {"admit": "chair", "suspend": "consensus", "expel": "consensus",
                       "publish": "majority", "dissolve": "consensus"},
             "members": [member("a", "A", "أ", "full"), member("b", "B", "ب", "full"),
                         member("c", "C", "ج", "full"),
                         member("x", "X", "س", "associate")]})
    log.add({"type": "member.invite", "by": "a", "member": member("i", "I", "ي", "full"),
             "expires": "2099-01-01T00:00:00Z"})
    log.add({"type": "meeting.convene", "by": "a", "meeting": MEETING,
             "title_en": "Meeting", "title_ar": "اجتماع", "when": "2026-12-10T10:00:00Z",
             "participants": ["a", "b", "c"], "guests": ["guest"],
             "agenda": [{"en": "Floods", "ar": "الفيضانات"}]})
    log.add({"type": "statement.draft", "by": "a", "statement": STATEMENT,
             "meeting": MEETING, "version": 1, "title_en": "Statement", "title_ar": "بيان",
             "text_en": "We agree.", "text_ar": "نحن متفقون."})
    log.add(sign_act(log, "b"))
    log.add(sign_act(log, "c"))
    return log


def seeds(log):
    """name -> bytes. Entries at seq 7 that apply, that are refused for what
    they say, and byte-level damage to one good entry (a's signature)."""
    txt = lambda e: canon(e)
    out = {
        "charter": txt(log.entries[0]),
        "invite_held": txt(log.entries[1]),
        "draft_held": txt(log.entries[3]),
        "not_object": b"[7]",
    }
    good = {
        "accept": ({"type": "member.accept", "by": "i", "ref": 2}, None),
        "decline": ({"type": "member.decline", "by": "i", "ref": 2}, None),
        "accredit": ({"type": "adviser.accredit", "by": "b", "account": "b-del",
                      "host": "c", "from": "2020-01-01T00:00:00Z",
                      "until": "2099-01-01T00:00:00Z"}, None),
        "dissolve": ({"type": "dissolve", "by": "c", "reason": "done"}, None),
        "expel": ({"type": "member.expel", "by": "b", "member": "x"}, None),
        "suspend": ({"type": "member.suspend", "by": "a", "member": "b", "reason": "سبب"},
                    None),
        "withdraw": ({"type": "member.withdraw", "by": "x", "reason": "done"}, None),
        "minutes": ({"type": "meeting.minutes", "by": "a", "meeting": MEETING,
                     "minutes_en": "Agreed.", "minutes_ar": "تم الاتفاق."}, None),
        "invite": ({"type": "member.invite", "by": "a",
                    "member": member("o", "O", "و", "observer"),
                    "expires": "2099-01-01T00:00:00Z"}, None),
        "draft_v2": ({"type": "statement.draft", "by": "a", "statement": STATEMENT,
                      "version": 2, "title_en": "Statement", "title_ar": "بيان",
                      "text_en": "We agree again.", "text_ar": "نحن متفقون مجددا.",
                      "required": ["a", "b"]}, None),
        "publish": ({"type": "statement.publish", "by": "a", "statement": STATEMENT,
                     "version": 1}, None),
        "sign": (sign_act(log, "a"), None),
        # refused: the signer may not, or the act says what cannot be
        "rogue_accept_other_key": ({"type": "member.accept", "by": "i", "ref": 2},
                                   "rogue"),
        "rogue_decline_other_key": ({"type": "member.decline", "by": "i", "ref": 2},
                                    "rogue"),
        "rogue_accept_wrong_ref": ({"type": "member.accept", "by": "i", "ref": 5}, None),
        "rogue_approve": ({"type": "approve", "by": "c", "ref": 3}, None),
        "rogue_charter_again": ({"type": "charter", "by": "a", "name_en": "C",
                                 "name_ar": "ج", "hq_key": KEYS["a"].pk}, None),
        "rogue_convene": ({"type": "meeting.convene", "by": "b", "meeting": MEETING,
                           "title_en": "M", "title_ar": "م", "when": "2026-12-10T10:00:00Z",
                           "participants": ["b"], "guests": []}, None),
        "rogue_publish_v2": ({"type": "statement.publish", "by": "a",
                              "statement": STATEMENT, "version": 2}, None),
        "rogue_sig_key": ({"type": "meeting.minutes", "by": "a", "meeting": MEETING,
                           "minutes_en": "M", "minutes_ar": "م"}, "b"),
        "rogue_sign_bad": (dict(sign_act(log, "a"), signature=base64.b64encode(
            bytes(64)).decode()), None),
        "rogue_sign_early": (dict(sign_act(log, "a"), signed_at="2026-12-03T00:00:00Z"),
                             None),
        "rogue_unknown_type": (dict(sign_act(log, "a"), type="statement.escrow"), None),
        "rogue_unknown_field": ({"type": "member.withdraw", "by": "x", "reason": "done",
                                 "note": "x"}, None),
    }
    for name, (act, signer) in good.items():
        out[name] = txt(log.next(act, signer))
    # the charter again, damaged or out of place
    c = json.loads(out["charter"])
    c["act"]["term_months"] = 12
    out["charter_altered"] = txt(c)
    c = json.loads(out["charter"])
    c.update(seq=2, prev=digest(log.entries[0]))
    c["hq_sig"] = KEYS["hq"].sign(canon({k: v for k, v in c.items() if k != "hq_sig"}))
    out["charter_seq2"] = txt(c)
    c = json.loads(out["charter"])
    out["charter_spaced"] = json.dumps(dict(reversed(list(c.items()))), indent=2,
                                       ensure_ascii=False).encode()
    out["at_before"] = txt(log.next(sign_act(log, "a"), at="2020-01-01T00:00:00.000000Z"))
    out["bad_act_sig"] = txt(log.next(sign_act(log, "a"), sig=base64.b64encode(
        bytes(64)).decode()))
    # byte-level damage to a good entry
    s = out["sign"]
    e = json.loads(s)
    flip = lambda v: ("B" if v[0] != "B" else "C") + v[1:]
    sub = lambda old, new: s.replace(old.encode(), new.encode(), 1)
    out.update({
        "act_float": sub('"version":1', '"version":1.5'),
        "act_nfd": sub('"by":"a"', '"by":"e\u0301"'),
        "act_not_object": s.replace(b'"act":{', b'"act":[{', 1).replace(b'},"at"', b'}],"at"', 1),
        "at_bad": sub('"at":"%s"' % e["at"], '"at":"2026-13-03T00:00:00Z"'),
        "bad_hq_sig": sub(e["hq_sig"], flip(e["hq_sig"])),
        "dup_keys": b'{"seq":7,' + s[1:],
        "extra_field": s[:-1] + b',"note":"x"}',
        "no_hq_sig": sub('"hq_sig":"%s",' % e["hq_sig"], ""),
        "nul_inside": sub('"at":"2026-1', '"at":"2026-1\0'),
        "prev_upper": sub(e["prev"], e["prev"].upper()),
        "prev_wrong": sub(e["prev"], "f" * 64),
        "seq_gap": sub('"seq":7', '"seq":8'),
        "seq_real": sub('"seq":7', '"seq":7.0'),
        "seq_zero": sub('"seq":7', '"seq":0'),
        "truncated": s[:len(s) // 2],
    })
    return out


def c_literals(text, width=86):
    """text as adjacent C string literals of at most width characters each."""
    out, cur = [], ""
    for ch in text:
        esc = {'"': '\\"', "\\": "\\\\"}.get(ch, ch)
        if len(cur) + len(esc) > width:
            out.append(cur)
            cur = ""
        cur += esc
    out.append(cur)
    return "\n".join('    "%s"' % p for p in out) + ","


def main():
    log = prefix()
    src = open(HARNESS, encoding="utf-8").read()
    body = "\n".join(c_literals(canon(e).decode()) for e in log.entries)
    src = re.sub(r"(static const char \*const prefix\[\] = \{\n).*?(\n\};)",
                 lambda m: m.group(1) + body + m.group(2), src, count=1, flags=re.S)
    with open(HARNESS, "w", encoding="utf-8") as f:
        f.write(src)
    for name, data in seeds(log).items():
        with open(os.path.join(SEEDS, name + ".json"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
