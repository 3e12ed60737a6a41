"""Text fingerprints: exact keys, MinHash signatures, LSH bands, similarity, representatives.

Pure functions only (no database, no network); stages/dedupe.py runs them over a
batch and store/dedupe.py persists what they compute. Shingles are 3 consecutive
tokens, a token being a word or a single character in Chinese/Japanese/Korean script
(no spaces to split on), so one code path serves English, Italian and Japanese. The
LSH index has whole-text bands (copies with small edits, Jaccard >= 0.5) and
lead-paragraph bands (truncated copies, whose Jaccard with the full article can be
0.2 but whose first paragraphs are the same). Candidates are verified on the real
texts: Jaccard >= 0.5, or containment of the shorter text >= 0.6; two outlets' own
reports of one deal share names and figures, not runs of three words, so they stay
apart. A duplicate group's representative is the earliest published, then longest,
then lowest id.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
# CJK scripts have no spaces: each character is a token; other scripts split on spaces.
_TOKEN = re.compile(f"[{_CJK}]|[^\\s{_CJK}]+")


# Anything that is not a letter or digit (punctuation, symbols, separators, controls,
# and also combining marks, which NFKC has mostly composed away) separates tokens.
# The definition of the normalised text (and so of every stored text_hash) is
#     _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
# _normalised_utf8 computes exactly that, faster: the regex over every character
# was most of the cost of loading an article.
_NON_WORD = re.compile(r"[\W_]+")
# Byte tables built from _NON_WORD itself, so they cannot disagree with it. ASCII
# text is already NFKC, and its casefold is per character; bytes >= 128 (UTF-8 of
# other characters) pass through unchanged.
_ASCII_FOLDED = bytes(32 if _NON_WORD.match(chr(i)) else ord(chr(i).casefold())
                      for i in range(128)) + bytes(range(128, 256))
_ASCII_SEPARATED = bytes(32 if _NON_WORD.match(chr(i)) else i
                         for i in range(128)) + bytes(range(128, 256))
_ASCII_BYTES = bytes(range(128))
_SPACE_RUNS = re.compile(rb"  +")
# Mostly-ASCII text gets one bytes.replace pass per distinct non-ASCII separator
# (quotes, dashes); with more kinds than this, the single regex pass is cheaper.
_MAX_SEPARATOR_KINDS = 24


def normalise_text(text: str | None) -> str:
    """NFKC, case-folded, punctuation and symbols turned into spaces, whitespace collapsed."""
    return _normalised_utf8(text).decode("utf-8")


def text_hash(text: str | None) -> bytes:
    """Exact-copy key: sha256 of the normalised body text."""
    return hashlib.sha256(_normalised_utf8(text)).digest()


def _normalised_utf8(text: str | None) -> bytes:
    if not text:
        return b""
    if text.isascii():
        separated = text.encode("ascii").translate(_ASCII_FOLDED)
    else:
        separated = _separated_unicode(unicodedata.normalize("NFKC", text).casefold())
    return _SPACE_RUNS.sub(b" ", separated).strip(b" ")


def _separated_unicode(folded: str) -> bytes:
    """UTF-8 of folded with every _NON_WORD character replaced by a space."""
    # surrogatepass: a lone surrogate (valid JSON) is a separator, never an encoding error
    data = folded.encode("utf-8", "surrogatepass")
    if len(data) - len(folded) <= len(folded) // 2:  # mostly ASCII
        data = data.translate(_ASCII_SEPARATED)
        others = data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")
        separators = [char for char in set(others) if _NON_WORD.match(char)]
        if len(separators) <= _MAX_SEPARATOR_KINDS:
            # UTF-8 is self-synchronising: a character's bytes only match at character boundaries
            for char in separators:
                data = data.replace(char.encode("utf-8", "surrogatepass"), b" ")
            return data
    # mostly another script (CJK, Cyrillic), or many kinds of separators: one regex pass is cheaper
    return _NON_WORD.sub(" ", folded).encode("utf-8")


def tokens(text: str | None) -> list[str]:
    """Words of the normalised text; each CJK character is its own token."""
    return _TOKEN.findall(normalise_text(text))


# Below this, a "text" is usually a paywall or cookie notice shared by unrelated pages.
MIN_TEXT_TOKENS = 20


def is_dedupable(text: str | None, text_tokens: list[str] | None = None) -> bool:
    """True when the text is long enough for its copies to mean the same article."""
    return len(tokens(text) if text_tokens is None else text_tokens) >= MIN_TEXT_TOKENS


# --------------------------------------------------------------------------- MinHash + LSH

# Word 3-grams (or 3 CJK characters): long enough that unrelated news shares almost
# none, short enough that a changed word costs only three shingles.
SHINGLE_SIZE = 3
NUM_PERM = 96
BANDS, ROWS = 32, 3           # P(candidate) is 0.986 at Jaccard 0.5, 0.03 at 0.1
LEAD_PERM = 24
LEAD_BANDS, LEAD_ROWS = 6, 4  # per lead paragraph: 0.99 at 0.85, ~1e-6 at 0.02
LEAD_BAND_BASE = 100          # lead keys use band numbers 100.. in lsh_buckets
LEAD_PARAGRAPHS = 2
LEAD_MIN_TOKENS, LEAD_MAX_TOKENS = 15, 80
_SEED, _LEAD_SEED = 1, 2
_MAIN_BANDS = tuple(range(BANDS))
_LEAD_BAND_IDS = tuple(range(LEAD_BAND_BASE, LEAD_BAND_BASE + LEAD_BANDS))
_SIG_FORMAT = 1


@dataclass(frozen=True, eq=False)
class Signature:
    """MinHash of the whole text plus one per lead paragraph, and the shingle count."""

    minhash: np.ndarray                  # uint32[NUM_PERM]
    leads: tuple[np.ndarray, ...] = ()   # uint32[LEAD_PERM] each
    token_count: int = 0                 # number of distinct shingles

    def to_bytes(self) -> bytes:
        """Serialise for article_signatures.minhash (format byte, counts, uint32 values)."""
        head = struct.pack("<BHBB", _SIG_FORMAT, len(self.minhash), len(self.leads),
                           LEAD_PERM if self.leads else 0)
        body = [self.minhash.astype("<u4").tobytes()]
        body += [lead.astype("<u4").tobytes() for lead in self.leads]
        return head + b"".join(body)

    @classmethod
    def from_bytes(cls, data: bytes, token_count: int = 0) -> "Signature":
        """Inverse of to_bytes (token_count lives in its own column)."""
        fmt, perm, n_leads, lead_perm = struct.unpack_from("<BHBB", data)
        if fmt != _SIG_FORMAT:
            raise ValueError(f"unknown signature format {fmt}")
        values = np.frombuffer(data, dtype="<u4", offset=5).astype(np.uint32)
        leads = tuple(values[perm + i * lead_perm: perm + (i + 1) * lead_perm]
                      for i in range(n_leads))
        return cls(values[:perm], leads, token_count)


def shingles(text_tokens: list[str], size: int = SHINGLE_SIZE) -> set[str]:
    """Distinct token n-grams; a text shorter than n yields itself as one shingle."""
    if len(text_tokens) < size:
        return {" ".join(text_tokens)} if text_tokens else set()
    return {" ".join(text_tokens[i:i + size]) for i in range(len(text_tokens) - size + 1)}


# The MinHash is datasketch's (scheme "affine32" over SHA-1), value for value, so stored
# signatures stay comparable; tests/test_dedupe_pure.py checks it against datasketch.
# It is written out here because it is a few numpy lines while importing datasketch
# pulls in scipy (a noticeable start-up cost at every worker and task) and its per-object set-up
# costs more than hashing a typical article.
_FMIX32 = tuple(np.uint32(c) for c in (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16))
_MAX_HASH32 = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=None)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine permutations h -> a*h + b (mod 2^32), a odd, drawn from the seed."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, applied once to the input hashes (as datasketch does)."""
    s1, m1, s2, m2, s3 = _FMIX32
    hv = (hv ^ (hv >> s1)) * m1
    hv = (hv ^ (hv >> s2)) * m2
    return hv ^ (hv >> s3)


