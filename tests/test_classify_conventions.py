"""The labelling conventions analysts rely on (README, Classification): parties,
open-world names, stakes, status and deal type. Texts written for these tests."""

from datetime import date

import pytest

from pipeline.classify import classify_article
from pipeline.classify.text import fold

PUB = date(2025, 3, 4)


def classify(title, text):
    return classify_article(text, title=title, published=PUB)


def test_an_organisation_missing_from_the_gazetteer_is_kept_as_spelled():
    c = classify("Bank Mandiri and Hyundai set up car-loan joint venture",
                 "PT Bank Mandiri Tbk and Hyundai Motor agreed on Monday to set up a 50-50 joint "
                 "venture for car loans in Indonesia.")
    assert c.is_alliance and c.deal_type == "joint_venture"
    assert set(c.parties) == {"Hyundai", "Bank Mandiri"}
    assert c.unresolved_parties == ("Bank Mandiri",)


def test_a_country_possessive_is_no_part_of_an_unlisted_name():
    c = classify("Battery maker forms venture with Swiss cell specialist",
                 "Battery maker Exide Industries said it has signed an agreement to form a joint "
                 "venture with Switzerland’s Voltaris SA to make lithium-ion cells in India.")
    assert set(c.parties) == {"Exide Industries", "Voltaris"}


def test_two_unlisted_organisations_introduced_by_descriptors_make_a_deal():
    c = classify("Indian motor maker teams up with German specialist",
                 "Auto component maker Aravali Motion Systems has signed a joint venture agreement "
                 "with German drive specialist Kessler Antriebstechnik to build electric motors.")
    assert set(c.parties) == {"Aravali Motion Systems", "Kessler Antriebstechnik"}
    assert c.is_auto  # the lead is about electric motors, though no party is in the gazetteer


def test_a_publication_name_and_a_person_are_not_parties():
    c = classify("Toyota and Acme Robotics to co-develop factory robots",
                 "Toyota and Acme Robotics will co-develop factory robots, Parts Industry Weekly "
                 "reported. Mary Jansen of Acme Robotics said the work starts in May.")
    assert set(c.parties) == {"Toyota", "Acme Robotics"}


def test_the_owner_named_to_place_a_unit_is_not_a_party():
    c = classify("PowerCo licenses solid-state cell technology",
                 "Volkswagen's battery company PowerCo has signed a licensing agreement with "
                 "QuantumScape to mass-produce its solid-state cells.")
    assert c.deal_type == "licensing"
    assert set(c.parties) == {"PowerCo", "QuantumScape"}


def test_a_stated_stake_is_recorded_for_an_acquisition():
    c = classify("Toyota to take 4.94% of Suzuki",
                 "Toyota will buy a 4.94% stake in Suzuki and the two will co-develop self-driving "
                 "technology, the companies announced on Wednesday.")
    assert c.deal_type == "acquisition" and c.stake_pct == pytest.approx(4.94)
    assert c.as_contract("x")["stake_pct"] == pytest.approx(4.94)


def test_a_sourced_pull_out_report_is_a_rumored_dissolution():
    c = classify("Nissan to pull out of Honda merger talks, sources say",
                 "Nissan will pull out of merger talks with Honda, people familiar with the matter "
                 "said on Wednesday.")
    assert (c.deal_type, c.status) == ("dissolution", "rumored")


def test_an_official_end_is_a_terminated_dissolution():
    c = classify("Honda and Nissan end merger talks",
                 "Honda and Nissan said on Thursday they had agreed to end their merger talks and "
                 "terminate the memorandum they signed in December.")
    assert (c.deal_type, c.status) == ("dissolution", "terminated")


def test_a_memorandum_whose_aim_is_a_merger_is_a_merger():
    c = classify("Honda and Nissan sign MoU on merger talks",
                 "Honda and Nissan signed a memorandum of understanding on Monday to begin talks on "
                 "a merger under a joint holding company.")
    assert (c.deal_type, c.status) == ("merger", "announced")


def test_rebalancing_an_alliances_cross_shareholdings_is_a_strategic_alliance():
    c = classify("Renault and Nissan rebalance their alliance",
                 "Renault and Nissan agreed to rebalance their alliance, with Renault cutting its "
                 "stake in Nissan to 15% so that both hold equal 15% stakes.")
    assert c.deal_type == "strategic_alliance"


def test_buying_goods_is_not_an_acquisition():
    c = classify("Toyota and Nvidia partner on driving computers",
                 "Toyota will build its next cars on Nvidia's driving computer under a partnership "
                 "announced on Tuesday. Analysts say carmakers prefer to buy computing platforms.")
    assert c.deal_type == "strategic_alliance"


def test_a_battery_plant_venture_is_about_batteries_not_manufacturing():
    c = classify("Stellantis and CATL form battery joint venture",
                 "Stellantis and CATL will form a 50-50 joint venture to build a battery plant for "
                 "LFP cells for electric vehicles in Spain, with production starting in 2026.")
    assert c.focus_areas == ("batteries",)


def test_a_stake_bought_with_a_new_venture_is_an_acquisition():
    c = classify("Stellantis buys 21% of Leapmotor, sets up export venture",
                 "Stellantis will buy a 21% stake in Leapmotor for 1.5 billion euros and set up a "
                 "joint venture, Leapmotor International, to sell its cars outside China.")
    assert c.deal_type == "acquisition" and c.stake_pct == 21.0
    c = classify("Stellantis and CATL form battery joint venture",
                 "Stellantis and CATL will each hold a 50% stake in a joint venture that builds "
                 "battery cells in Spain.")
    assert c.deal_type == "joint_venture"


def test_vehicles_developed_together_are_about_platforms():
    c = classify("GM and Hyundai to co-develop five vehicles",
                 "General Motors and Hyundai agreed to co-develop five vehicles, including an electric "
                 "van, for the Americas from 2028, the companies announced on Wednesday.")
    assert "platforms" in c.focus_areas


def test_the_company_a_merger_forms_is_not_a_party():
    c = classify("Stellantis is born as PSA-FCA merger completes",
                 "The merger of PSA and Fiat Chrysler Automobiles was completed on Saturday, and the "
                 "combined company began trading as Stellantis.")
    assert (c.deal_type, c.status) == ("merger", "completed")
    assert set(c.parties) == {"PSA Group", "Fiat Chrysler"}


