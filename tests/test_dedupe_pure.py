"""Pure dedupe functions: text keys, signatures, verification, representatives, story matching."""

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import fingerprint, stories
from pipeline.fingerprint import Member, Signature
from pipeline.stories import StoryArticle, StoryCandidate

T0 = datetime(2024, 12, 23, 8, 0, tzinfo=timezone.utc)
TEXT = (
    "Honda and Nissan began formal talks on Monday to combine under a joint holding company.\n"
    "The carmakers aim to agree terms by June and to list the new parent company in 2026.\n"
    "Mitsubishi Motors will decide next month whether it wants to take part in the plan.\n"
)


def test_normalise_text_folds_case_width_and_punctuation():
    assert fingerprint.normalise_text("  Ｈｏｎｄａ,  NISSAN!\n\tand—Mitsubishi ") == "honda nissan and mitsubishi"
    assert fingerprint.normalise_text(None) == ""


def test_text_hash_ignores_formatting_only():
    assert fingerprint.text_hash(TEXT) == fingerprint.text_hash(TEXT.upper().replace("\n", "  "))
    assert fingerprint.text_hash(TEXT) != fingerprint.text_hash(TEXT.replace("June", "July"))


def test_cjk_text_is_tokenised_by_character():
    assert fingerprint.tokens("ホンダと日産 EV 2024") == ["ホ", "ン", "ダ", "と", "日", "産", "ev", "2024"]


def test_signature_round_trips_through_bytes():
    sig = fingerprint.signature(TEXT)
    back = Signature.from_bytes(sig.to_bytes(), sig.token_count)
    assert np.array_equal(back.minhash, sig.minhash) and len(back.leads) == len(sig.leads)
    assert fingerprint.band_keys(back) == fingerprint.band_keys(sig)


def test_band_keys_are_stable_signed_64_bit():
    keys = fingerprint.band_keys(fingerprint.signature(TEXT))
    assert keys == fingerprint.band_keys(fingerprint.signature(TEXT))
    assert all(-2**63 <= bucket < 2**63 for _, bucket in keys)
    assert {band for band, _ in keys} >= set(range(fingerprint.BANDS))


def test_lsh_banding_finds_half_similar_pairs_with_high_probability():
    p = 1 - (1 - 0.5 ** fingerprint.ROWS) ** fingerprint.BANDS
    assert p >= 0.98
    assert 1 - (1 - 0.1 ** fingerprint.ROWS) ** fingerprint.BANDS < 0.05


def test_empty_text_has_an_empty_signature():
    sig = fingerprint.signature("")
    assert sig.token_count == 0 and sig.leads == ()
    assert fingerprint.estimated_jaccard(sig, sig) == 0.0


@pytest.mark.parametrize("copy", [
    "Read this story at its source, courtesy of our partner publishers today.\n" + TEXT,
    "By A. Reporter\n" + TEXT,
    "TOKYO (Wire) - " + TEXT,
    "\n".join(TEXT.splitlines()[:2]),
    TEXT.replace("began formal talks", "started formal talks"),
])
def test_syndicated_copies_are_near_duplicates(copy):
    assert fingerprint.similarity(TEXT, copy).is_near_duplicate


def test_another_outlets_article_on_the_same_deal_is_not_a_duplicate():
    other = ("Japan's second and third biggest automakers want to merge. Nissan and Honda will "
             "set up a holding company if talks succeed, executives told reporters in Tokyo, "
             "adding that Mitsubishi Motors could join them.")
    assert not fingerprint.similarity(TEXT, other).is_near_duplicate


def test_representative_is_earliest_then_longest_then_lowest_id():
    early, late = T0, T0 + timedelta(hours=1)
    members = [Member(5, late, 900), Member(7, early, 100), Member(3, early, 100), Member(1, None, 5000)]
    assert fingerprint.choose_representative(members).article_id == 3
    assert fingerprint.choose_representative([Member(2, early, 50), Member(9, early, 80)]).article_id == 9


def story(parties=("Honda", "Nissan"), deal="merger", first=T0, last=None, sigs=(), sid=1):
    return StoryCandidate(sid, tuple(parties), deal, first, last or first, tuple(sigs), {})


def article(published, parties=("Honda", "Nissan"), deal="merger", language="en", sig=None):
    return StoryArticle(10, published, language, tuple(parties), deal,
                        {p: 3 for p in parties}, sig)


def test_cross_language_report_joins_by_parties_deal_and_date():
    assert stories.match_story(article(T0 + timedelta(hours=5), language="ja"), [story()]) == 1


def test_same_parties_months_apart_stay_separate():
    assert stories.match_story(article(T0 + timedelta(days=52), deal="dissolution"), [story()]) is None
    assert stories.match_story(article(T0 - timedelta(days=280), deal="mou"), [story()]) is None


def test_same_parties_same_week_different_deal_stays_separate():
    assert stories.match_story(article(T0 + timedelta(days=1), deal="dissolution"), [story()]) is None


def test_confusable_deal_types_still_join():
    assert stories.match_story(article(T0, deal="strategic_alliance"), [story(deal="mou")]) == 1


def test_story_window_does_not_grow_without_bound():
    long_story = story(first=T0, last=T0 + timedelta(days=6))
    assert stories.match_story(article(T0 + timedelta(days=9)), [long_story]) is None


