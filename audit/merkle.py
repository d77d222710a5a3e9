"""The Merkle tree of the audit trail (RFC 6962 / RFC 9162 section 2.1): its leaves are the events'
chain hashes (32 bytes each, seq 1..n), leaf hash = SHA-256(0x00 || leaf), node hash =
SHA-256(0x01 || left || right), a tree of n leaves split at the largest power of two below n.

Standard library only: tools/verify_audit_proof.py carries its own copy of the verifying half
(it must run without Django); tests compare both with a plain recursive implementation.

Building: a compact "frontier" (the roots of the perfect subtrees that make up the first n leaves,
largest first, at most log2(n) of them) is kept with each checkpoint, so the next checkpoint's
root costs only the events since (O(n) once over the history). Proofs: the hashes of the
subtrees a proof needs, each computed from its range of events (audit.chain.iter_chain)."""

import hashlib
from collections.abc import Callable, Iterable

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two strictly below n (n >= 2)."""
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


# --- building: the frontier -------------------------------------------------------------------


def extend_frontier(frontier: list[tuple[int, bytes]], leaves: Iterable[bytes]) -> list[tuple[int, bytes]]:
    """frontier: [(size, hash)] of perfect subtrees, sizes strictly decreasing powers of two.
    Returns the frontier after appending `leaves` (raw leaf data)."""
    stack = list(frontier)
    for leaf in leaves:
        size, h = 1, leaf_hash(leaf)
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, h = size + left_size, node_hash(left, h)
        stack.append((size, h))
    return stack


def frontier_root(frontier: list[tuple[int, bytes]]) -> bytes:
    """The RFC 6962 root of the tree whose perfect subtrees are `frontier`."""
    if not frontier:
        return EMPTY_ROOT
    h = frontier[-1][1]
    for _size, left in reversed(frontier[:-1]):
        h = node_hash(left, h)
    return h


def frontier_size(frontier) -> int:
    return sum(size for size, _h in frontier)


def frontier_to_json(frontier) -> list[list]:
    return [[size, h.hex()] for size, h in frontier]


def frontier_from_json(data) -> list[tuple[int, bytes]]:
    return [(int(size), bytes.fromhex(h)) for size, h in data or []]


def root_of(leaves: list[bytes]) -> bytes:
    return frontier_root(extend_frontier([], leaves))


# --- proofs (RFC 9162 2.1.3 and 2.1.4), over a function giving a subtree's hash ------------------

# subtree(start, end) -> the hash of leaves [start, end) (0-based): computed by the caller from
# the events in that range (or from a list in tests)
Subtree = Callable[[int, int], bytes]


def inclusion_path(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf `index` in the tree of the first `size` leaves."""
    if not 0 <= index < size:
        raise ValueError("leaf index outside the tree")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = split(end - start)
        if index < start + k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start = start + k
    path.reverse()
    return path


def consistency_path(old: int, new: int, subtree: Subtree) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 2.1.2: the old tree (first `old` leaves) is a prefix of the new."""
    if not 0 < old <= new:
        raise ValueError("sizes out of order")
    if old == new:
        return []
    out: list[bytes] = []

    def subproof(m, start, end, whole):
        n = end - start
        if m == n:
            if not whole:
                out.append(subtree(start, end))
            return
        k = split(n)
        if m <= k:
            subproof(m, start, start + k, whole)
            out.append(subtree(start + k, end))
        else:
            subproof(m - k, start + k, end, False)
            out.append(subtree(start, start + k))

    subproof(old, 0, new, True)
    return out


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf_hash(leaf)
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


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, path: list[bytes]) -> bool:
    """RFC 9162 2.1.4.2."""
    if not 0 < old <= new:
        return False
    if old == new:
        return not path and old_root == new_root
    if not path:
        return False
    if old & (old - 1) == 0:  # old is a power of two: its root starts the path
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
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