def _minhash(items: set[str], num_perm: int, seed: int) -> np.ndarray:
    """uint32[num_perm]: the least permuted hash per permutation (all 2^32-1 for no items)."""
    if not items:
        return np.full(num_perm, _MAX_HASH32, dtype=np.uint32)
    # The first four bytes of each SHA-1, little-endian: datasketch's sha1_hash32.
    digests = b"".join([hashlib.sha1(item.encode("utf-8")).digest()[:4] for item in items])
    hv = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    a, b = _permutations(num_perm, seed)
    return (hv[:, None] * a + b).min(axis=0)


def lead_paragraphs(text: str | None) -> list[list[str]]:
    """Tokens of the first substantial paragraphs (capped); what a truncated copy keeps."""
    leads = []
    for paragraph in re.split(r"\n", text or ""):
        para_tokens = tokens(paragraph)
        if len(para_tokens) >= LEAD_MIN_TOKENS:
            leads.append(para_tokens[:LEAD_MAX_TOKENS])
        if len(leads) == LEAD_PARAGRAPHS:
            break
    return leads


def signature(text: str | None, text_tokens: list[str] | None = None) -> Signature:
    """MinHash signature of a body text (whole text and lead paragraphs).

    text_tokens: tokens(text), when the caller already has them.
    """
    whole = shingles(tokens(text) if text_tokens is None else text_tokens)
    leads = tuple(_minhash(shingles(lead), LEAD_PERM, _LEAD_SEED) for lead in lead_paragraphs(text))
    return Signature(_minhash(whole, NUM_PERM, _SEED), leads, len(whole))


