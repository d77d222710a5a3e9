"""The RFC 6962 / RFC 9162 Merkle tree of the trail: roots, inclusion and consistency proofs against a
straightforward recursive implementation of the RFC's definitions; tampered proofs fail."""

import hashlib

import pytest

from audit import merkle


def mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 6962 2.1 defines it."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def rfc_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 2.1.1."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return rfc_path(m, leaves[:k]) + [mth(leaves[k:])]
    return rfc_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def rfc_subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 6962 2.1.2."""
    n = len(leaves)
    if m == n:
        return [] if b else [mth(leaves)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return rfc_subproof(m, leaves[:k], b) + [mth(leaves[k:])]
    return rfc_subproof(m - k, leaves[k:], False) + [mth(leaves[:k])]


LEAVES = [hashlib.sha256(str(i).encode()).digest() for i in range(40)]


def subtree_of(leaves):
    return lambda start, end: mth(leaves[start:end])


def test_known_answers_of_the_rfc():
    assert merkle.root_of([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert merkle.root_of([b""]).hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"


@pytest.mark.parametrize("n", list(range(0, 40)))
def test_root_and_frontier_match_the_recursive_definition(n):
    assert merkle.root_of(LEAVES[:n]) == mth(LEAVES[:n])
    # the frontier grows incrementally: the same root whatever the steps
    frontier = merkle.extend_frontier([], LEAVES[: n // 3])
    frontier = merkle.extend_frontier(merkle.frontier_from_json(merkle.frontier_to_json(frontier)), LEAVES[n // 3:n])
    assert merkle.frontier_root(frontier) == mth(LEAVES[:n]) and merkle.frontier_size(frontier) == n


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 9, 16, 31, 40])
def test_inclusion_proofs_match_the_rfc_and_verify(n):
    leaves, root = LEAVES[:n], mth(LEAVES[:n])
    for m in range(n):
        path = merkle.inclusion_path(m, n, subtree_of(leaves))
        assert path == rfc_path(m, leaves)
        assert merkle.verify_inclusion(leaves[m], m, n, path, root)
        assert not merkle.verify_inclusion(LEAVES[39] if m != 39 else LEAVES[0], m, n, path, root)
        if path:
            tampered = [bytes(32)] + path[1:]
            assert not merkle.verify_inclusion(leaves[m], m, n, tampered, root)
            assert not merkle.verify_inclusion(leaves[m], m, n, path[:-1], root)
            assert not merkle.verify_inclusion(leaves[m], m, n, path + [bytes(32)], root)


@pytest.mark.parametrize("new", [1, 2, 3, 4, 6, 7, 8, 13, 16, 33, 40])
def test_consistency_proofs_match_the_rfc_and_verify(new):
    leaves = LEAVES[:new]
    for old in range(1, new + 1):
        path = merkle.consistency_path(old, new, subtree_of(leaves))
        assert path == (rfc_subproof(old, leaves, True) if old < new else [])
        assert merkle.verify_consistency(old, new, mth(LEAVES[:old]), mth(leaves), path)
        if old < new:
            assert not merkle.verify_consistency(old, new, mth(LEAVES[1:old + 1]), mth(leaves), path)
            assert not merkle.verify_consistency(old, new, mth(LEAVES[:old]), mth(LEAVES[1:new + 1]), path)
            tampered = [hashlib.sha256(path[0]).digest()] + path[1:]
            assert not merkle.verify_consistency(old, new, mth(LEAVES[:old]), mth(leaves), tampered)


def test_proof_arguments_out_of_range_are_refused():
    with pytest.raises(ValueError):
        merkle.inclusion_path(5, 5, subtree_of(LEAVES))
    with pytest.raises(ValueError):
        merkle.consistency_path(6, 5, subtree_of(LEAVES))
    assert not merkle.verify_consistency(0, 5, b"", b"", [])
    assert not merkle.verify_inclusion(LEAVES[0], 3, 3, [], b"")