def test_a_joint_ventures_product_launch_is_no_deal_but_its_formation_is():
    c = classify("Sony Honda Mobility unveils Afeela sedan",
                 "Sony Honda Mobility, the joint venture of Sony and Honda, unveiled the Afeela 1 "
                 "electric sedan at CES on Tuesday, with deliveries from 2026.")
    assert not c.is_alliance
    c = classify("Honda and LG form battery joint venture L-H Battery",
                 "Honda and LG Energy Solution said on Monday they had formed L-H Battery Company, a "
                 "joint venture that will build battery cells in Ohio.")
    assert c.deal_type == "joint_venture" and set(c.parties) == {"Honda", "LG Energy Solution"}


@pytest.mark.parametrize("title, text", [
    ("Hyundai to use Qualcomm chips in its next cockpits",
     "Hyundai will use Qualcomm's Snapdragon platform in the cockpits of its next-generation "
     "cars from 2027, the chipmaker said at a trade show in Las Vegas."),
    ("Volvo Cars kiest voor Google als basis voor infotainment",
     "Volvo Cars kiest voor het besturingssysteem van Google in al zijn nieuwe modellen vanaf "
     "volgend jaar, maakte het bedrijf dinsdag bekend."),
])
def test_adopting_another_organisations_technology_is_a_partnership(title, text):
    c = classify(title, text)
    assert c.is_alliance and c.deal_type == "strategic_alliance"
    assert len(c.parties) == 2


def test_an_existing_ventures_product_news_is_not_a_deal():
    c = classify("Dongfeng Nissan's new sedan priced from 99,000 yuan",
                 "Dongfeng Nissan, the joint venture of Nissan and Dongfeng, launched a new electric "
                 "sedan on Tuesday. The joint venture said it received 8,000 orders within a day "
                 "of the launch.")
    assert not c.is_alliance


def test_an_existing_venture_in_a_deal_title_is_still_news():
    c = classify("Dongfeng Nissan joint venture to be dissolved next year",
                 "Nissan and Dongfeng will dissolve their joint venture Dongfeng Nissan next year, "
                 "the two companies announced on Tuesday.")
    assert c.is_alliance and c.status in ("announced", "terminated")


def test_two_unlisted_names_opening_a_headline_clause_are_the_sides():
    c = classify("Laden an der Autobahn: Ladewerk und Fahrstrom kooperieren",
                 "Ladewerk und Fahrstrom kooperieren beim Bau von Schnellladeparks an Raststätten, "
                 "teilten die Unternehmen am Montag mit.")
    assert c.is_alliance
    assert set(c.parties) == {"Ladewerk", "Fahrstrom"}


def test_an_interview_title_quoting_one_company_is_not_a_deal():
    c = classify('Kessler chief: "We are open to every partnership in batteries"',
                 "The chief executive of Kessler Antriebstechnik said in an interview that the "
                 "supplier is open to partnerships and alliances with carmakers on batteries. "
                 "Partnerships are essential, she said, but no talks are under way.")
    assert not c.is_alliance


def test_a_quoted_name_in_a_title_is_no_interview():
    c = classify('Toyota and "Woven" unit sign supply agreement with Denso',
                 "Toyota and Denso signed a supply agreement for software-defined vehicle chips on "
                 "Monday, the companies said.")
    assert c.is_alliance


def test_a_labour_contract_is_not_a_supply_deal():
    c = classify("Union strikes Ford and Stellantis plants",
                 "The union launched strikes at plants owned by Ford and Stellantis on Friday after "
                 "contract talks with both carmakers failed to reach a deal on wages.")
    assert not c.is_alliance


def test_a_charging_deal_between_unlisted_companies_is_auto_news():
    c = classify("Ladewerk und Fahrstrom kooperieren",
                 "Ladewerk und Fahrstrom kooperieren beim Bau von Schnellladeparks an Raststätten, "
                 "teilten die Unternehmen am Montag mit.")
    assert c.is_alliance and c.is_auto and "charging" in c.focus_areas


def test_a_word_inside_an_unlisted_companys_name_is_not_the_deals_scope():
    c = classify("Toyota and Steppe Motors form assembly venture",
                 "Toyota and the Kazakh assembler Steppe Motors will set up a joint venture to "
                 "assemble pickups in Almaty, the companies said on Monday.")
    assert c.deal_type == "joint_venture"
    assert "powertrain" not in c.focus_areas


@pytest.mark.parametrize("title, text", [
    ("Toyota and Panasonic set up battery joint venture",
     "Toyota and Panasonic set up a joint venture for car batteries on Wednesday, with Toyota "
     "taking a 51% stake and Panasonic 49%."),
    ("宁德时代与本田将在匈牙利建电池工厂",
     "宁德时代与本田宣布，双方将以各持股50%的合资形式在匈牙利建设一座电池工厂。"),
])
def test_the_founders_split_of_a_new_company_is_a_joint_venture(title, text):
    c = classify(title, text)
    assert c.deal_type == "joint_venture"


@pytest.mark.parametrize("title, text", [
    ("Ford Otosan buys Ford's Craiova plant",
     "Ford Otosan will buy Ford's vehicle and engine plant in Craiova for 575 million euros, the "
     "companies announced on Thursday."),
    ("Ford Otosan, Ford'un Craiova fabrikasını satın alıyor",
     "Koç Holding ile Ford'un ortaklığı Ford Otosan, Ford'un Romanya'daki araç ve motor "
     "üretim fabrikasını 575 milyon avroya satın alıyor."),
])
def test_buying_a_plant_is_an_acquisition(title, text):
    assert classify(title, text).deal_type == "acquisition"


def test_a_supplier_described_as_one_does_not_make_a_supply_deal():
    c = classify("Zulieferer Kessler und Ecodrive entwickeln gemeinsam E-Achsen",
                 "Der Zulieferer Kessler Antriebstechnik und das Start-up Ecodrive wollen gemeinsam "
                 "elektrische Achsen entwickeln, teilten die Unternehmen mit.")
    assert c.deal_type == "strategic_alliance"


@pytest.mark.parametrize("title, text", [
    ("丰田与Aurion Robotics签署合作协议",
     "丰田汽车与自动驾驶初创公司Aurion Robotics签署战略合作协议，双方将共同开发自动驾驶卡车。"),
    ("현대차, Aurion Robotics와 자율주행 협력",
     "현대자동차는 미국 스타트업 Aurion Robotics와 자율주행 트럭 공동 개발을 위한 전략적 제휴를 "
     "맺었다고 밝혔다."),
])
def test_a_latin_name_inside_cjk_text_is_an_unlisted_party(title, text):
    c = classify(title, text)
    assert c.is_alliance and "Aurion Robotics" in c.parties


def test_a_katakana_name_introduced_as_a_company_is_a_party():
    c = classify("独ブラント、新興エコドライブと電動アクスル共同開発",
                 "独自動車部品メーカーのブラントは、ミュンヘンの新興エコドライブと小型商用車向けの"
                 "電動アクスルを共同開発すると発表した。")
    assert c.is_alliance and set(c.parties) == {"ブラント", "エコドライブ"}


