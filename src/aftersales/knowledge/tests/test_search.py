"""Suggestions (FB-4): a description finds the articles and the solved cases that answer
it, even when it is worded differently, through the fault code they share; the product
decides between equally close texts. The same on SQLite and on PostgreSQL (GIN index)."""

from __future__ import annotations

import pytest

from aftersales.service.services.workflow import case_transition

from ..search import Query
from ..selectors import similar_cases, suggest_articles
from .conftest import MONDAY, solve, take_case
from .factories import published_article

pytestmark = pytest.mark.django_db


def numbers(hits):
    return [h.article.number for h in hits]


def test_a_description_worded_differently_finds_the_article_through_its_fault_code(
    writer, reviewer, tv, screen_lines
):
    """FB-4: the customer says 屏幕有横线, the article says 显示屏出现条纹; the fault code
    "tv-screen-lines" (横线 竖线 条纹 花屏) ties them, and the article comes first."""
    stripes = published_article(
        writer,
        reviewer,
        title="显示屏出现条纹",
        problem="显示屏出现条纹",
        solution="重新插拔屏线\n仍有条纹则更换屏线",
        products=[tv],
        fault_codes=[screen_lines],
    )
    flicker = published_article(
        writer,
        reviewer,
        title="屏幕闪烁",
        problem="屏幕闪烁，亮度忽明忽暗",
        solution="关闭节能模式",
        products=[tv],
    )
    query = Query.build("屏幕有横线", product=tv)
    assert query.fault_ids == {screen_lines.pk}
    hits = suggest_articles(writer, query)
    assert numbers(hits)[0] == stripes.number
    assert flicker.number in numbers(hits)  # it shares 屏幕, but comes after
    assert hits[0].score > hits[1].score


def test_the_fault_code_alone_is_enough_when_no_word_is_shared(writer, reviewer, tv, screen_lines):
    """FB-4: an article whose stored words share nothing with the description is still a
    candidate through its fault code (the index is not the only way in)."""
    from ..models import Article

    article = published_article(
        writer,
        reviewer,
        title="显示屏出现条纹",
        problem="显示屏出现条纹",
        solution="重新插拔屏线",
        products=[tv],
        fault_codes=[screen_lines],
    )
    # Stored words that share none of the description's (nor of the fault code's).
    Article.objects.filter(pk=article.pk).update(search_text="显示 显示屏 出现 异常")
    query = Query.build("电视有花屏", product=tv)
    assert not set(query.terms) & {"显示", "显示屏", "出现", "异常"}
    hits = suggest_articles(writer, query)
    assert numbers(hits) == [article.number]


def test_a_case_with_words_in_common_finds_an_article_without_fault_code(
    writer, reviewer, fridge, tv
):
    """FB-4: jieba's words alone: 冷藏室 … 不制冷 in the case finds the article of that
    name, with no fault code anywhere; an unrelated TV article is not offered."""
    cooling = published_article(
        writer,
        reviewer,
        title="冰箱冷藏室不制冷",
        problem="冰箱冷藏室不制冷，冷冻室正常",
        solution="检查风门是否结冰\n除霜后观察二十四小时",
        products=[fridge],
    )
    published_article(
        writer,
        reviewer,
        title="遥控器失灵",
        problem="遥控器按键没反应",
        solution="更换电池",
        products=[tv],
    )
    case = take_case(writer, "冰箱冷藏室温度很高，不制冷了", product=fridge)
    assert case.fault_code is None
    query = Query.build(case.description, product=case.product)
    assert query.fault_ids == set()
    assert numbers(suggest_articles(writer, query)) == [cooling.number]


def test_nothing_is_suggested_for_an_unrelated_description(writer, reviewer, tv, screen_lines):
    published_article(writer, reviewer, products=[tv], fault_codes=[screen_lines])
    assert suggest_articles(writer, Query.build("洗衣机脱水时漏水", product=tv)) == []
    assert suggest_articles(writer, Query.build("的 了 。", product=tv)) == []


