"""Chinese search text (SVC): Chinese has no spaces, so the case's words are segmented with
jieba into a stored column that an index can serve; a query for 屏幕 then finds 电视屏幕有横线."""

from __future__ import annotations

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

_SPACE = re.compile(r"\s+")
# What is segmented for search: texts are at most 5,000 characters each (core.input_guard),
# and a case's words together stay under this, so the cost of segmenting is bounded.
MAX_SEGMENTED = 12_000


def segment(text: str) -> str:
    """Every word and sub-word jieba finds (search mode), space-separated and lower-case."""
    words = (w.strip().lower() for w in jieba.cut_for_search((text or "")[:MAX_SEGMENTED]))
    return " ".join(w for w in words if w and not _SPACE.fullmatch(w))


def search_text_for(case) -> str:
    # The customer may be new and not saved yet (intake): then only the instance knows it.
    customer = case.customer if case.customer_id or type(case).customer.is_cached(case) else None
    return search_words(
        case.number,
        case.contact_phone,
        case.contact_name,
        customer.name if customer else "",
        case.serial.serial if case.serial_id else "",
        case.product.name if case.product_id else "",
        case.description,
        case.requested_remedy,
        case.solution,
    )


def search_words(number, phone, *texts: str) -> str:
    """The segmented words of a case: its number, the contact's phone in full and its last
    four digits (the part a caller reads out, and a masked number shows), and the texts —
    the names, the serial, the description, what is asked for and the solution."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    tail = digits[-4:] if len(digits) > 4 else ""
    return segment(" ".join(p for p in (number, phone, tail, *texts) if p))


def refresh_search_text(*, customer) -> int:
    """Rebuild the search words of a customer's cases (after a rename or a merge), so the
    new name finds them. A plain UPDATE per case: derived data, not an edit of the case."""
    from ..models import Case

    count = 0
    cases = Case.objects.filter(customer=customer).select_related("customer", "serial", "product")
    for case in cases.only(
        "pk",
        "number",
        "contact_phone",
        "contact_name",
        "description",
        "requested_remedy",
        "solution",
        "search_text",
        "customer__name",
        "serial__serial",
        "product__name",
    ):
        text = search_text_for(case)
        if text != case.search_text:
            Case.objects.filter(pk=case.pk).update(search_text=text)
            count += 1
    return count


# Words that say nothing about what went wrong in a complaint: whom, when, that it is a problem.
TOPIC_STOPWORDS = frozenset(
    [
        "问题",
        "产品",
        "客户",
        "我们",
        "你们",
        "公司",
        "一个",
        "没有",
        "已经",
        "现在",
        "什么",
        "怎么",
        "这个",
        "那个",
        "还是",
        "就是",
        "但是",
        "因为",
        "所以",
        "今天",
        "昨天",
        "时候",
        "一直",
        "希望",
        "需要",
        "处理",
        "要求",
        "反映",
        "情况",
        "师傅",
        "东西",
        "可以",
        "不能",
        "之后",
        "以后",
        "知道",
        "觉得",
        "还有",
        "这么",
        "非常",
        "多次",
        "一下",
        "联系",
        "电话",
        "回访",
        "出现",
        "十分钟",
        "小时",
        "额外",
        "上门",
        "两天",
        "三次",
    ]
)


_LATIN = re.compile(r"[A-Za-z0-9_.\-]+")


def complaint_keywords(text: str, *, limit: int = 8) -> str:
    """The customer's words cut into topic keywords (FB-3): the most telling words of the text
    by jieba's TF-IDF, without the stop words, space-separated; stored at intake so the
    complaint analysis counts them without segmenting again."""
    import jieba.analyse

    text = (text or "")[:MAX_SEGMENTED]
    tags = jieba.analyse.extract_tags(text, topK=limit * 2, allowPOS=())
    # Document numbers (TK-…, HF-…) and other Latin letters and digits are not topics.
    words = [
        t.lower()
        for t in tags
        if len(t) > 1 and t not in TOPIC_STOPWORDS and not _LATIN.fullmatch(t)
    ]
    out: list[str] = []
    for w in words[:limit]:
        if len(" ".join([*out, w])) > 300:
            break
        out.append(w)
    return " ".join(out)