@pytest.mark.parametrize("title, text", [
    ("Tata Motors doet bod op Iveco",
     "Tata Motors doet een bod op Iveco van 3,8 miljard euro, maakte de Indiase autobouwer "
     "woensdag bekend."),
    ("Renault makes takeover bid for Nissan's Chennai plant partner",
     "Renault made a takeover bid for Kessler Antriebstechnik on Monday, offering 40 euros a "
     "share, the carmaker said."),
])
def test_a_takeover_bid_is_an_acquisition(title, text):
    c = classify(title, text)
    assert c.is_alliance and c.deal_type == "acquisition"


def test_a_rankings_yardsticks_are_not_parties():
    c = classify("PSA and Fiat Chrysler agree to merge",
                 "PSA and Fiat Chrysler agreed to merge on Thursday. The combined group would be "
                 "the world's fourth-largest carmaker after Volkswagen, Toyota and the "
                 "Renault-Nissan alliance.")
    assert set(c.parties) == {"PSA Group", "Fiat Chrysler"}


@pytest.mark.parametrize("title, text", [
    ("Ford e Rivian desistem do SUV elétrico da Lincoln",
     "A Ford e a Rivian desistem do SUV elétrico da Lincoln que iriam desenvolver em conjunto, "
     "informaram as empresas nesta terça-feira."),
    ("Lincoln's Rivian-based SUV is off",
     "Ford and Rivian said on Tuesday that the electric SUV they were to develop together on "
     "Rivian's platform is off."),
])
def test_a_headline_ending_between_two_sides_is_a_dissolution(title, text):
    c = classify(title, text)
    assert c.deal_type == "dissolution" and c.status == "terminated"


def test_money_invested_in_building_a_plant_is_not_a_purchase():
    c = classify("Ford to build LFP battery plant in Michigan with CATL technology",
                 "Ford will invest $3.5 billion in a battery plant in Marshall, Michigan, using "
                 "battery technology licensed from CATL, the carmaker said.")
    assert c.deal_type == "licensing"


def test_a_price_per_share_is_a_takeover_offer():
    c = classify("Schaeffler bietet 91 Euro je Aktie für Vitesco",
                 "Schaeffler bietet den Aktionären von Vitesco 91 Euro je Aktie, teilte der "
                 "Zulieferer am Montag mit.")
    assert c.is_alliance and c.deal_type == "acquisition"


@pytest.mark.parametrize("title, text", [
    ("Umicore et PowerCo mettent 3 milliards sur la table",
     "Umicore et PowerCo, la filiale batteries de Volkswagen, s'associent dans les matériaux de "
     "cathode, ont annoncé lundi les deux groupes, qui détiendront chacun la moitié de la "
     "nouvelle société."),
])
def test_an_equal_split_in_words_is_a_joint_venture_and_a_units_owner_no_party(title, text):
    c = classify(title, text)
    assert c.deal_type == "joint_venture"
    assert set(c.parties) == {"Umicore", "PowerCo"}


@pytest.mark.parametrize("title, text", [
    ("Analysis: Why Japan's carmakers keep trading shares with each other",
     "Toyota took a 4.9% stake in Suzuki in 2019 and Mazda and Toyota swapped shares in 2017. "
     "Such capital tie-ups bind Japan's carmakers together, analysts say."),
    ("Perodua Alza baharu dilancar, harga dari RM62,500",
     "Perodua melancarkan Alza baharu hari ini. Model itu dibangunkan bersama Toyota dan "
     "dijual pada harga dari RM62,500."),
    ("Umicore schrijft 1,6 miljard af op batterijmaterialen",
     "Umicore schrijft 1,6 miljard euro af op zijn batterijtak. De joint venture met PowerCo, "
     "de batterijdochter van Volkswagen, blijft bestaan."),
])
def test_analysis_product_and_write_down_headlines_are_not_deals(title, text):
    assert not classify(title, text).is_alliance


def test_a_venture_formally_launched_is_still_news():
    c = classify("Horse Powertrain officially launched",
                 "Renault and Geely officially launched Horse Powertrain, their 50-50 joint venture "
                 "for combustion and hybrid engines, on Friday.")
    assert c.is_alliance and c.status == "completed"


def test_a_units_owner_is_no_side_and_work_inside_a_group_is_no_deal():
    c = classify("Hände weg vom Lenkrad",
                 "Volkswagen wollte, dass die eigene Softwaretochter Cariad das Betriebssystem für "
                 "alle Marken liefert. Das gelang nicht. Auch die Konkurrenz macht Druck, und "
                 "Mercedes-Benz hat eine Zulassung erhalten. Tesla verkauft Software an Kunden. "
                 "Audi hat ein Projekt verschoben. Nun holt sich Volkswagen Hilfe. Cariad und Bosch "
                 "haben eine Entwicklungspartnerschaft für das automatisierte Fahren vereinbart, "
                 "wie beide Unternehmen am Dienstag mitteilten.")
    assert c.is_alliance and c.deal_type == "strategic_alliance"
    assert set(c.parties) == {"Cariad", "Bosch"}


def test_a_german_compound_ending_in_a_deal_word_is_a_deal_word():
    c = classify("Schaeffler und Bosch schließen Batteriepartnerschaft",
                 "Schaeffler und Bosch haben eine Technologiepartnerschaft vereinbart, teilten die "
                 "Zulieferer am Montag mit.")
    assert c.is_alliance and c.deal_type == "strategic_alliance"


def test_a_headline_attributed_to_sources_makes_an_ending_a_rumour():
    c = classify("Great Wall's plant deal with GM on the verge of collapse: sources",
                 "The agreement under which Great Wall Motor was to buy General Motors' Talegaon "
                 "plant will end this month, as approval has not come.")
    assert c.deal_type == "dissolution" and c.status == "rumored"


def test_a_completion_still_to_come_is_not_completed():
    c = classify("Київстар виходить на Nasdaq: VEON підписала угоду про злиття",
                 "VEON і Cohen Circle підписали угоду про злиття. Після завершення злиття акції "
                 "Kyivstar Group котируватимуться на Nasdaq.")
    assert c.status == "announced"


def test_a_finished_vehicle_is_no_finished_deal():
    c = classify("マツダとソラーズ、完成車合弁の生産を拡大",
                 "マツダとソラーズは、ウラジオストクの完成車合弁会社で新たな協業を始めると発表した。")
    assert c.status != "completed"