_ROW_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                             0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53],
                            dtype=np.uint64)


def _mix64(x: np.ndarray) -> np.ndarray:
    # splitmix64 finaliser: spreads band values over the whole 64-bit bucket space.
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def band_buckets(values: np.ndarray, rows: int, band_offset: int) -> np.ndarray:
    """Bucket of every band for a (docs x perms) uint32 array, as int64 (docs x bands).

    Vectorised so the bench can index a million synthetic signatures the same way.
    """
    values = np.atleast_2d(values).astype(np.uint64)
    n_bands = values.shape[1] // rows
    grouped = values[:, : n_bands * rows].reshape(values.shape[0], n_bands, rows)
    seeds = np.arange(band_offset, band_offset + n_bands, dtype=np.uint64) << np.uint64(32)
    with np.errstate(over="ignore"):
        # Odd 64-bit multipliers keep distinct row tuples apart; the band number salts the mix.
        combined = (grouped * _ROW_MULTIPLIERS[:rows]).sum(axis=2, dtype=np.uint64)
        return _mix64(combined ^ seeds).view(np.int64)


def band_keys(sig: Signature) -> list[tuple[int, int]]:
    """(band, bucket) keys for lsh_buckets: whole-text bands, then lead-paragraph bands."""
    _, bands, buckets = band_key_arrays([sig])
    # Two identical lead paragraphs give the same keys once; order stays band order.
    return list(dict.fromkeys(zip(bands.tolist(), buckets.tolist())))


