"""The `tieup classify` JSON Lines contract (classify_lines)."""

import json

from pipeline.classify.contract import classify_lines

KEYS = ["id", "is_auto", "is_alliance", "deal_type", "status", "parties", "focus_areas",
        "confidence", "evidence", "unresolved_parties", "stake_pct"]


def _run(lines):
    return [json.loads(out) for out in classify_lines(lines)]


def test_one_output_line_per_input_in_order_with_contract_keys():
    lines = [json.dumps({"id": "a", "text": "Honda and Nissan called off merger talks.",
                         "title": "Honda, Nissan end talks", "published": "2025-02-13"}),
             json.dumps({"id": 7, "text": "Toyota sold 10 million cars last year."}) + "\n",
             json.dumps({"id": "c", "text": "BMW and Toyota signed a memorandum on hydrogen.",
                         "url": "https://example.com/x", "published": "2024-09-05T08:00:00Z"})]
    out = _run(lines)
    assert [o["id"] for o in out] == ["a", 7, "c"]
    assert all(list(o) == KEYS for o in out)
    assert (out[0]["deal_type"], out[0]["status"]) == ("dissolution", "terminated")
    assert (out[1]["is_alliance"], out[1]["deal_type"], out[1]["status"]) == (False, None, None)
    assert out[2]["deal_type"] == "mou" and out[2]["parties"] == ["BMW", "Toyota"]
    assert all(e in "BMW and Toyota signed a memorandum on hydrogen." for e in out[2]["evidence"])


def test_bad_lines_get_an_error_object_and_the_rest_continue():
    lines = ["{not json", "", "[1, 2]", json.dumps({"id": 1}), json.dumps({"id": 2, "text": 5}),
             json.dumps({"id": 3, "text": "x", "title": 9}),
             json.dumps({"id": 4, "text": "x", "published": 20240101}),
             json.dumps({"text": "no id"}),
             json.dumps({"id": 5, "text": "Kia and Hyundai recall cars."})]
    out = _run(lines)
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == [None, None, None, 1, 2, 3, 4, None, 5]
    assert all(set(o) == {"id", "error"} and o["error"] for o in out[:-1])
    assert "invalid JSON" in out[0]["error"] and out[1]["error"] == "blank line"
    assert "text" in out[3]["error"] and "published" in out[6]["error"]
    assert list(out[-1]) == KEYS


def test_bytes_lines_are_decoded():
    out = _run([json.dumps({"id": 1, "text": "ホンダと日産が提携を発表した。"}).encode("utf-8")])
    assert out[0]["parties"] == ["Honda", "Nissan"]


def test_published_formats():
    text = "Honda and Nissan signed a memorandum of understanding."
    for published in ("2024-03-15", "2024-03-15T09:00:00+09:00", "Fri, 15 Mar 2024 09:00:00 GMT",
                      "sometime", None):
        out = _run([json.dumps({"id": 1, "text": text, "published": published})])
        assert out[0]["deal_type"] == "mou", published