@pytest.mark.parametrize("title, text, parties", [
    ('مشروع مشترك بين "أدنوك للتوزيع" و"طاقة" للشحن الكهربائي',
     'أبوظبي – وقعت "أدنوك للتوزيع" و"طاقة" اتفاقية لتأسيس مشروع مشترك لتطوير شبكة شحن للسيارات '
     'الكهربائية.', {"أدنوك للتوزيع", "طاقة"}),
    ("Hyundai продает завод в Петербурге «АГР»",
     "Hyundai и «АГР» подписали соглашение: Hyundai продает завод в Санкт-Петербурге.",
     {"Hyundai", "АГР"}),
])
def test_a_quoted_name_next_to_another_organisation_is_a_party(title, text, parties):
    c = classify(title, text)
    assert c.is_alliance and set(c.parties) == parties


def test_a_quoted_phrase_in_cjk_text_is_no_party():
    c = classify("鸿海被曝寻求入股日产 日产回应“没有这样的事实”",
                 "据报道，鸿海正寻求入股日产。日产回应称“没有这样的事实”。")
    assert "没有这样的事实" not in c.parties


def test_selling_a_plant_is_an_acquisition():
    c = classify("Hyundai sells its St Petersburg plant to AGR",
                 "Hyundai agreed to sell its St Petersburg plant to AGR Holding for a symbolic sum, "
                 "the carmaker said on Tuesday.")
    assert c.is_alliance and c.deal_type == "acquisition"


def test_a_stake_taken_in_the_company_a_deal_creates_is_a_joint_venture():
    c = classify("LG Electronics and Magna set up e-powertrain joint venture",
                 "LG Electronics will spin off its e-powertrain business into a new company in "
                 "which Magna will acquire a 49% stake for $453 million, the companies said.")
    assert c.deal_type == "joint_venture"


def test_a_stake_word_in_another_language_makes_a_purchase_of_a_company():
    c = classify("Toyota převezme celou automobilku v Kolíně",
                 "Japonský koncern Toyota odkoupí padesátiprocentní podíl, který dosud vlastnila "
                 "francouzská skupina PSA. Oznámily to v pátek obě firmy.")
    assert c.is_alliance and c.deal_type == "acquisition"


def test_an_order_for_vehicles_is_a_supply_deal():
    c = classify("Hertz to add 65,000 Polestars",
                 "Hertz will buy up to 65,000 Polestar electric vehicles over five years, the "
                 "companies said on Tuesday.")
    assert c.deal_type == "supply_agreement"


def test_a_japanese_ending_still_being_arranged_is_a_rumour():
    c = classify("三菱自、中国での車両生産から撤退へ",
                 "三菱自動車は広汽集団との合弁を解消し、中国での車両生産から撤退する方向で"
                 "最終調整に入った。")
    assert c.deal_type == "dissolution" and c.status == "rumored"


@pytest.mark.parametrize("spelled, reported", [
    ("PPF Grubu", "PPF"), ("Volvokoncernen", "Volvo"), ("Acme Robotics GmbH", "Acme Robotics"),
    ("Kessler Holding", "Kessler"),
])
def test_an_unlisted_name_is_reported_without_legal_forms_and_group_words(spelled, reported):
    from pipeline.classify.orgnames import strip_legal_form
    assert strip_legal_form(spelled) == reported


def test_a_product_name_is_no_party():
    c = classify("Renault and Google widen software partnership",
                 "Renault and Google will widen their partnership to the software of the Megane "
                 "E-Tech Electric and later models, the companies said.")
    assert set(c.parties) == {"Renault", "Google"}


@pytest.mark.parametrize("title, text", [
    ("Guvernul dă undă verde unui ajutor de stat pentru uzina din Craiova",
     "Guvernul a aprobat un ajutor de stat pentru uzina Ford Otosan din Craiova, deținută de "
     "Ford și Koç în parteneriat."),
    ("LG Magna e-Powertrain opens Mexican plant to feed GM's EV ramp-up",
     "LG Magna e-Powertrain, the joint venture of LG Electronics and Magna, opened a plant in "
     "Mexico on Tuesday to supply motors for General Motors' electric vehicles."),
])
def test_state_aid_and_a_ventures_plant_opening_are_not_deals(title, text):
    assert not classify(title, text).is_alliance


def test_an_attribution_to_the_parties_themselves_is_no_rumour():
    c = classify("Stellantis y CATL invertirán 4.100 millones en Zaragoza",
                 "Stellantis y CATL crearán una empresa conjunta al 50% para una planta de baterías "
                 "en Zaragoza, según las dos empresas.")
    assert c.status == "announced"


def test_a_completion_word_at_the_very_end_of_the_text_still_counts():
    c = classify("Toyota and Panasonic battery company", "丰田与松下的电池合资公司成立已完成")
    assert c.status == "completed"


def test_german_news_names_a_carmaker_by_its_home_town():
    c = classify("VW kauft sich bei chinesischem Zellhersteller ein",
                 "Die Wolfsburger erwerben für rund eine Milliarde Euro 26 Prozent an der Firma "
                 "Gotion High-Tech, wie der Konzern am Freitag mitteilte.")
    assert c.is_alliance and c.deal_type == "acquisition"
    assert set(c.parties) == {"Volkswagen", "Gotion"}


def test_two_names_run_together_after_alliance_are_its_members_not_a_venture():
    c = classify("L'Alliance Renault Nissan se réorganise",
                 "L'Alliance Renault Nissan veut repartir sur de nouvelles bases: les deux partenaires "
                 "ont annoncé qu'ils détiendront chacun 15% du capital de l'autre.")
    assert set(c.parties) == {"Renault", "Nissan"}


def test_a_single_compound_noun_or_a_place_after_a_partner_word_is_no_party():
    c = classify("Elektromobilität: Volkswagen holt Partner für Batteriewerk Salzgitter",
                 "Volkswagen strebt eine strategische Zusammenarbeit mit dem Batteriehersteller "
                 "Gotion an, teilte der Konzern am Dienstag mit.")
    assert set(c.parties) == {"Volkswagen", "Gotion"}


def test_headline_slang_for_calling_off_ends_a_partnership():
    c = classify("Honda Motor and GM Nix EV Partnership",
                 "Honda Motor and General Motors have decided not to proceed with joint plans to "
                 "develop affordable electric vehicles, the companies said, and will discontinue the program.")
    assert (c.deal_type, c.status) == ("dissolution", "terminated")


def test_a_company_to_beat_is_no_party():
    c = classify("Honda and GM to co-develop cheaper EVs",
                 "Honda and General Motors agreed on Tuesday to jointly develop affordable electric "
                 "vehicles in a bid to beat Tesla in sales.")
    assert set(c.parties) == {"Honda", "General Motors"}