def band_key_arrays(sigs: list[Signature]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (signature index, band, bucket) of sigs as three flat arrays, in band order.

    A signature with two identical lead paragraphs repeats their keys; callers that
    count shared keys count each distinct key once.
    """
    if not sigs:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    mains = band_buckets(np.stack([s.minhash for s in sigs]), ROWS, 0)
    owners = [np.repeat(np.arange(len(sigs)), BANDS)]
    bands = [np.tile(np.array(_MAIN_BANDS, dtype=np.int64), len(sigs))]
    buckets = [mains.reshape(-1)]
    lead_owners = [i for i, s in enumerate(sigs) for _ in s.leads]
    if lead_owners:
        leads = band_buckets(np.stack([lead for s in sigs for lead in s.leads]), LEAD_ROWS,
                             LEAD_BAND_BASE)
        owners.append(np.repeat(np.array(lead_owners), LEAD_BANDS))
        bands.append(np.tile(np.array(_LEAD_BAND_IDS, dtype=np.int64), len(lead_owners)))
        buckets.append(leads.reshape(-1))
    owner, band, bucket = (np.concatenate(a).astype(np.int64) for a in (owners, bands, buckets))
    order = np.argsort(owner, kind="stable")  # each signature's keys together, bands in order
    return owner[order], band[order], bucket[order]


def estimated_jaccard(a: Signature, b: Signature) -> float:
    """Share of equal MinHash values: an unbiased estimate of the shingle Jaccard."""
    if a.token_count == 0 or b.token_count == 0:
        return 0.0
    return float(np.mean(a.minhash == b.minhash))


# --------------------------------------------------------------------------- verification

NEAR_JACCARD = 0.5        # syndicated copy with banner, byline, dateline or edits
NEAR_CONTAINMENT = 0.6    # truncated copy: most of the shorter text is inside the longer
MIN_CONTAINED_SHINGLES = 25  # a one-line text is "contained" in too many articles
PREFILTER_JACCARD = 0.08  # below this estimate (and no lead match) a candidate is not fetched


@dataclass(frozen=True)
class Similarity:
    """Exact shingle overlap of two texts."""

    jaccard: float
    containment: float    # share of the shorter text's shingles found in the longer
    shorter_size: int

    @property
    def is_near_duplicate(self) -> bool:
        """True for a syndicated or truncated copy; false for another outlet's own article."""
        if self.jaccard >= NEAR_JACCARD:
            return True
        return self.shorter_size >= MIN_CONTAINED_SHINGLES and self.containment >= NEAR_CONTAINMENT

    @property
    def score(self) -> float:
        """One number for duplicate_similarity: Jaccard, or containment for a truncated copy."""
        if self.jaccard >= NEAR_JACCARD or not self.is_near_duplicate:
            return self.jaccard
        return self.containment


def similarity(text_a: str | None, text_b: str | None) -> Similarity:
    """Jaccard and containment of the two texts' shingle sets."""
    a, b = shingles(tokens(text_a)), shingles(tokens(text_b))
    if not a or not b:
        return Similarity(0.0, 0.0, 0)
    common = len(a & b)
    shorter = min(len(a), len(b))
    return Similarity(common / len(a | b), common / shorter, shorter)


def worth_verifying(a: Signature, b: Signature) -> bool:
    """Cheap signature test before fetching a candidate's text."""
    if estimated_jaccard(a, b) >= PREFILTER_JACCARD:
        return True
    return any(float(np.mean(x == y)) >= 0.5 for x in a.leads for y in b.leads)


# --------------------------------------------------------------------------- representatives

@dataclass(frozen=True)
class Member:
    """An article as far as picking a representative goes."""

    article_id: int
    published_at: datetime | None
    text_length: int


def representative_key(member: Member) -> tuple:
    """Sort key: earliest published (unknown dates last), then longest text, then lowest id."""
    published = member.published_at
    return (published is None, published.timestamp() if published else 0.0,
            -member.text_length, member.article_id)


def choose_representative(members: list[Member]) -> Member:
    """The deterministic representative of a duplicate group or a story."""
    return min(members, key=representative_key)


@dataclass(frozen=True)
class DedupeOutcome:
    """What dedupe_article concluded for one article."""

    article_id: int
    kind: str | None = None              # 'exact', 'near' or None (no copy found)
    duplicate_of: int | None = None      # the group's representative, when not itself
    similarity: float | None = None
    group: tuple[int, ...] = ()          # every member of the group, representative first
    repointed: tuple[int, ...] = ()      # members whose duplicate_of changed in this call