def test_non_deal_article_joins_only_by_shared_text():
    sig = fingerprint.signature(TEXT)
    non_deal = StoryArticle(10, T0, "en", (), None, {"Honda": 4, "Nissan": 3}, sig)
    assert stories.match_story(non_deal, [story(sigs=[fingerprint.signature("Other words " * 30)])]) is None
    assert stories.match_story(non_deal, [story(sigs=[sig])]) == 1


def test_best_story_wins_and_ties_go_to_the_lowest_id():
    candidates = [story(sid=4), story(sid=2), story(parties=("Honda", "Sony"), sid=1)]
    assert stories.match_story(article(T0), candidates) == 2


def test_story_organisations_fall_back_to_frequent_mentions():
    assert stories.story_organisations((), {"Toyota": 5, "Mazda": 1}) == ("Toyota",)
    assert stories.story_organisations(("Nissan", "Honda"), {}) == ("Honda", "Nissan")


def test_stub_texts_are_not_deduplicated():
    assert not fingerprint.is_dedupable("Subscribe to continue reading this article.")
    assert fingerprint.is_dedupable(TEXT)


def test_band_key_arrays_of_many_match_one_by_one():
    sigs = [fingerprint.signature(TEXT), fingerprint.signature("short text only"), fingerprint.signature(TEXT * 2)]
    owners, bands, buckets = fingerprint.band_key_arrays(sigs)
    for i, sig in enumerate(sigs):
        mine = owners == i
        assert list(dict.fromkeys(zip(bands[mine].tolist(), buckets[mine].tolist()))) == \
            fingerprint.band_keys(sig)
    assert all(a.size == 0 for a in fingerprint.band_key_arrays([]))


@pytest.mark.parametrize("a, b, expected", [
    ("mou", "mou", 1.0), ("acquisition", "joint_venture", 0.5), ("mou", "merger", 0.5),
    ("merger", "dissolution", 0.0), (None, "mou", 0.3), ("supply_agreement", "licensing", 0.5),
    ("acquisition", "dissolution", 0.5), ("joint_venture", "dissolution", 0.0),
    ("mou", "acquisition", 0.5), ("strategic_alliance", "acquisition", 0.5),
    ("strategic_alliance", "merger", 0.5), ("merger", "supply_agreement", 0.0),
])
def test_deal_compatibility(a, b, expected):
    assert stories.deal_compatibility(a, b) == stories.deal_compatibility(b, a) == expected


def _datasketch_minhash(items, num_perm, seed):
    from datasketch import MinHash
    reference = MinHash(num_perm=num_perm, seed=seed, scheme="affine32")
    reference.update_batch([item.encode("utf-8") for item in items])
    return reference.hashvalues.astype("uint32")


@pytest.mark.parametrize("num_perm, seed", [(fingerprint.NUM_PERM, 1), (fingerprint.LEAD_PERM, 2)])
def test_minhash_values_are_datasketch_defaults_so_stored_signatures_stay_valid(num_perm, seed):
    items = fingerprint.shingles(fingerprint.tokens(TEXT + " 丰田 与 宝马 签署 合作 备忘录 Kooperation für Brennstoffzellen"))
    assert (fingerprint._minhash(items, num_perm, seed) == _datasketch_minhash(items, num_perm, seed)).all()
    assert (fingerprint._minhash(set(), num_perm, seed) == _datasketch_minhash(set(), num_perm, seed)).all()


@settings(max_examples=60, deadline=None)
@given(st.sets(st.text(min_size=1, max_size=30), max_size=40))
def test_minhash_matches_datasketch_on_any_shingles(items):
    assert (fingerprint._minhash(items, fingerprint.LEAD_PERM, 2) == _datasketch_minhash(items, fingerprint.LEAD_PERM, 2)).all()


def test_talks_and_the_signing_days_later_are_two_stories():
    talks = StoryCandidate(1, ("Honda", "Nissan"), "merger", T0, T0, (), {}, "rumored")
    signing = StoryArticle(10, T0 + timedelta(days=3), "en", ("Honda", "Nissan"), "merger",
                           {"Honda": 3, "Nissan": 3}, None, "announced")
    assert stories.match_story(signing, [talks]) is None


def test_one_event_labelled_with_two_statuses_on_the_same_day_is_one_story():
    report = StoryCandidate(1, ("Honda", "Nissan"), "merger", T0, T0, (), {}, "rumored")
    same_day = StoryArticle(10, T0 + timedelta(hours=6), "zh", ("Honda", "Nissan"), "merger",
                            {"Honda": 3, "Nissan": 3}, None, "announced")
    assert stories.match_story(same_day, [report]) == 1


def test_an_unlisted_company_spelled_short_and_long_is_one_party():
    long_name = StoryCandidate(1, ("H2Flow Systems", "Schaeffler"), "acquisition", T0, T0, (), {}, "announced")
    short_name = StoryArticle(10, T0 + timedelta(hours=3), "nl", ("Schaeffler", "H2Flow"), "acquisition",
                              {"Schaeffler": 2}, None, "announced")
    assert stories.match_story(short_name, [long_name]) == 1