def test_an_amendment_to_an_agreement_is_news_in_french():
    # Romanian 'amendă' (a fine) is a distractor; French 'amendement' is not that word
    c = classify("Amendement de l'accord entre Nissan et Renault",
                 "Renault et Nissan ont conclu un amendement au nouvel accord de l'Alliance pour "
                 "ramener leur participation croisée à 10%.")
    assert c.is_alliance and set(c.parties) == {"Renault", "Nissan"}


@pytest.mark.parametrize("title,text", [
    ("Nissan names new CEO after Honda deal falls apart",
     "Nissan has named a company veteran as its next chief executive.\n"
     "- The collapse of merger talks with Honda leaves open whether Nissan will seek a new partner."),
    ("Nissan president unaware of Renault merger proposal",
     "The president of Nissan said on Monday he was unaware of any proposal to merge the company "
     "with Renault and had not received any such proposal."),
    ("VW-Aufsichtsrat entschärft Gerüchte über Fusion mit Fiat",
     "Gespräche über eine Fusion von Volkswagen mit Fiat seien ihm nicht bekannt, sagte das "
     "Aufsichtsratsmitglied am Freitag."),
    ("Einbruch in China belastet Audi",
     "Der Einbruch der Verkäufe in China hat Audi im ersten Quartal gebremst. Die VW-Tochter lotet "
     "derzeit eine Zusammenarbeit mit SAIC neben dem langjährigen Partner FAW aus."),
    ("MHP: How partnerships put Europe's carmakers in the fast lane",
     "Partnerships between Volkswagen and Rivian or Stellantis and Leapmotor show how carmakers "
     "share the cost of software."),
])
def test_a_headline_about_something_else_or_a_denial_is_no_deal(title, text):
    assert not classify(title, text).is_alliance


def test_an_announcement_outweighs_a_report_cited_once_for_background():
    c = classify("Renault to reduce stake in Nissan, rebalancing alliance",
                 "Renault announced its decision to cut its stake in partner Nissan to 15 percent, "
                 "the Japanese firm said on Monday.\n"
                 "Renault will reduce its stake from 43.4 percent to 15 percent, matching Nissan's stake.\n"
                 "Renault holds the larger stake and has voting rights, according to a report by a news agency.")
    assert c.status == "announced"


def test_a_headline_labelled_report_makes_an_ending_a_rumour():
    c = classify("Report: bus maker Kestrel to pull out of cell venture with Toyota",
                 "Kestrel Mobility plans to leave its battery cell joint venture with Toyota.\n"
                 "Kestrel did not comment.")
    assert (c.deal_type, c.status) == ("dissolution", "rumored")


def test_a_memorandum_to_form_a_venture_is_an_mou_but_one_to_merge_is_a_merger():
    c = classify("AvtoVAZ and Magna sign memorandum on creating a joint venture",
                 "AvtoVAZ and Magna signed a memorandum of understanding on Tuesday to create a joint "
                 "venture making body parts in Togliatti.")
    assert (c.deal_type, c.status) == ("mou", "announced")
    c = classify("Honda and Nissan sign memorandum to explore merger",
                 "Honda and Nissan signed a memorandum of understanding to start talks on a merger "
                 "under a joint holding company.")
    assert c.deal_type == "merger"


def test_unequal_founders_shares_of_a_new_venture_make_a_joint_venture():
    c = classify("PIF and Hyundai sign deal on car plant in Saudi Arabia",
                 "PIF will hold a 70% stake in the new joint venture with Hyundai Motor, with Hyundai "
                 "holding the remaining 30%, the fund said on Sunday.")
    assert c.deal_type == "joint_venture"


def test_an_unlisted_name_in_a_title_case_headline_must_recur_in_the_text():
    c = classify("Hyundai Motor Sign Deal to Establish Automotive Manufacturing Plant in Saudi Arabia",
                 "The Public Investment Fund (PIF) and Hyundai Motor announced a joint venture agreement "
                 "to build a car plant in Saudi Arabia.")
    assert set(c.parties) == {"PIF", "Hyundai"}


def test_a_later_sentence_citing_a_report_on_a_detail_does_not_make_an_announcement_a_rumour():
    c = classify("Hyundai and Aptiv: a self-driving venture",
                 "After years of talks Hyundai announced its decision to form a joint venture with "
                 "Aptiv for self-driving software.\n"
                 "Hyundai will hold 50 percent of the joint venture and Aptiv the other half.\n"
                 "Aptiv holds patents on lidar and has a licence deal with Hyundai, according to a report by Bloomberg.")
    assert c.status == "announced"


def test_a_title_case_headline_repeated_as_the_first_line_names_no_one_new():
    c = classify("Toyota-Panasonic JV to Begin Production of Prismatic Batteries",
                 "Toyota-Panasonic JV to Begin Production of Prismatic Batteries\n"
                 "Prime Planet Energy, a joint venture of Toyota and Panasonic, will begin production of "
                 "prismatic batteries in Japan.")
    assert "Begin Production of Prismatic Batteries" not in c.parties


@pytest.mark.parametrize("title,text", [
    ("Tata Motors hands over electric cars to state government",
     "Tata Motors has handed over two electric cars to the state government. This comes closely after "
     "Tata Motors signed a memorandum of understanding with the state of Maharashtra for charging."),
    ("Škoda slaví 30 let od vstupu do koncernu Volkswagen",
     "Škoda Auto letos slaví výročí: před třiceti lety vstoupila do koncernu Volkswagen, který "
     "tehdy převzal většinový podíl."),
    ("Carlos Ghosn resigns from Renault, Senard becomes new chairman, Bollore new CEO",
     "Carlos Ghosn has resigned as chairman and CEO of Renault.\n"
     "Senard will now have the task of easing the relationship between Renault and Nissan in the alliance."),
])
def test_recaps_anniversaries_and_boardroom_changes_are_no_deal(title, text):
    assert not classify(title, text).is_alliance


def test_a_country_named_in_french_is_no_party():
    c = classify("Geely et Mercedes-Benz créent une coentreprise en Chine",
                 "Geely et Mercedes-Benz ont annoncé une coentreprise 50-50 en Chine pour la marque smart.")
    assert set(c.parties) == {"Geely", "Mercedes-Benz"}


def test_traditional_chinese_is_read_like_simplified():
    c = classify("億緯鋰能子公司與大運汽車簽訂戰略合作協議",
                 "億緯鋰能9月20日發布公告稱,子公司億緯動力與大運汽車簽訂戰略合作協議,雙方將在新能源汽車電池領域合作。")
    assert c.is_alliance and (c.deal_type, c.status) == ("strategic_alliance", "announced")


