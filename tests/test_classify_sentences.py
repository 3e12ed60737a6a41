"""Sentence splitting, including CJK punctuation and abbreviations."""

from pipeline.classify.sentences import split_sentences


def _split(text):
    return [text[a:b] for a, b in split_sentences(text)]


def test_latin_sentences_keep_abbreviations_and_decimals():
    text = "Mr. Uchida said U.S. sales rose 3.5% in Jan. last year. GM Co. agreed! Did it? Yes."
    assert _split(text) == ["Mr. Uchida said U.S. sales rose 3.5% in Jan. last year.",
                            "GM Co. agreed!", "Did it?", "Yes."]


def test_cjk_sentences_split_without_spaces():
    assert _split("本田と日産は覚書を締結した。両社は協議する！本当か？はい") == [
        "本田と日産は覚書を締結した。", "両社は協議する！", "本当か？", "はい"]
    assert _split("大众汽车宣布入股小鹏汽车。双方将联合开发两款车型。") == [
        "大众汽车宣布入股小鹏汽车。", "双方将联合开发两款车型。"]


def test_paragraph_breaks_and_offsets():
    text = "  First line without stop\n\nSecond one.  "
    spans = split_sentences(text, offset=10)
    assert [text[a - 10:b - 10] for a, b in spans] == ["First line without stop", "Second one."]


def test_cyrillic_and_quotes():
    assert _split("Хонда и Ниссан подписали меморандум. «Это важно», — сказал он.") == [
        "Хонда и Ниссан подписали меморандум.", "«Это важно», — сказал он."]


def test_empty_text():
    assert split_sentences("") == [] and split_sentences(" \n ") == []


WRAPPED = ("FRANKFURT, Aug 17 - German filter maker Nordfilter\n"
           "said on Monday it had agreed to buy the U.S. parts maker\n"
           "Westline Filters for $513 million, a deal that would add a\n"
           "third to its annual sales and open the American market.\n"
           "Nordfilter, which is not listed, did not disclose the price\n"
           "but a filing by Westline shows it was agreed last week.\n")


def test_hard_wrapped_wire_copy_keeps_its_sentences_whole():
    spans = split_sentences(WRAPPED)
    assert len(spans) == 2
    assert WRAPPED[spans[0][0]:spans[0][1]].endswith("open the American market.")


def test_short_lines_and_paragraphs_still_end_sentences():
    text = "Toyota and Suzuki sign pact\nBy Jane Doe\nTokyo\nThe two carmakers signed a pact on Monday\nMore to follow"
    assert len(split_sentences(text)) == 5
