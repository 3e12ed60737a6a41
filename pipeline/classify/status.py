"""The status of an alliance article, and whether the news is an ending (a dissolution)."""

from __future__ import annotations

import re

from pipeline.classify.analysis import Document, Sentence, is_furniture
from pipeline.classify.clauses import cue_before, is_negated
from pipeline.classify.headline import DealSentence, headline, lead_deal
from pipeline.classify.lexicon import Lexicon


def choose_status(doc: Document, deals: list[DealSentence], lex: Lexicon) -> tuple[str, bool]:
    """The status, and whether the news is an ending (a dissolution).

    terminated > completed > rumored (hedges outweigh) > announced. An ending that
    only sources report ("Nissan will pull out, people familiar said") is rumored.
    """
    heads = headline(deals)
    lead = lead_deal(heads)
    # The title, the best sentence and the lead's deal sentence speak for the news.
    weights = [(d.sentence, 1.0 if i == 0 or d.sentence.in_title or d is lead else 0.6)
               for i, d in enumerate(heads)]
    scores = {"terminated": 0.0, "completed": 0.0, "rumored": 0.0, "announced": 0.0}
    hedged = 0.0
    rumoured_end = 0.0
    # "...deal on the verge of collapse: sources": a headline's attribution covers the story
    title_sourced = any(_sourced(s, doc) or _REPORT_KICKER.match(doc.folded, s.start)
                        for s in doc.sentences if s.in_title)
    for sentence, weight in weights:
        sourced = _sourced(sentence, doc) or title_sourced
        attributed = False  # one attribution a sentence ("according to a report" holds "a report")
        for hit in sentence.cue("status"):
            if hit.value == "completed" and doc.folded[hit.end:hit.end + 1] in ("車", "车"):
                continue  # 完成車: a finished vehicle, not a completed deal
            if hit.value == "terminated" and not is_negated(doc, sentence, hit.start, hit.end):
                if sourced or cue_before(doc, sentence, hit.start, lex.hedges) or \
                        _JA_PLANNED.match(doc.folded, hit.end) or \
                        _JA_PLAN_SENTENCE.search(doc.folded, sentence.start, sentence.end):
                    rumoured_end += 3.0 * weight  # "plans to pull out, sources said": a rumour
                else:
                    scores["terminated"] += 3.0 * weight
            elif hit.value == "completed" and _concludes_an_agreement(doc, sentence, hit):
                scores["announced"] += 1.5 * weight  # "finalize a joint venture agreement": signed, not closed
            elif hit.value == "completed" and not cue_before(doc, sentence, hit.start, lex.future):
                scores["completed"] += 2.5 * weight
            elif hit.value == "rumored_strong" and _AFTER.search(doc.folded, max(sentence.start, hit.start - 40), hit.start):
                continue  # "after weeks of rumours, the merger is now official": the rumours are past
            elif hit.value == "rumored_strong" and doc.folded.startswith("자료", hit.end):
                scores["announced"] += 1.5 * weight  # 보도자료: a press release, the company's own word
            elif hit.value == "rumored_strong" and _self_attributed(doc, sentence, hit):
                scores["announced"] += 1.5 * weight  # "according to the two companies"
            elif hit.value == "rumored_strong" and not attributed:
                # the news's own sentences speak for it; a later one cites a report on a detail
                hedged += (3.0 if weight >= 1.0 else 1.5) * weight
                attributed = True
            elif hit.value == "rumored" and not _chinese_agreement(doc, sentence, hit):
                scores["rumored"] += 1.0 * weight
            elif hit.value == "announced" and not cue_before(doc, sentence, hit.start, lex.hedges):
                scores["announced"] += 1.5 * weight
    # an attribution elsewhere in the lead weighs less than one announcement word
    hedged += 1.0 * _attributions(doc, {id(s) for s, _ in weights})
    if scores["terminated"] >= 2.5:
        return ("rumored" if hedged + rumoured_end > scores["terminated"] else "terminated"), True
    if rumoured_end >= 2.5:
        return "rumored", True
    if scores["completed"] >= 2.0:
        return "completed", False
    if hedged and hedged >= scores["announced"]:
        return "rumored", False  # reported by others: "people familiar", "Nikkei reported"
    return ("rumored" if scores["rumored"] and not scores["announced"] else "announced"), False


# Japanese puts the modality after the verb: "撤退へ" (to withdraw), "解消で最終調整" (in final
# talks to end): a plan that reporters learned of, not an ending decided.
_JA_PLANNED = re.compile(r"\s*(?:する)?(?:へ|を検討|の方向|方向で|で最終調整|を最終調整|に向け|で調整)")
_JA_PLAN_SENTENCE = re.compile(r"最終調整|する方向|の方向で|検討に入|検討している|調整に入")