def test_a_companys_own_official_is_no_anonymous_source_in_korean():
    c = classify("현대차·기아-SK이노베이션, 배터리 공동 개발",
                 "현대차·기아와 SK이노베이션이 하이브리드 배터리를 공동 개발한다.\n"
                 "현대자동차·기아 관계자는 \"SK이노베이션과의 협력으로 경쟁력을 높일 것\"이라고 말했다.")
    assert c.status == "announced"


def test_rumours_before_the_news_do_not_make_it_a_rumour():
    c = classify("Fusion PSA et FCA : c'est désormais officiel",
                 "Après plusieurs rumeurs et des semaines de négociations, PSA et Fiat Chrysler ont signé "
                 "mercredi un accord de fusion.")
    assert (c.deal_type, c.status) == ("merger", "announced")


@pytest.mark.parametrize("title,text,parties", [
    ("星河汽车与云帆动力签署战略合作协议", "星河汽车与云帆动力签署战略合作协议,双方将在新能源汽车电池领域开展合作。",
     {"星河汽车", "云帆动力"}),
    ("富岳機工、カワセらと中国に新合弁会社設立へ", "富岳機工は20日、カワセなどと中国に合弁会社を設立すると発表した。",
     {"富岳機工", "カワセ"}),
])
def test_chinese_and_japanese_names_the_gazetteer_lacks_end_in_a_sector_word(title, text, parties):
    c = classify(title, text)
    assert c.is_alliance and set(c.parties) == parties
    assert set(c.unresolved_parties) == parties


def test_a_product_phrase_ending_in_a_sector_word_is_no_name():
    c = classify("トヨタとパナソニック、車載用角形電池で新会社", "トヨタ自動車とパナソニックは、車載用角形電池事業の合弁会社を設立すると発表した。")
    assert set(c.parties) == {"Toyota", "Panasonic"}


@pytest.mark.parametrize("title,text", [
    ("Studie zu weltweiten Übernahmen: Autobauer setzen verstärkt auf Zukäufe",
     "Autobauer kaufen häufiger zu: Laut einer Studie stieg die Zahl der Übernahmen, etwa von Volkswagen "
     "und Toyota bei Softwarefirmen."),
    ("Panasonic to boost battery output for Tesla",
     "Panasonic will boost battery output at its Nevada plant, which supplies cells to Tesla under their "
     "existing agreement."),
])
def test_studies_and_capacity_expansions_are_no_deal(title, text):
    assert not classify(title, text).is_alliance


def test_the_existing_alliance_topping_a_ranking_is_no_deal():
    c = classify("L'Alliance Renault-Nissan-Mitsubishi dépasse VW et Toyota",
                 "L'Alliance Renault-Nissan-Mitsubishi est devenue le premier groupe automobile mondial en 2017, "
                 "avec 10,6 millions de véhicules vendus, devant Volkswagen et Toyota.\n"
                 "L'alliance entre Renault et Nissan, élargie à Mitsubishi, vise 14 millions de ventes en 2022.")
    assert not c.is_alliance


def test_a_headline_verb_between_two_unlisted_companies_names_both_sides():
    c = classify("KORVAN übernimmt Heller Umformtechnik",
                 "Der Zulieferer KORVAN übernimmt den Umformspezialisten Heller Umformtechnik aus Gevelsberg.")
    assert c.is_alliance and c.deal_type == "acquisition"
    assert set(c.parties) == {"KORVAN", "Heller Umformtechnik"}
    c = classify("Bosch übernimmt Mehrheit", "Bosch übernimmt die Mehrheit an einem Zulieferer.")
    assert "Mehrheit" not in c.parties  # a lone German noun is no company


def test_a_memorandum_signed_in_the_lead_makes_an_mou_whatever_the_headline_says():
    c = classify("Stellantis s'associe à CATL pour les batteries LFP",
                 "Stellantis mise sur les batteries LFP et s'associe pour cela au chinois CATL.\n"
                 "Stellantis et CATL ont signé un protocole d'accord non contraignant pour la fourniture de "
                 "cellules en Europe et envisagent une coentreprise.")
    assert (c.deal_type, c.status) == ("mou", "announced")


def test_a_recap_word_after_the_sentences_own_deal_and_event_is_context():
    c = classify("Nissan, Renault formally agree to make cross-shareholdings equal",
                 "Nissan and Renault said Monday they have formally agreed to make their cross-shareholdings "
                 "equal at 15 percent, in a deal that changes their decades-old capital alliance.")
    assert (c.deal_type, c.status) == ("strategic_alliance", "announced")


def test_a_memorandum_signed_before_the_venture_agreement_is_an_earlier_step():
    c = classify("Hyundai signs JV to assemble vehicles in Saudi Arabia",
                 "Hyundai announced it had signed a joint venture agreement with the Public Investment Fund "
                 "to build a plant, after the two partners signed a memorandum of understanding in June.")
    assert c.deal_type == "joint_venture"


def test_years_after_a_takeover_its_integration_is_no_deal():
    c = classify("ZF in neuem Gewand",
                 "Zweieinhalb Jahre nach der Übernahme von TRW hat der Zulieferer ZF die Integration des "
                 "amerikanischen Unternehmens abgeschlossen.")
    assert not c.is_alliance


def test_nobody_named_and_one_weak_deal_word_is_no_deal():
    c = classify("Ринок нових авто у 2024 році зріс на 17%",
                 "За даними асоціації, у 2024 році українці придбали 72 тис. нових легкових автомобілів.")
    assert not c.is_alliance


@pytest.mark.parametrize("title,text", [
    ("Earnings look bright for joint-venture carmakers in China",
     "Strong sales under joint-venture brands are setting up bright earnings reports by carmakers "
     "Brilliance China Automotive and Dongfeng Motor for the first half."),
    ("大众在华发动新能源攻势 与小鹏首款联合开发车型投产",
     "大众汽车与小鹏汽车联合开发的首款车型于3月13日在大众安徽正式投产,预计上半年上市。"),
    ("Panasonic to boost battery output for Tesla",
     "Panasonic plans to spend 10 billion yen to increase its battery production capacity in the "
     "United States for supply to Tesla, informed sources said."),
])
def test_a_deal_word_beside_earnings_or_a_product_without_two_sides_is_no_deal_headline(title, text):
    assert not classify(title, text).is_alliance


def test_a_korean_press_release_is_the_companys_own_word():
    c = classify("GM, 랜싱 배터리 공장 지분 LG엔솔에 매각",
                 "GM은 이날 보도자료에서 랜싱 배터리 공장의 지분을 LG에너지솔루션에 매각하기로 합의했다고 밝혔다.")
    assert c.status == "announced"


