#!/usr/bin/env python3
"""Verify the carrier registry's audit proofs offline, without the registry (no Django): only the
Python standard library and the `cryptography` package (for Ed25519).

    verify_audit_proof.py --public-key audit-signing-key.pem.pub proof.json
    verify_audit_proof.py --public-key KEY.pub "RACP1;..."            (a register's QR code text)
    verify_audit_proof.py --public-key KEY.pub "RACP1;..." --consistency proof.json
    verify_audit_proof.py --public-key KEY.pub --checkpoints audit-checkpoints.jsonl

A proof (inclusion of an event, consistency of two checkpoints) comes from the registry's API
(/api/v1/audit/proofs/...). A QR code's checkpoint is checked for its signature; with a consistency
proof from it to a newer checkpoint, the tool also says that the newer trail still contains it.
Exit status: 0 it holds, 1 it does not, 2 bad input (unreadable key or proof)."""

import argparse
import base64
import hashlib
import json
import sys

QR_PREFIX = "RACP1"
MESSAGE_PREFIX = "registry-audit-checkpoint v1"


# --- RFC 6962 / RFC 9162 ---------------------------------------------------------------------

def leaf_hash(leaf):
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf, index, size, path, root):
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf_hash(leaf)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old, new, old_root, new_root, path):
    if not 0 < old <= new:
        return False
    if old == new:
        return not path and old_root == new_root
    if not path:
        return False
    if old & (old - 1) == 0:
        path = [old_root, *path]
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- checkpoints -------------------------------------------------------------------------------

def checkpoint_from_dict(d):
    return {"seq": int(d["seq"]), "head": str(d["head"]).lower(), "root": str(d["root"]).lower(),
            "at": str(d["at"]), "key_id": str(d.get("key_id", "")), "signature": str(d["signature"])}


def checkpoint_from_qr(text):
    parts = text.strip().split(";")
    if len(parts) != 7 or parts[0] != QR_PREFIX:
        raise ValueError("not a checkpoint of the audit trail (RACP1;seq;head;root;time;key;signature)")
    return checkpoint_from_dict(dict(zip(["seq", "head", "root", "at", "key_id", "signature"], parts[1:], strict=True)))


def signature_holds(cp, public_key):
    from cryptography.exceptions import InvalidSignature

    message = f"{MESSAGE_PREFIX}\nseq={cp['seq']}\nhead={cp['head']}\nroot={cp['root']}\nat={cp['at']}\n"
    try:
        public_key.verify(base64.b64decode(cp["signature"], validate=True), message.encode("ascii"))
        return True
    except (InvalidSignature, ValueError):
        return False


def load_public_key(path):
    from cryptography.hazmat.primitives import serialization

    with open(path, "rb") as handle:
        data = handle.read()
    if b"PRIVATE KEY" in data:
        return serialization.load_pem_private_key(data, password=None).public_key()
    return serialization.load_pem_public_key(data)


def check_proof(proof, key):
    kind = proof.get("type")
    if kind == "inclusion":
        cp = checkpoint_from_dict(proof["checkpoint"])
        if not signature_holds(cp, key):
            return False, "the checkpoint's signature does not verify with this key"
        if int(proof["size"]) != cp["seq"]:
            return False, "the proof is not against this checkpoint"
        ok = verify_inclusion(bytes.fromhex(proof["leaf"]), int(proof["index"]), cp["seq"],
                              [bytes.fromhex(p) for p in proof["path"]], bytes.fromhex(cp["root"]))
        return (ok, f"event {proof['seq']} (hash {proof['leaf']}) is in the trail signed at checkpoint {cp['seq']}"
                if ok else "the inclusion proof does not verify")
    if kind == "consistency":
        old, new = checkpoint_from_dict(proof["old"]), checkpoint_from_dict(proof["new"])
        if not (signature_holds(old, key) and signature_holds(new, key)):
            return False, "a checkpoint's signature does not verify with this key"
        ok = verify_consistency(old["seq"], new["seq"], bytes.fromhex(old["root"]), bytes.fromhex(new["root"]),
                                [bytes.fromhex(p) for p in proof["path"]])
        return (ok, f"checkpoint {new['seq']} extends checkpoint {old['seq']}" if ok
                else "the consistency proof does not verify")
    return False, "unknown proof type"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("proof", nargs="?", help="proof file (JSON), '-' for standard input, or a QR code's text")
    parser.add_argument("--public-key", required=True, help="the checkpoint key's public key (PEM)")
    parser.add_argument("--consistency", help="with a QR code: a consistency proof from it to a newer checkpoint")
    parser.add_argument("--checkpoints", help="a checkpoint file (JSON lines): every signature must verify")
    args = parser.parse_args(argv)
    try:
        key = load_public_key(args.public_key)
    except (OSError, ValueError) as exc:
        print(f"ERROR: cannot read the public key: {exc}", file=sys.stderr)
        return 2
    try:
        if args.checkpoints:
            with open(args.checkpoints, encoding="utf-8") as handle:
                entries = [checkpoint_from_dict(json.loads(line)) for line in handle if line.strip()]
            for cp in entries:
                if not signature_holds(cp, key):
                    print(f"BROKEN: checkpoint {cp['seq']}'s signature does not verify", file=sys.stderr)
                    return 1
            print(f"OK {len(entries)} checkpoints carry good signatures")
            if not args.proof:
                return 0
        if not args.proof:
            parser.error("give a proof or a QR code's text")
        text = args.proof
        if text == "-":
            text = sys.stdin.read()
        elif not text.startswith(QR_PREFIX):
            with open(text, encoding="utf-8") as handle:
                text = handle.read()
        text = text.strip()
        if text.startswith(QR_PREFIX):
            cp = checkpoint_from_qr(text)
            if not signature_holds(cp, key):
                print("BROKEN: the checkpoint's signature does not verify with this key", file=sys.stderr)
                return 1
            if not args.consistency:
                print(f"OK checkpoint {cp['seq']} is signed by this key (head {cp['head']}, root {cp['root']}); "
                      "give --consistency to check the trail still contains it")
                return 0
            with open(args.consistency, encoding="utf-8") as handle:
                proof = json.load(handle)
            if proof.get("type") != "consistency" or checkpoint_from_dict(proof["old"]) != cp:
                print("BROKEN: the consistency proof does not start at this checkpoint", file=sys.stderr)
                return 1
            ok, message = check_proof(proof, key)
        else:
            ok, message = check_proof(json.loads(text), key)
    except (OSError, KeyError, TypeError, ValueError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 2
    if not ok:
        print(f"BROKEN: {message}", file=sys.stderr)
        return 1
    print(f"OK {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