# A headline labelled as somebody's report ("Report: Brenner to pull out of ...").
_REPORT_KICKER = re.compile(r"\W*(?:report|reports|sources|exclusive|rumou?r|bericht|medienbericht|insider|"
                            r"rapport|selon la presse|informe|según medios|indiscrezione|rumou?rs)\s*[:|–—-]\s")


def _sourced(sentence: Sentence, doc: Document) -> bool:
    """Attributed to others ('according to sources') with no announcement word."""
    status = sentence.cue("status")
    return (any(h.value == "rumored_strong" and not _self_attributed(doc, sentence, h) for h in status)
            and not any(h.value == "announced" for h in status))


def _attributions(doc: Document, seen: set) -> int:
    """Rumour attributions in the lead's other sentences ('Nikkei reported the talks')."""
    lead = [s for s in doc.sentences if (s.in_title or s.index <= 2) and id(s) not in seen
            and (s.in_title or not is_furniture(s, doc.text))]  # a byline "EV Insider Staff" attributes nothing
    return sum(1 for s in lead if any(not _self_attributed(doc, s, h) for h in s.cue("status", "rumored_strong")))


# The parties themselves after "according to" ("según las empresas", "theo thông tin từ các
# bên", "laut beiden Unternehmen"): their own word is an announcement, not a rumour.
_THE_PARTIES = re.compile(r"\b(?:the (?:two )?companies|both (?:companies|firms|groups|carmakers)|the two|"
                          r"the (?:carmakers|partners|firms)|las (?:dos )?(?:empresas|compañías)|ambas|"
                          r"les deux|(?:beide[nr]?|den) (?:unternehmen|konzerne|partner)|le (?:due )?aziende|"
                          r"as (?:duas )?empresas|beide bedrijven|obie firmy|obě (?:firmy|společnosti)|"
                          r"các bên|hai bên|kedua perusahaan|her iki şirket|ambele companii)\b|양사|両社|双方")


def _self_attributed(doc: Document, sentence: Sentence, hit) -> bool:
    """An attribution to the deal's own sides ("according to the two companies", "현대차 관계자")."""
    if doc.folded[hit.start:hit.end] == "관계자":  # "an official of <company>", not "industry sources"
        return any(0 <= hit.start - m.end <= 3 for m in sentence.mentions)
    return bool(_THE_PARTIES.search(doc.folded, hit.end, min(sentence.end, hit.end + 40)))


# Finalising or concluding an agreement signs it; the deal it sets up closes later.
_FINALISES_AN_AGREEMENT = re.compile(r"finali[sz]\w*\s+(?:\S+\s+){0,4}?(?:agreement|deal|contract|pact|accord)")
# A contract word (not "deal" or "acquisition", which close) beside a word of completion:
# "completed an agreement to build", "ein Vertrag sei abgeschlossen", "契約を締結完了".
_AGREEMENT_NOUN = re.compile(r"\b(?:agreement|contract|pact|accord|vertrag\w*|vereinbarung\w*|abkommen|contrat|"
                             r"accordo|acuerdo|contrato|acordo|umow\w*|smlouv\w*|overeenkomst|avtal\w*|"
                             r"sözleşme\w*|perjanjian|hợp đồng|thỏa thuận|соглашени\w*|договор\w*)\b|"
                             r"契約|協定|协议|協議|合同|계약|협약|समझौत|اتفاق")


def _concludes_an_agreement(doc: Document, sentence: Sentence, hit) -> bool:
    """The completion word completes a contract: it is signed, nothing has closed yet."""
    if _FINALISES_AN_AGREEMENT.match(doc.folded, hit.start):
        return True
    around = doc.folded[max(sentence.start, hit.start - 80):min(sentence.end, hit.end + 40)]
    return bool(_AGREEMENT_NOUN.search(around))
# Right before a rumour word: the rumours are what came before the news.
# ("after weeks of rumours", "après plusieurs rumeurs"; not "shares rose after reports that...")
_AFTER = re.compile(r"\b(?:after|following|après|nach|tras|después de|dopo|após|depois de)\s+(?:\S+\s+){0,2}?"
                    r"(?:weeks|months|years|several|many|plusieurs|semaines|mois|varias|semanas|meses|settimane|"
                    r"mesi|diverse|várias|vários|wochen\w*|monate\w*|monatelangen|wochenlangen|ans|années|"
                    r"jahren|años|anni|anos)\b\W+(?:\S+\W+){0,4}$")
_KANA = re.compile(r"[\u3040-\u30ff]")


def _chinese_agreement(doc: Document, sentence: Sentence, hit) -> bool:
    """'協議' is talks in Japanese but an agreement in (traditional) Chinese: no kana, no talks."""
    return doc.folded[hit.start:hit.end] == "協議" and not _KANA.search(doc.folded, sentence.start, sentence.end)