def test_a_venture_jointly_established_is_completed():
    c = classify("Geely and Baidu co-found new auto tech firm",
                 "Chinese automaker Geely and tech giant Baidu have jointly established a new EV company, "
                 "in which Baidu holds 55%.")
    assert c.status == "completed"


def test_a_title_case_verb_after_a_name_makes_no_joint_venture_name():
    title = "Huawei and Changan Announce Major Collaboration: A Milestone in Automotive Innovation"
    c = classify(title, f"{title}\nSearch\n{title}\nChangan Automobile announced that it had signed an "
                        "investment cooperation memorandum with Huawei.")
    assert set(c.parties) == {"Huawei", "Changan"}


@pytest.mark.parametrize("published,party", [
    (date(2010, 7, 6), "Fiat"), (date(2019, 5, 27), "Fiat Chrysler"), (date(2024, 2, 1), "Stellantis")])
def test_a_brand_is_the_party_of_whoever_owned_it_when_the_article_appeared(published, party):
    c = classify_article("Fiat and GAC signed an agreement to set up a 50-50 joint venture in Changsha.",
                         title="Fiat and GAC form joint venture", published=published)
    assert set(c.parties) == {party, "GAC"}


def test_opel_was_general_motors_before_psa_bought_it():
    c = classify_article("Opel and Suzuki agreed to jointly develop a small car.", title="Opel teams up with Suzuki",
                         published=date(2012, 3, 1))
    assert set(c.parties) == {"General Motors", "Suzuki"}


@pytest.mark.parametrize("text", [
    "Tata Motors signed a Memorandum of Understanding with the State Government of Maharashtra for electric buses.",
    "Tata Motors signed a Memorandum of Understanding with the Maharashtra government for electric buses.",
])
def test_a_government_that_signs_is_a_party_named_government_of(text):
    c = classify("Tata Motors signs MoU for electric buses", text)
    assert set(c.parties) == {"Tata Motors", "Government of Maharashtra"}


def test_a_national_government_that_approves_is_no_party():
    c = classify("Toyota, Suzuki venture cleared", "The Indian government approved the joint venture between "
                 "Toyota and Suzuki on Monday.")
    assert set(c.parties) == {"Toyota", "Suzuki"}


def test_finalising_an_agreement_signs_it_and_closes_nothing():
    c = classify("Samsung SDI and GM finalise $3.5 billion deal to build EV battery plant",
                 "Samsung SDI and General Motors finalized an agreement on Tuesday to build a $3.5 billion "
                 "battery joint venture plant in Indiana.")
    assert c.status == "announced"


def test_money_invested_in_capacity_or_research_is_no_purchase():
    c = classify("Ashok Leyland, CALB battery partnership",
                 "Ashok Leyland will invest Rs 5,000 crore in developing a battery ecosystem in India in "
                 "partnership with China's CALB.")
    assert c.deal_type == "strategic_alliance"


@pytest.mark.parametrize("title,text", [
    ("比亚迪否认与蔚来合作传闻", "近期网络流传比亚迪与蔚来将联手成立新公司的消息。比亚迪否认了双方合作的传闻。"),
    ("Альянс с АвтоВАЗом принес Renault убытки",
     "Renault получила убыток в 2,2 млрд евро в первом полугодии из-за списания вложений в АвтоВАЗ."),
    ("Tesla löst VW in Deutschland als Marktführer ab",
     "Tesla hat Volkswagen als Marktführer bei Elektroautos in Deutschland abgelöst."),
])
def test_a_headline_denial_or_loss_or_ranking_is_no_deal(title, text):
    assert not classify(title, text).is_alliance


def test_lösen_ends_a_venture_only_with_its_particle():
    c = classify("Ford und SK On lösen Batterie-Gemeinschaftsunternehmen auf",
                 "Ford und SK On lösen ihr Batterie-Gemeinschaftsunternehmen BlueOval SK auf.")
    assert (c.deal_type, c.status) == ("dissolution", "terminated")


def test_a_headline_that_is_a_persons_view_is_no_deal():
    c = classify("Morgan Stanley's Adam Jonas says partnerships may be the way ahead for legacy automakers",
                 "Legacy automakers such as General Motors and Stellantis may need partnerships with Tesla "
                 "to compete, Morgan Stanley analyst Adam Jonas said in a note.")
    assert not c.is_alliance
    c = classify("Toyota says it will buy a stake in Joby", "Toyota said on Tuesday it will buy a stake in Joby Aviation.")
    assert c.is_alliance  # a company saying it will do a deal is news


def test_cells_bought_are_supplied_not_acquired():
    c = classify("BMW kauft in Erfurt Batteriezellen für 1,5 Milliarden Euro",
                 "BMW kauft bei CATL Batteriezellen für 1,5 Milliarden Euro, die in Erfurt gefertigt werden.")
    assert c.deal_type == "supply_agreement"
    c = classify("Advance Auto Parts to acquire General Parts", "Advance Auto Parts agreed to acquire General Parts "
                 "International for $2 billion.")
    assert c.deal_type == "acquisition"  # a company whose name says parts is still a company


def test_a_report_the_news_follows_is_still_a_rumour():
    c = classify("Toyota shares jump after reports of Suzuki stake talks",
                 "Toyota shares rose after reports that it is in talks to buy a stake in Suzuki, "
                 "people familiar with the matter said.")
    assert c.status == "rumored"


def test_a_name_never_opens_with_a_symbol_left_by_a_dropped_title():
    c = classify("Toyota and Acme Robotics to co-develop factory robots",
                 "Toyota and Acme Robotics signed a partnership on Monday, said President & CEO Acme Robotics "
                 "founder Jane Moss.")
    assert not any(p.startswith("&") for p in c.parties)


def test_a_loss_making_partner_is_no_deal_headline_in_russian():
    c = classify("Renault пожаловался на \"убыточный\" АвтоВАЗ",
                 "Renault пожаловался на убыточный АвтоВАЗ: альянс с российским партнером принес убытки.")
    assert not c.is_alliance


@pytest.mark.parametrize("title,text,deal_type", [
    ("Geely neemt Volvo Cars over van Ford",
     "Het Chinese Geely neemt de Zweedse autobouwer Volvo Cars voor 1,8 miljard dollar van Ford over.",
     "acquisition"),
    ("Volvo werkt met Google samen aan software",
     "Volvo Cars werkt voortaan met Google samen aan de software van zijn elektrische auto's.",
     "strategic_alliance"),
    ("Bosch und Cariad arbeiten beim automatisierten Fahren zusammen",
     "Bosch und die VW-Softwaretochter Cariad arbeiten künftig beim automatisierten Fahren zusammen.",
     "strategic_alliance"),
])
def test_a_separable_verb_counts_with_its_particle_later_in_the_sentence(title, text, deal_type):
    c = classify(title, text)
    assert c.is_alliance and c.deal_type == deal_type


