"""The gazetteer data and mention finding: names, brands, scripts, ambiguity."""

from pipeline.classify import classify_article, find_mentions, load_gazetteer
from pipeline.classify.gazetteer import AUTO_KINDS

REQUIRED = ["General Motors", "Honda", "Nissan", "Mitsubishi Motors", "Renault", "Toyota",
            "Volkswagen", "Ford", "Stellantis", "Hyundai", "Kia", "BYD", "Geely",
            "Mercedes-Benz", "BMW", "Tesla", "LG Energy Solution", "SK On", "Panasonic", "CATL",
            "Rivian", "Xpeng", "Leapmotor", "Sony", "Foxconn", "Cruise", "Waymo", "Mazda",
            "Suzuki", "Subaru"]


def test_gazetteer_has_enough_organisations_with_the_canonical_names():
    gazetteer = load_gazetteer()
    assert len(gazetteer) >= 250
    names = {o.name for o in gazetteer}
    assert set(REQUIRED) <= names
    assert len(names) == len(gazetteer), "canonical names are unique"


def test_every_organisation_has_kind_country_and_brands_have_a_known_parent():
    gazetteer = load_gazetteer()
    for org in gazetteer:
        assert org.kind and len(org.country) == 2, org
        if org.kind == "brand":
            assert org.parent and gazetteer.get(org.parent) is not None, org
    countries = {o.country for o in gazetteer if o.kind in AUTO_KINDS}
    assert {"JP", "CN", "KR", "IN", "DE", "FR", "IT", "US", "GB", "SE"} <= countries


def test_brands_resolve_to_their_owner_as_party():
    gazetteer = load_gazetteer()
    assert gazetteer.get("Chevrolet").party == "General Motors"
    assert gazetteer.get("Infiniti").party == "Nissan"
    assert gazetteer.get("Audi").party == "Volkswagen"
    result = classify_article("Chevrolet and Lexus will jointly develop a new hybrid pickup, "
                              "the two brands announced on Tuesday.",
                              title="Chevrolet, Lexus team up on pickups")
    assert set(result.parties) == {"General Motors", "Toyota"}


def test_abbreviations_and_legal_names():
    assert find_mentions("GM and VW met JLR executives.") == {
        "General Motors": 1, "Volkswagen": 1, "Jaguar Land Rover": 1}
    assert find_mentions("Honda Motor Co. and Nissan Motor Co. said") == {"Honda": 1, "Nissan": 1}
    assert find_mentions("Contemporary Amperex Technology supplies Tesla Inc.") == {"CATL": 1, "Tesla": 1}


def test_names_in_other_scripts():
    for name in ("ホンダ", "本田", "혼다", "Хонда", "Хонды", "Хондой"):
        assert find_mentions(f"{name} ") == {"Honda": 1}, name
    for name in ("丰田", "トヨタ", "Тойота", "도요타"):
        assert find_mentions(name) == {"Toyota": 1}, name
    for name in ("日産", "日产", "Ниссан", "Ниссана"):
        assert find_mentions(name) == {"Nissan": 1}, name
    assert find_mentions("ホンダと日産自動車は経営統合") == {"Honda": 1, "Nissan": 1}
    assert find_mentions("大众汽车与小鹏汽车合作") == {"Volkswagen": 1, "Xpeng": 1}
    assert find_mentions("与Stellantis合作") == {"Stellantis": 1}


def test_longest_name_wins():
    assert find_mentions("Mitsubishi Electric supplies Mitsubishi Motors") == {
        "Mitsubishi Electric": 1, "Mitsubishi Motors": 1}
    assert find_mentions("Daimler Truck and Mercedes") == {"Daimler Truck": 1, "Mercedes-Benz": 1}
    assert find_mentions("Sony Honda Mobility showed the Afeela") == {"Sony Honda Mobility": 2}


def test_ford_the_surname_is_not_ford():
    assert find_mentions("Harrison Ford starred in the film.") == {}
    assert find_mentions("Actor Harrison Ford and President Gerald Ford met Mr. Ford.") == {}
    assert find_mentions("Henry Ford founded the company.") == {}
    assert find_mentions("The Ford Foundation gave a grant.") == {"Ford Foundation": 1}
    assert find_mentions("Ford and Honda sold more cars.") == {"Ford": 1, "Honda": 1}
    assert find_mentions("Keisuke Honda scored twice.") == {}


def test_ambiguous_words_need_motor_context():
    assert find_mentions("Smart glasses and smart homes are popular.") == {}
    assert find_mentions("Seat belts save lives.") == {}
    assert find_mentions("Genesis played their last concert.") == {}
    assert find_mentions("The mini fridge is lucid.") == {}
    assert find_mentions("Hyundai's Genesis brand launched a new SUV.") == {"Hyundai": 1, "Genesis": 1}
    assert find_mentions("The Smart #1 is an electric car.") == {"Smart": 1}
    assert find_mentions("BMW said Mini sales rose.") == {"BMW": 1, "Mini": 1}
    assert find_mentions("Lucid Motors cut prices.") == {"Lucid": 1}


def test_names_inside_words_are_not_mentions():
    assert find_mentions("Slovakia and Stanford and Kiaora") == {}
    assert find_mentions("the GMO debate; vw-ish") == {}


def test_trade_groups_are_not_alliances_or_parties():
    result = classify_article(
        "The Alliance for Automotive Innovation, which represents General Motors, Toyota and "
        "Ford, urged regulators to slow new emission rules.",
        title="Auto Innovators criticise EPA rules")
    assert not result.is_alliance
    assert result.mentions["Alliance for Automotive Innovation"] == 2  # title + text


def test_mentions_count_title_and_text():
    result = classify_article("Honda sold more. Honda and Toyota compete.", title="Honda news")
    assert result.mentions == {"Honda": 3, "Toyota": 1}


def test_an_ambiguous_cyrillic_alias_needs_context_in_every_form():
    # "шкода" is Ukrainian for "a pity": alone in a sentence it names nobody
    assert find_mentions("Шкода, що так сталося, сказав він.") == {}
    assert find_mentions("Шкода та Renault підписали угоду.")["Skoda"] == 1


def test_a_japanese_short_name_defers_to_the_full_name_the_article_uses():
    c = classify_article("いすゞ自動車は、ボルボ・グループからUDトラックスの買収を完了した。"
                         "いすゞとボルボは戦略的提携も始動させた。",
                         title="いすゞ、UDトラックス買収を完了　ボルボと戦略提携も始動")
    assert "Volvo Group" in c.parties and "Volvo Cars" not in c.parties


def test_daimler_means_daimler_truck_in_an_article_that_names_daimler_truck():
    c = classify_article("Daimler Truck and Volvo Group formally established cellcentric, their 50-50 "
                         "fuel-cell joint venture. Daimler contributed its fuel-cell unit.",
                         title="Daimler and Volvo now own cellcentric 50/50")
    assert "Daimler Truck" in c.parties and "Mercedes-Benz" not in c.parties
