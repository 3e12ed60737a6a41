"""Sentence splitting for Latin, Cyrillic, CJK, Devanagari, Arabic and Thai news text,
as character spans."""

from __future__ import annotations

import re

# A full stop after these is not the end of a sentence.
_ABBREVIATIONS = frozenset("""mr mrs ms dr prof sr jr st inc co corp ltd plc llc no vs
    jan feb mar apr jun jul aug sep sept oct nov dec gov sen rep gen col lt approx est
    dept e.g i.e u.s u.k u.n etc al fig ca
    proc mld mln tys mil mio mrd bln mlrd zł ok tj np wg ul nr tzv tzn resp str sv bzw evtl ggf
    inkl zb ca mme mlle cie sr sra dott ing spol akc sz kft zrt rt""".split())

# Three simple patterns run separately: one alternation of them is several times slower.
_LATIN_END = re.compile(r"[.!?]+[\"'”’»)\]]*(?=\s+(?![a-zа-яà-ÿ]))")  # next word not lower case
# CJK full stops, the Devanagari danda, Arabic and Urdu marks need no space after them.
_CJK_END = re.compile(r"[。！？।॥؟۔]+[」』）\"”»]*")
_PARAGRAPH = re.compile(r"\n\s*")
# Thai has no full stop: a space between two Thai characters ends a sentence (spaces
# also set off names and numbers, so only once the sentence has THAI_MIN characters).
_THAI = re.compile("[\u0e00-\u0e7f]")
_THAI_SPACE = re.compile(r"(?<=[\u0e00-\u0e7f])[ \u00a0\t]+(?=[\u0e00-\u0e7f])")
THAI_MIN = 40


# Wire copy is often hard-wrapped at a fixed width ("Le groupe allemand\nMann+Hummel, ... a annoncé\n
# lundi le rachat"): there a single line break is no paragraph, only a blank line or a line that
# ends a sentence is.
_LINE_END = frozenset(".!?:;\"”»)。！？")
_WRAP_MIN, _WRAP_MAX, _WRAP_LINES = 30, 90, 4


def _hard_wrapped(text: str) -> bool:
    """Most lines have a wire width and break mid-sentence."""
    if text.count("\n") < _WRAP_LINES:
        return False
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    open_lines = [line for line in lines if _WRAP_MIN <= len(line) <= _WRAP_MAX and line[-1] not in _LINE_END]
    return len(open_lines) >= _WRAP_LINES and len(open_lines) >= 0.5 * len(lines)


def _is_abbreviation(text: str, stop: int) -> bool:
    """True when the full stop at `stop` closes an abbreviation or an initial ("J.")."""
    before = text[max(0, stop - 8):stop].rsplit(None, 1)
    word = before[-1].lower().lstrip("(\"'“") if before else ""
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _thai_cuts(text: str, cuts: list[int]) -> list[int]:
    """`cuts` plus Thai sentence-ending spaces at least THAI_MIN characters after the
    previous cut."""
    spaces = [m.end() for m in _THAI_SPACE.finditer(text)]
    if not spaces:
        return cuts
    out, last, i = [], 0, 0
    for space in spaces:
        while i < len(cuts) and cuts[i] <= space:
            last = cuts[i]
            out.append(last)
            i += 1
        if space - last >= THAI_MIN:
            out.append(space)
            last = space
    return out + cuts[i:]


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Spans (start, end) of the non-empty sentences of `text`, whitespace trimmed."""
    spans, start = [], 0
    cuts = [m.end() for m in _LATIN_END.finditer(text)
            if text[m.start()] != "." or not _is_abbreviation(text, m.start())]
    wrapped = _hard_wrapped(text)
    cuts += [m.end() for m in _PARAGRAPH.finditer(text)
             if not wrapped or m.group().count("\n") > 1 or text[:m.start()].rstrip()[-1:] in _LINE_END]
    if not text.isascii():
        cuts += [m.end() for m in _CJK_END.finditer(text)]
        if _THAI.search(text):
            cuts = _thai_cuts(text, sorted(cuts))
    cuts.sort()
    for cut in (*cuts, len(text)):
        piece = text[start:cut]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((offset + start + lead, offset + start + lead + len(stripped)))
        start = cut
    return spans