def test_a_separable_verb_without_its_particle_is_no_deal_word():
    c = classify("Geely neemt afscheid van Volvo-motoren",
                 "Geely neemt afscheid van de motoren van Volvo Cars en bouwt vanaf 2026 eigen motoren.")
    assert not c.is_alliance


def test_a_typographic_apostrophe_spells_the_same_word():
    assert fold("D’accord") == "d'accord"
    c = classify("Stellantis s’associe à LG Energy Solution pour sa gigafactory",
                 "Les constructeurs multiplient les partenariats dans les batteries. Ce lundi, Stellantis "
                 "a annoncé la signature d’un protocole d’accord avec LG Energy Solution pour produire des "
                 "cellules en Amérique du Nord.")
    assert (c.deal_type, c.status) == ("mou", "announced")


def test_a_memorandum_signed_in_the_lead_under_a_partnership_headline_is_an_mou():
    c = classify("Mazda вместе с Sollers будет выпускать машины в России",
                 "Mazda подписала договор о намерениях с Sollers: компании наладят сборку машин японской "
                 "марки во Владивостоке.")
    assert c.deal_type == "mou"


def test_a_memorandum_dated_before_the_news_is_an_earlier_step():
    c = classify("Hyundai and GM to co-develop five vehicles",
                 "Hyundai Motor and General Motors will jointly develop five vehicles for the Americas, "
                 "eleven months after signing a memorandum of understanding last September. The first "
                 "models will be launched in 2028.")
    assert c.deal_type == "strategic_alliance"


def test_a_specific_form_named_in_the_lead_beats_a_partnership_headline():
    c = classify("Samsung SDI joins hands with GM to build battery plant in Indiana",
                 "Samsung SDI said on Wednesday it has finalised its agreement with General Motors to build "
                 "a battery cell plant in Indiana. GM confirmed the partnership in a statement. The joint "
                 "venture, first announced in April, will invest $3.5 billion. The joint venture plant "
                 "will start production in 2026.")
    assert c.deal_type == "joint_venture"


@pytest.mark.parametrize("title,text", [
    ("Samsung SDI and GM complete agreement on Indiana battery plant",
     "Samsung SDI and General Motors have completed an agreement to build a joint battery plant in "
     "Indiana worth $3.5 billion."),
    ("BMW bezieht Batteriezellen von CATL",
     "BMW will von CATL Batteriezellen für vier Milliarden Euro beziehen. Ein entsprechender langfristiger "
     "Vertrag über mindestens zehn Jahre sei abgeschlossen, sagte der Einkaufschef am Montag."),
])
def test_a_contract_concluded_is_signed_not_closed(title, text):
    assert classify(title, text).status == "announced"


def test_an_acquisition_completed_is_closed():
    c = classify("Stellantis completes acquisition of stake in Leapmotor",
                 "Stellantis said on Monday it has completed the acquisition of a 21% stake in Leapmotor "
                 "under the agreement signed in October.")
    assert c.status == "completed"


def test_rumours_that_lasted_years_are_past_in_french():
    c = classify("Renault et Nissan rééquilibrent leur alliance",
                 "L'Alliance Renault-Nissan repart sur de nouvelles bases après 24 ans de mariage et des "
                 "rumeurs de divorce. Les deux groupes ont annoncé lundi un nouvel accord.")
    assert c.status == "announced"


def test_swedish_order_words_are_a_supply_deal():
    c = classify("Northvolt får order värd 120 miljarder",
                 "Northvolt får en stor order på battericeller från Volkswagen värd 120 miljarder kronor.")
    assert c.is_alliance and c.deal_type == "supply_agreement"


@pytest.mark.parametrize("title,text", [
    ("No need to merge with Nissan: Renault chairman",
     "Renault's chairman said on Friday there was no need to merge with Nissan, as the alliance works well."),
    ("Renault : une fusion avec Nissan n'est pas à l'ordre du jour",
     "Une fusion entre Renault et Nissan n'est pas à l'ordre du jour, a déclaré le président de Renault."),
])
def test_a_deal_said_to_be_unneeded_or_off_the_agenda_is_no_deal(title, text):
    assert not classify(title, text).is_alliance


@pytest.mark.parametrize("title,text", [
    ("Daimler Truck und Toyota wollen Lkw-Geschäft zusammenlegen",
     "So soll die Daimler-Truck-Tochter Mitsubishi Fuso mit der Toyota-Tochter Hino unter einer "
     "Holdinggesellschaft fusionieren, wie die beiden Konzerne am Dienstag mitteilten."),
    ("Honda und Nissan wollen über eine Fusion verhandeln",
     "Honda und Nissan gaben am Montag eine Vereinbarung über den Beginn von Fusionsgesprächen bekannt."),
])
def test_german_announcement_verbs_split_or_joined_are_the_parties_own_word(title, text):
    assert classify(title, text).status == "announced"


def test_a_sentence_opening_on_a_past_date_phrase_is_a_recap():
    c = classify_article("At the end of October 2023 Stellantis announced a joint venture with Leapmotor to sell its "
                         "cars outside China. The Tychy plant in Poland will assemble the small T03 from June, the "
                         "company said.", title="Tychy plant to build Leapmotor's small EV", published=date(2024, 5, 2))
    assert not c.is_alliance


def test_an_undated_article_dates_a_brand_owner_by_the_years_it_names():
    c = classify_article("Fiat and GAC signed a 50-50 joint venture agreement to build engines and cars in "
                         "Changsha, with production from 2011.", title="Fiat and GAC sign joint venture")
    assert set(c.parties) == {"Fiat", "GAC"}


def test_an_investor_before_an_investment_word_buys_nothing_without_a_name_after():
    c = classify("Ashok Leyland, CALB battery partnership: Rs 5,000 crore investment in EV India",
                 "Ashok Leyland has signed a strategic partnership with China's CALB. Ashok Leyland will "
                 "invest in battery localisation in India over the next seven years.")
    assert c.deal_type == "strategic_alliance"
    c = classify("Hyundai invests in Motional", "Hyundai Motor said on Monday it will invest in Motional, "
                 "taking a larger stake in the driverless-car company.")
    assert c.deal_type == "acquisition"


def test_a_buy_in_named_as_a_noun_is_a_stake():
    c = classify("Aramco prépare son entrée au capital de Horse Powertrain",
                 "Le groupe saoudien Aramco prépare son entrée au capital de Horse Powertrain, le "
                 "fabricant de moteurs de Renault et Geely, a annoncé jeudi Renault.")
    assert c.is_alliance and c.deal_type == "acquisition"