def test_the_product_ranks_above_a_category_for_the_same_text(writer, reviewer, tv, categories):
    """FB-4: two articles with the same text, one for this TV, one for all TVs: the TV's own
    comes first (it is written second, so the number would not put it first)."""
    text = {"title": "屏幕闪烁", "problem": "屏幕闪烁，亮度忽明忽暗", "solution": "关闭节能模式"}
    for_all_tvs = published_article(writer, reviewer, categories=[categories["tv"]], **text)
    for_this_tv = published_article(writer, reviewer, products=[tv], **text)
    hits = suggest_articles(writer, Query.build("屏幕一直闪烁", product=tv))
    assert numbers(hits) == [for_this_tv.number, for_all_tvs.number]
    assert hits[0].score > hits[1].score


def test_a_category_article_is_offered_for_a_product_of_that_category(
    writer, reviewer, tv, fridge, categories
):
    """FB-4: an article written for 电视 is offered for a TV, not for a fridge."""
    article = published_article(
        writer,
        reviewer,
        title="屏幕闪烁",
        problem="屏幕闪烁",
        solution="关闭节能模式",
        categories=[categories["tv"]],
    )
    tv_hits = suggest_articles(writer, Query.build("屏幕闪烁", product=tv))
    assert numbers(tv_hits) == [article.number]
    fridge_hit = suggest_articles(writer, Query.build("屏幕闪烁", product=fridge))
    # Still found by its words, but without the category's bonus.
    assert fridge_hit[0].score < tv_hits[0].score


def test_similar_solved_cases_of_the_same_product(writer, tv, other_tv, time_machine):
    """FB-4: solved cases of the same product are offered, the most recently resolved first
    for equal text; open and cancelled ones are not, nor another product's, nor the case
    itself."""
    time_machine.move_to(MONDAY, tick=False)
    earlier = solve(writer, take_case(writer, "电视屏幕有横线", product=tv), "更换屏线后正常")
    time_machine.move_to(MONDAY.replace(hour=11), tick=False)
    later = solve(
        writer, take_case(writer, "电视屏幕有横线", product=tv, phone="13800000002"), "重插屏线"
    )
    open_case = take_case(writer, "屏幕有横线", product=tv, phone="13800000003")
    cancelled = take_case(writer, "屏幕有横线", product=tv, phone="13800000004")
    case_transition(actor=writer, case=cancelled, action="cancel", note="客户自行解决")
    solve(writer, take_case(writer, "屏幕有横线", product=other_tv, phone="13800000005"), "换屏")
    time_machine.move_to(MONDAY.replace(hour=12), tick=False)
    current = solve(
        writer, take_case(writer, "屏幕有横线", product=tv, phone="13800000006"), "上门检查"
    )

    hits = similar_cases(writer, Query.build(current.description, product=tv), exclude=current.pk)
    assert [h.case.number for h in hits] == [later.number, earlier.number]
    found = {h.case.pk for h in hits}
    assert open_case.pk not in found and cancelled.pk not in found and current.pk not in found


def test_similar_cases_through_the_fault_code_when_the_words_differ(
    writer, tv, screen_lines, time_machine
):
    """FB-4: a solved case told as 显示屏出现条纹 is similar to 屏幕有横线 through the fault
    code given at intake."""
    time_machine.move_to(MONDAY, tick=False)
    solved = solve(
        writer,
        take_case(writer, "显示屏出现条纹", product=tv, fault_code=screen_lines.code),
        "更换屏线",
    )
    assert solved.fault_code == screen_lines
    hits = similar_cases(writer, Query.build("屏幕有横线", product=tv))
    assert [h.case.number for h in hits] == [solved.number]


def test_words_match_whole_on_every_database(writer, reviewer, tv):
    """FB-4: an error code is a word: 报E1 finds the E1 article, not E10's, on SQLite as on
    PostgreSQL's full-text index (where the stored words are whole tokens)."""
    e1 = published_article(
        writer,
        reviewer,
        title="E1：温度传感器故障",
        problem="面板显示E1",
        solution="更换温度传感器",
        products=[tv],
    )
    published_article(
        writer,
        reviewer,
        title="E10：滤网堵塞",
        problem="面板显示E10",
        solution="清洗滤网",
        products=[tv],
    )
    assert numbers(suggest_articles(writer, Query.build("机器报E1", product=tv))) == [e1.number]
