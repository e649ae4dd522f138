"""Signals beside the area × category cube: escalation keywords (also in
full-width text), employer/site names pulled out of complaints and
normalised so that mentions agree, per-entity daily series, and repeat
reporters — escalating or merely persistent."""

import numpy as np

from intel.entities import (
    ESCALATION_KEYWORDS,
    Hit,
    KeywordMatcher,
    entity_key,
    entity_series,
    extract_entities,
    repeat_reporters,
)


def test_default_keywords_are_found_with_their_group_and_position():
    text = "包工头拖欠工资半年，再不给钱我们就去跳楼，还要进京上访"
    assert KeywordMatcher().find(text) == [
        Hit("拖欠工资", "讨薪", 3),
        Hit("跳楼", "极端", 18),
        Hit("进京", "上访", 23),
        Hit("上访", "上访", 25),
    ]
    assert text[18:20] == "跳楼"
    assert ESCALATION_KEYWORDS["堵路"] == "聚集"


def test_the_longer_keyword_wins():
    assert KeywordMatcher().find("他说要喝农药") == [Hit("喝农药", "极端", 3)]


def test_matching_ignores_width_and_case_and_keeps_positions():
    matcher = KeywordMatcher({"PX项目": "环保", "110": "报警"})
    text = "反对ｐｘ项目，已打１１０"
    hits = matcher.find(text)
    assert hits == [Hit("PX项目", "环保", 2), Hit("110", "报警", 9)]
    assert text[9:12] == "１１０"
    assert matcher.groups("ＰＸ项目") == {"环保"}


def test_a_plain_list_makes_each_keyword_its_own_group():
    assert KeywordMatcher(["断水", "断电"]).find("小区断电三天") == [Hit("断电", "断电", 2)]


def test_no_hits_in_an_ordinary_complaint():
    assert KeywordMatcher().find("小区门口的路灯坏了一个月，晚上出行不便，集体土地上的路没人管") == []


def test_entity_key_makes_mentions_of_one_company_agree():
    key = entity_key("XX建筑有限公司")
    assert key == "xx建筑"
    assert entity_key("ＸＸ建筑 有限责任公司") == key
    assert entity_key("xx建筑公司") == key
    assert entity_key("(XX)建筑股份有限公司。") == key
    assert entity_key("宏达劳务有限公司") != key
    assert entity_key("幸福家园小区") == "幸福家园小区"  # other endings tell places apart: kept
    assert entity_key("公司") == "公司"  # nothing but the ending: kept


def test_employers_and_sites_are_extracted_from_realistic_complaints():
    cases = {
        "XX建筑工程有限公司拖欠我们农民工工资三个月": ["XX建筑工程"],
        "我们在城南新区安置房项目工地干活，包工头拖欠工资，找了该公司好几次都没用": [
            "城南新区安置房项目工地"
        ],
        "本人居住在幸福家园小区，小区物业长期不作为，垃圾无人清运": ["幸福家园小区"],
        "我和宏达劳务有限公司签了合同，今年3月至今未发工资": ["宏达劳务"],
        "住在和平小区的居民反映，附近的红星化工厂夜间排放刺鼻气体": ["和平小区", "红星化工厂"],
        "向阳小区门口的农贸市场占道经营，向市场监管局反映多次无果": ["向阳小区"],
        "孩子在实验小学上学，学校周边交通拥堵，小学生过马路很危险": ["实验小学"],
        "2023年在市第一人民医院做手术后出现感染，医院拒绝赔偿": ["市第一人民医院"],
        "如家酒店门口堆放大量建筑垃圾": ["如家酒店"],
    }
    for text, expected in cases.items():
        assert extract_entities(text) == expected, text


def test_generic_and_pointing_mentions_are_not_entities():
    assert extract_entities("物业公司乱收费，这个小区的业主都很气愤，该公司也不管") == []
    assert extract_entities("厂家不给退货，厂房漏水，这家建筑工程公司也不管") == []
    # 本, 贵 begin real names too: dropped only when nothing but generic words would follow
    assert extract_entities("去年在本溪市中心医院住院，费用不合理") == ["本溪市中心医院"]
    assert extract_entities("贵州茅台酒厂的工人反映加班费未发") == ["贵州茅台酒厂"]


def test_entity_series_counts_per_key_and_day():
    keys = ["xx建筑", "xx建筑", "宏达劳务", "", "xx建筑", "幸福家园小区", "幸福家园小区", "宏达劳务"]
    day = np.array([0, 2, 2, 1, 10, 3, 3, -1])  # 10 and −1 fall outside 10 days
    names, counts = entity_series(keys, day, days=10, min_cases=2)
    assert names == ["xx建筑", "幸福家园小区"]  # 宏达劳务 has one case inside: no row
    assert counts.tolist() == [[1, 0, 1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 2, 0, 0, 0, 0, 0, 0]]


def _reporters():
    today = 100
    rows = [
        # steady: 4 cases evenly over the month, none before — repeat but not escalating
        ("steady", 72, "路灯坏了"), ("steady", 80, "路灯还是坏的"),
        ("steady", 90, "路灯"), ("steady", 98, "路灯"),
        # burst: one case early in the month, four in the last fortnight
        ("burst", 75, "噪音"), ("burst", 92, "噪音"), ("burst", 95, "噪音"),
        ("burst", 97, "噪音"), ("burst", 99, "噪音"),
        # more: one case the month before, three this month
        ("more", 50, "欠薪"), ("more", 75, "欠薪"), ("more", 84, "欠薪"), ("more", 95, "欠薪"),
        # threat: evenly spread, the last one threatens
        ("threat", 73, "工资没发"), ("threat", 84, "工资没发"), ("threat", 96, "再不给钱就去跳楼"),
        # always: says 上访 from the first case on: nothing new
        ("always", 40, "我要上访"), ("always", 74, "我要上访"),
        ("always", 85, "上访"), ("always", 97, "上访"),
        # few: two cases only; anonymous: many but no key; late: a case after today is not counted
        ("few", 90, "跳楼"), ("few", 99, "跳楼"),
        ("", 90, "x"), ("", 91, "x"), ("", 92, "x"), ("", 93, "x"),
        ("late", 80, "a"), ("late", 90, "b"), ("late", 101, "c"),
    ]  # fmt: skip
    who, day, text = zip(*rows, strict=True)
    return repeat_reporters(list(who), np.array(day), today=today, window=30, min_cases=3, texts=list(text))


def test_repeat_reporters_are_those_with_enough_cases_in_the_window():
    found = {r.reporter: r for r in _reporters()}
    assert set(found) == {"steady", "burst", "more", "threat", "always"}
    assert found["steady"].count == 4 and found["more"].count == 3
    assert found["always"].cases == [17, 18, 19]  # the case at day 40 is before the window


def test_a_steady_repeat_reporter_is_not_escalating():
    found = {r.reporter: r for r in _reporters()}
    assert not found["steady"].escalating
    assert not found["always"].escalating  # the same threat as ever is not a change
    assert found["steady"].reasons == ["30天内4件 / 4 cases in 30 days"]


def test_escalating_reporters_and_why():
    result = _reporters()
    found = {r.reporter: r for r in result}
    assert found["burst"].escalating and "4 in last 15 days, 1 before" in found["burst"].reasons[1]
    assert found["more"].escalating and "1 in the previous 30 days" in found["more"].reasons[1]
    assert found["threat"].escalating and "跳楼" in found["threat"].reasons[1]
    assert "极端" in found["threat"].reasons[1]
    assert [r.escalating for r in result] == [True, True, True, False, False]  # escalating first
