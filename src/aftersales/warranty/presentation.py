"""The 三包 engine's words for people: in English on an English page, the Chinese one click away.

The engine (``engine/``, pure Python) answers in Chinese: each option's ``why``, each
refusal's ``reason``, the rule it rests on (``basis``) and the notes, quoting the Chinese
law. This module is its English edition. A basis is rendered from the rule it cites (each
``B_*`` constant of ``engine/rules.py`` has an English title here, and any other citation is
read part by part: rule numbers, the regulation's title, article, paragraph, item); a
``why`` or ``reason`` is matched against the sentences the engine writes and rendered with
its dates, counts and part names, and an option whose sentence is not known is rendered from
its remedy and deadline. The Chinese original stays beside every rendering (the law is
Chinese, and so is what the customer hears); a note without an English rendering is shown in
Chinese, labelled as such.

On a Chinese page everything is shown as the engine wrote it. The English here is code, not
msgids, for that reason: a Chinese translation of it would only repeat the engine's text (the
engine keeps its error messages in both languages in code, too).

Notes marked ``[未确认]`` (figures not checked against the official text) are for the policy
editor: ``present_answer(…, editor=False)`` leaves them out for front-line staff.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aftersales.core.seeded import is_chinese

from .engine import rules as R
from .engine.rules import EXCEPTION_TEXT, EXEMPT_TEXT

UNCONFIRMED = "[未确认]"


@dataclass(frozen=True)
class Said:
    """A text as shown. ``chinese``: no English rendering exists, ``text`` is the Chinese
    (on an English page it is labelled "Chinese original")."""

    text: str
    chinese: bool = False

    def __str__(self) -> str:
        return self.text


def english() -> bool:
    return not is_chinese()


# -- names: categories and parts of the shipped policies --------------------------------------

NAMES = {
    # the national catalogue (R14, R16, R22, R23) and the presets' own categories
    "自行车": "bicycles",
    "彩色电视机": "colour TVs",
    "黑白电视机": "black-and-white TVs",
    "家用录像机": "home video recorders",
    "摄像机": "camcorders",
    "收录机": "radio cassette recorders",
    "电子琴": "electronic keyboards",
    "家用电冰箱": "household refrigerators",
    "洗衣机": "washing machines",
    "电风扇": "electric fans",
    "微波炉": "microwave ovens",
    "吸尘器": "vacuum cleaners",
    "家用空调器": "household air conditioners",
    "吸排油烟机": "range hoods",
    "燃气热水器": "gas water heaters",
    "缝纫机": "sewing machines",
    "钟表": "clocks and watches",
    "摩托车": "motorcycles",
    "移动电话机": "mobile phones",
    "固定电话机": "fixed telephones",
    "微型计算机": "microcomputers",
    "影碟机": "disc players",
    "音响功放": "audio amplifiers",
    "音箱": "loudspeakers",
    "家用汽车": "family cars",
    "食品": "food",
    "板式家具": "panel furniture",
    "电子产品": "electronics",
    "家用电器": "household appliances",
    "日用品": "daily necessities",
    # main parts and components
    "车架": "frame",
    "变速器": "gear system",
    "显像管": "picture tube",
    "行输出变压器": "flyback transformer",
    "高频头": "tuner",
    "集成电路": "integrated circuits",
    "磁鼓电机": "drum motor",
    "主导轴电机": "capstan motor",
    "加载电机": "loading motor",
    "压缩机": "compressor",
    "电动机": "motor",
    "电机": "motor",
    "电池": "battery",
    "充电器": "charger",
    "有线耳机": "wired headset",
    "数据接口卡": "data interface card",
    "移动终端卡": "mobile terminal card",
    "主板": "main board",
    "内存": "memory",
    "硬盘": "hard disk",
    "显示器": "monitor",
    "电源": "power supply",
    "激光头": "laser pickup",
    "机芯": "mechanism",
    "扬声器": "loudspeaker",
    "玻璃": "glass",
    "镜子": "mirror",
    "液晶面板": "LCD panel",
    "背光组件": "backlight unit",
    "电源板": "power board",
}


def name_label(name: str) -> str:
    """A category or part name of the shipped policies in English on an English page (any
    other name is the company's and stays as it is)."""
    if not name or not english():
        return name
    return NAMES.get(name, name)


def _name(name: str) -> str:
    return NAMES.get(name, name)


# -- rules cited --------------------------------------------------------------------------------

CERTAIN_GOODS = "Provisions on Repair, Exchange and Return of Certain Goods"
PHONES = "Provisions on Repair, Exchange and Return of Mobile Phones"
FIXED_PHONES = "Provisions on Repair, Exchange and Return of Fixed Telephones"
COMPUTERS = "Provisions on Repair, Exchange and Return of Microcomputers"
AUDIO_VIDEO = "Provisions on Repair, Exchange and Return of Household Audio-Visual Products"
CONSUMER_LAW = "Consumer Rights Protection Law"
ONLINE_RETURNS = "Interim Measures for Seven-Day No-Reason Returns of Goods Bought Online"

LAWS = {  # the titles a citation may name (longest first when matching)
    "部分商品修理更换退货责任规定": CERTAIN_GOODS,
    "移动电话机商品修理更换退货责任规定": PHONES,
    "固定电话机商品修理更换退货责任规定": FIXED_PHONES,
    "微型计算机商品修理更换退货责任规定": COMPUTERS,
    "家用视听商品修理更换退货责任规定": AUDIO_VIDEO,
    "移动电话机三包规定": "Three Guarantees provisions for mobile phones",
    "消费者权益保护法": CONSUMER_LAW,
    "网络购买商品七日无理由退货暂行办法": ONLINE_RETURNS,
    "实施三包的部分商品目录": "Catalogue of Goods under the Three Guarantees",
    "三包规定": "Three Guarantees provisions",
}

# Every basis constant of engine/rules.py (a test checks that none is missing).
BASIS_TITLES = {
    "B_R5": f"R5 {CERTAIN_GOODS}, art. 9",
    "B_R6": f"R6 {CERTAIN_GOODS}, art. 10",
    "B_R7": f"R7 {CERTAIN_GOODS}, art. 11",
    "B_R8_OWN": f"R8 {CERTAIN_GOODS}, art. 12 (the repairer's fault, over 30 days)",
    "B_R8_PARTS": f"R8 {CERTAIN_GOODS}, art. 12 (no spare parts, over 90 days)",
    "B_R9": f"R9 {CERTAIN_GOODS}, art. 13",
    "B_R11": f"R11 {CERTAIN_GOODS}, art. 15 (free repair within the period, parts and labour "
    "included)",
    "B_R12": f"R12 {CERTAIN_GOODS} (outside the Three Guarantees: a paid repair is allowed)",
    "B_PAID": "A paid service: a paid repair (not under the Three Guarantees, and not a duty "
    f"under art. 24 of the {CONSUMER_LAW})",
    "B_R17_RET": f"R17 {PHONES}, art. 11",
    "B_R17_EXC": f"R17 {PHONES}, art. 12",
    "B_R18": f"R18 {PHONES}, art. 13",
    "B_R18_RET": f"R18 {PHONES}, art. 18 (no phone of the same model, and the customer does not "
    "accept another model)",
    "B_R19": f"R19 {PHONES} (accessories)",
    "B_R20": f"R20 {PHONES}, art. 16 (no spare parts, over 60 days)",
    "B_R21": "R21 Three Guarantees provisions for mobile phones (no invoice or certificate: the "
    "period starts on the 90th day after the factory date; free repair only)",
    "B_R22_RET": f"R22 {COMPUTERS}, art. 11",
    "B_R22_EXC": f"R22 {COMPUTERS}, art. 12",
    "B_R22_REP": f"R22 {COMPUTERS}, art. 10",
    "B_R25": f"R25 {CONSUMER_LAW}, art. 24",
    "B_R25_FEES": f"R25 {CONSUMER_LAW}, art. 24 para. 2 (the business pays transport and other "
    "necessary costs)",
    "B_R27": f"R27 {CONSUMER_LAW}, art. 25; R32 {ONLINE_RETURNS}, art. 10",
    "B_R29": f"R29 {ONLINE_RETURNS}, art. 6",
    "B_R30": f"R30 {ONLINE_RETURNS}, art. 7",
    "B_R31": f"R31 {ONLINE_RETURNS}, arts. 8 and 9",
    "B_R34": f"R34 {ONLINE_RETURNS}, arts. 13 and 14",
    "B_R35": f"R35 {CONSUMER_LAW}, art. 25 para. 3 (the customer pays the return shipping)",
    "B_WAR5": "WAR-5 S5 sales contract, II. Returns and exchanges, 1.b misleading sale (notice "
    "with evidence within 15 working days of discovering it)",
    "B_WAR6": "WAR-6 S8 Three Guarantees rules, III. 10: the quality department judges "
    "serious defects from the photos",
    "B_WAR3": "WAR-3 S7 return and exchange rules, I. 1.(2) specification mismatch (with proof "
    "of purchase)",
}
_BASES = {getattr(R, key): title for key, title in BASIS_TITLES.items() if hasattr(R, key)}

# Remarks in brackets after a citation, and citations that are a phrase.
PHRASES = {
    "自发票日至退货日，扣除修理占用和待修时间": "from the invoice date to the return date, less "
    "the days in repair or waiting for repair",
    "超过三包有效期可以收费修理": "after the Three Guarantees period a paid repair is allowed",
    "不实行三包，可实行收费修理": "outside the Three Guarantees: a paid repair is allowed",
    "附件1": "annex 1",
    "配件": "accessories",
}
COMPANY = "公司承诺："
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CITATION = re.compile(
    r"^(?P<refs>R\d+(?:\s*[、/]\s*R\d+)*)?\s*"
    r"(?P<law>" + "|".join(sorted(map(re.escape, LAWS), key=len, reverse=True)) + r")?\s*"
    r"(?:第(?P<arts>[一二三四五六七八九十百、至]+)条)?"
    r"(?:第(?P<para>[一二三四五六七八九十]+)款)?\s*"
    r"(?:第\s*(?P<item>\d+)\s*项)?\s*"
    r"(?P<rest>[^（]*?)\s*"
    r"(?:（(?P<remark>[^）]*)）)?$"
)


def _cn_number(text: str) -> int:
    """一 … 九十九 (the article numbers of the regulations)."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _sep, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _articles(text: str) -> str:
    if "至" in text:
        first, last = text.split("至", 1)
        return f"arts. {_cn_number(first)}–{_cn_number(last)}"
    numbers = [str(_cn_number(n)) for n in text.split("、")]
    return f"art. {numbers[0]}" if len(numbers) == 1 else f"arts. {_and(numbers)}"


def _citation(text: str) -> str | None:
    """One citation (no "；") in English, or None when some of it is not understood."""
    text = text.strip()
    if text in _BASES:
        return _BASES[text]
    if text in PHRASES:
        return PHRASES[text]
    for constant, title in sorted(_BASES.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(constant):  # a constant with a remark: B_R9（…）
            rest = text[len(constant) :].strip()
            if rest.startswith("（") and rest.endswith("）") and rest[1:-1] in PHRASES:
                return f"{title} ({PHRASES[rest[1:-1]]})"
    m = _CITATION.match(text)
    if m is None or not any(m.group(k) for k in ("refs", "law", "arts", "item")):
        return None
    rest = m["rest"].strip()
    if rest and rest not in PHRASES:
        return None
    remark = m["remark"]
    if remark is not None and remark not in PHRASES:
        return None
    words = []
    if m["refs"]:
        words.append(", ".join(r.strip() for r in re.split(r"[、]", m["refs"])))
    if m["law"]:
        words.append(LAWS[m["law"]])
    out = " ".join(words)
    details = []
    if m["arts"]:
        details.append(_articles(m["arts"]))
    if m["para"]:
        details.append(f"para. {_cn_number(m['para'])}")
    if m["item"]:
        details.append(f"item {m['item']}")
    if details:
        out = f"{out}, {' '.join(details)}" if m["law"] else f"{out} {' '.join(details)}"
    if rest:
        out = f"{out}: {PHRASES[rest]}" if out else PHRASES[rest]
    if remark:
        out = f"{out} ({PHRASES[remark]})"
    return out.strip()


def basis_english(text: str) -> str | None:
    """A basis in English, or None when it cannot be rendered."""
    if not text:
        return ""
    if text.startswith(COMPANY):
        own = text[len(COMPANY) :]
        return f"Our promise: {agreed_english(own) or own}"
    if text.startswith("延保："):  # an extended warranty's plan (S14 五、2)
        return sentence_english(text)
    parts = [_citation(p) for p in text.split("；")]
    if any(p is None for p in parts):
        return None
    return "; ".join(parts)


_AGREED = (  # the agreed whole-unit periods (cards.agreed_basis; WAR-1, S5, issue 18 B1)
    (
        re.compile(r"^合同 (?P<no>\S+) 约定质保 (?P<n>\d+) 个月$"),
        "contract {no}: {n}-month warranty",
    ),
    (re.compile(r"^产品目录约定质保 (?P<n>\d+) 个月$"), "our catalogue: {n}-month warranty"),
)


def agreed_english(text: str) -> str | None:
    """An agreed period's basis (合同 SO-… 约定质保 24 个月) in English, or None."""
    for pattern, english_text in _AGREED:
        m = pattern.match(text.strip())
        if m is not None:
            return english_text.format(**m.groupdict())
    return None


def basis_said(text: str) -> Said:
    if not text or not english():
        return Said(text or "")
    rendered = basis_english(text)
    return Said(text, chinese=True) if rendered is None else Said(rendered)


# -- the engine's sentences ------------------------------------------------------------------------

_DATE = r"\d{4}年\d{1,2}月\d{1,2}日"


def _iso(text: str) -> str:
    y, m, d = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text).groups()
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _what(text: str) -> str:
    """整机 / 主要部件 / 主要部件（显像管） / a part's name."""
    if text == "整机":
        return "the whole unit"
    if text == "主要部件":
        return "the main parts"
    m = re.fullmatch(r"主要部件（(.+)）", text)
    if m:
        return f"the main part ({_name(m[1])})"
    return f"the {_name(text)}"


def _whose(text: str) -> str:
    """``{part}的`` or nothing: "the agreed period of the X"."""
    return f" of the {_name(text[:-1])}" if text.endswith("的") else ""


_EXCEPTIONS_EN = {
    "custom_made": "goods made to the customer's order",
    "perishable": "fresh and perishable goods",
    "digital_unsealed": "audio-visual products, computer software and other digital goods "
    "downloaded online or unsealed by the customer",
    "periodicals": "newspapers and periodicals already delivered",
    "health_safety_unsealed": "goods that, once unsealed, may affect personal safety or health",
    "activation_devalues": "goods that lose much of their value once activated or tried",
    "declared_near_expiry_or_defective": "goods sold with a stated near expiry date or a stated "
    "flaw",
}
_EXEMPTIONS_EN = {
    "misuse": "damaged by the customer's improper use, maintenance or storage",
    "unauthorized_repair": "damaged by someone other than the repairer responsible for the "
    "Three Guarantees taking it apart",
    "force_majeure": "damaged by force majeure",
    "no_documents": "no Three Guarantees certificate, no valid invoice and no other proof of "
    "purchase",
    "card_mismatch": "the model on the Three Guarantees certificate does not match the product, "
    "or the certificate was altered",
}
_EXCEPTION_BY_TEXT = {v: _EXCEPTIONS_EN.get(k) for k, v in EXCEPTION_TEXT.items()}
_EXEMPTION_BY_TEXT = {v[0]: _EXEMPTIONS_EN.get(k) for k, v in EXEMPT_TEXT.items()}


def exception_label(key: str) -> str:
    """A no-reason-return exception (R29, R30) in the reader's language."""
    chinese = EXCEPTION_TEXT.get(key, key or "")
    if not english():
        return chinese
    text = _EXCEPTIONS_EN.get(key)
    return text[0].upper() + text[1:] if text else chinese


class _Unknown(ValueError):
    """A placeholder's value has no English rendering."""


def _known(table: dict[str, str | None]):
    def convert(text: str) -> str:
        value = table.get(text)
        if value is None:
            raise _Unknown(text)
        return value

    return convert


def _known_agreed(text: str) -> str:
    rendered = agreed_english(text)
    if rendered is None:
        raise _Unknown(text)
    return rendered


_KINDS = {  # placeholder -> (regular expression, rendering)
    "d": (_DATE, _iso),
    "d2": (_DATE, _iso),
    "n": (r"\d+", str),
    "m": (r"\d+", str),
    "years": (r"\d{4}(?:、\d{4})*", lambda t: _and(t.split("、"))),
    "part": (r".+?", _name),
    "cat": (r".+?", _name),
    "cat2": (r".+?", _name),
    "what": (r".+?", _what),
    "whose": (r"(?:.+?的)?", _whose),
    "exc": (r".+?", _known(_EXCEPTION_BY_TEXT)),
    "exempt": (r".+?", _known(_EXEMPTION_BY_TEXT)),
    "reason": (r".+?", lambda t: _sentence(t, bare=True)),
    "text": (r".+?", str),
    "agreed": (r".+?", _known_agreed),
    "ref": (r"[A-Za-z0-9-]+", str),
}

# (the engine's sentence with {placeholders}, its English). The first that matches is used.
SENTENCES = [
    # an extended warranty (S14 五、2, issue 18 B2)
    (
        "延保：{text}（{ref}）：{d} 三包有效期届满后，延长保修至 {d2}",
        "Extended warranty {text} ({ref}): after the Three Guarantees period ends on {d}, "
        "the warranty runs on until {d2}.",
    ),
    (
        "延保：{text}（{ref}）：延保期已于 {d} 届满",
        "Extended warranty {text} ({ref}): it ended on {d}.",
    ),
    (
        "延保：{text}（{ref}）",
        "Extended warranty {text} ({ref})",
    ),
    ("延保不含“{part}”", "The extended warranty does not cover the {part}."),
    ("延保期内（至 {d}）免费修理", "Within the extended warranty (until {d}): free repair."),
    # the quality department's verdict on photos (WAR-6, S8 三、10)
    (
        "须待品质部根据照片判定为严重缺陷",
        "Only once the quality department has judged the photos to show a serious defect.",
    ),
    (
        "品质部根据照片判定不属严重缺陷",
        "The quality department judged from the photos that the defect is not serious.",
    ),
    # grounds (WAR-5, S5, issue 18 B3; WAR-3, S7, issue 18 B5)
    (
        "销售中存在虚假宣传或与宣传不符，且有证据，发现后 15 个工作日内（至 {d}）可以退货",
        "The goods were sold with false advertising or are not as advertised, with evidence: "
        "a return within 15 working days of discovering it (until {d}).",
    ),
    (
        "以销售误导（虚假宣传、与宣传不符）为由退货，须提供相关证据",
        "A return for a misleading sale (false advertising, goods not as advertised) needs "
        "evidence.",
    ),
    (
        "已超过发现销售误导后 15 个工作日的退货期限（至 {d}）",
        "The 15 working days for a return after discovering a misleading sale are over "
        "(until {d}).",
    ),
    (
        "交付的商品与约定规格不符，质量保证期内（至 {d}）可以退货或换货",
        "The goods delivered do not match the agreed specification: a return or an exchange "
        "within the quality guarantee period (until {d}).",
    ),
    (
        "交付的商品与约定规格不符，可以退货或换货",
        "The goods delivered do not match the agreed specification: a return or an exchange.",
    ),
    (
        "以规格不符为由退货、换货，须提供购买凭证",
        "A return or an exchange for a specification mismatch needs proof of purchase.",
    ),
    (
        "已超过三包或约定的质量保证期（{d}），规格不符按合同约定处理",
        "The Three Guarantees or agreed quality guarantee period is over ({d}); a "
        "specification mismatch is handled as the contract says.",
    ),
    # options
    (
        "售出 7 日内（至 {d}）出现性能故障，可选择退货、换货或修理",
        "A performance fault within 7 days of sale (until {d}): the customer may choose a "
        "return, an exchange or a repair.",
    ),
    (
        "售出 15 日内（至 {d}）出现性能故障，可选择换货或修理",
        "A performance fault within 15 days of sale (until {d}): the customer may choose an "
        "exchange or a repair.",
    ),
    (
        "{what}三包有效期内（至 {d}）免费修理，不收材料费和工时费",
        "Within the Three Guarantees period of {what} (until {d}): free repair, with no "
        "charge for parts or labour.",
    ),
    (
        "{what}三包有效期内（至 {d}）免费修理",
        "Within the Three Guarantees period of {what} (until {d}): free repair.",
    ),
    (
        "{exempt}，不实行三包，可以收费修理",
        "{exempt}: the Three Guarantees do not apply; a paid repair is available.",
    ),
    ("{exempt}，可以有偿修理", "{exempt}: a paid repair is available."),
    ("{reason}，可以收费修理或购买", "{reason}; a paid repair or a new one is available."),
    ("{reason}，可以收费修理", "{reason}; a paid repair is available."),
    (
        "商品尚未签收，可拒收或在签收后 7 日内无理由退货",
        "The goods have not been signed for yet: the customer may refuse them, or return them "
        "without giving a reason within 7 days of signing for them.",
    ),
    (
        "签收后 7 日内（至 {d}）可无理由退货",
        "Within 7 days of signing for the goods (until {d}) they may be returned without a reason.",
    ),
    (
        "三包有效期内修理 {n} 次仍不能正常使用，凭修理记录免费换货",
        "Repaired {n} times within the Three Guarantees period and still not working "
        "normally: a free exchange on the strength of the repair records.",
    ),
    (
        "应换货但无同型号、同规格产品，消费者不接受其他型号的，可以退货",
        "An exchange is due but no product of the same model and specification is available, "
        "and the customer does not accept another model: a return is allowed.",
    ),
    (
        "应换货但无同型号、同规格产品，消费者不愿调换其他型号的，必须予以退货",
        "An exchange is due but no product of the same model and specification is available, "
        "and the customer does not want another model: the goods must be taken back.",
    ),
    (
        "因修理者原因送修已 {n} 日未修好（超过 {m} 日，期限至 {d}），由修理者免费更换",
        "Not repaired {n} days after hand-in through the repairer's fault (more than {m} "
        "days; the limit was {d}): the repairer exchanges it free of charge.",
    ),
    (
        "生产者未按期供应零配件，送修已 {n} 日未修好（超过 {m} 日，期限至 {d}），免费换货",
        "The producer has not supplied spare parts in time and it is still not repaired {n} "
        "days after hand-in (more than {m} days; the limit was {d}): a free exchange.",
    ),
    (
        "符合换货条件，消费者要求退货的，可以退货；有同型号、同规格产品而仍要求退货的，可收取折旧费",
        "An exchange is due; a customer who asks for a return instead may have one, and when "
        "the same model and specification is available, depreciation may be charged.",
    ),
    (
        "符合换货条件，消费者仍要求退货的，可以退货，但可收取折旧费",
        "An exchange is due; the customer may still return the goods, but depreciation may be "
        "charged.",
    ),
    (
        "{part}在其三包有效期内（至 {d}）出现性能故障，免费更换同品牌同型号",
        "A performance fault of the {part} within its Three Guarantees period (until {d}): a "
        "free exchange for the same brand and model.",
    ),
    (
        "{part}已更换两次仍不能正常使用，可以退货",
        "The {part} has been exchanged twice and still does not work normally: a return is "
        "allowed.",
    ),
    (
        "无国家三包规定的商品，收货 7 日内（至 {d}）可以退货",
        "Goods without national Three Guarantees rules: a return within 7 days of receipt "
        "(until {d}).",
    ),
    (
        "超过质量保证期，可以收费修理",
        "Past the quality guarantee period: a paid repair is available.",
    ),
    (
        "质量保证期内（至 {d}）商品不符合质量要求的，可以要求更换、修理",
        "Within the quality guarantee period (until {d}), goods that do not meet quality "
        "requirements may be exchanged or repaired.",
    ),
    (
        "商品不符合质量要求的，可以要求经营者更换、修理（法律未规定期限，以约定或质量保证期为准）",
        "Goods that do not meet quality requirements may be exchanged or repaired by the "
        "business (the law sets no time limit; the agreement or the quality guarantee period "
        "decides).",
    ),
    # refusals
    (
        "未反映质量问题：换货、免费修理以出现性能故障为前提",
        "No quality problem reported: an exchange or a free repair needs a performance fault.",
    ),
    (
        "{exempt}，不属于商品不符合质量要求的情形",
        "{exempt}: this is not a case of goods failing to meet quality requirements.",
    ),
    (
        "线下购买的商品不适用七日无理由退货；无质量问题的退货以商家承诺为准",
        "Goods bought in a shop have no seven-day no-reason return; a return without a quality "
        "problem depends on the seller's promise.",
    ),
    ("{exc}不适用七日无理由退货", "The seven-day no-reason return does not apply to {exc}."),
    (
        "{exc}，消费者在购买时已确认不宜退货",
        "{exc}: the customer confirmed at purchase that they cannot be returned.",
    ),
    (
        "商品不完好（超出查验所需的使用、配件或标识缺失等）",
        "The goods are not intact (used beyond what checking them needs, or accessories or "
        "labels missing).",
    ),
    (
        "已超过七日无理由退货期限（签收次日起 7 日，至 {d}）",
        "The seven-day no-reason return period is over (7 days from the day after signing, "
        "until {d}).",
    ),
    (
        "发票和三包凭证遗失，凭其他购买证明只可修理、换货",
        "Invoice and Three Guarantees certificate lost: with other proof of purchase, only a "
        "repair or an exchange.",
    ),
    (
        "发票和三包凭证遗失，不适用退货",
        "Invoice and Three Guarantees certificate lost: no return.",
    ),
    (
        "发票和三包凭证遗失且无发票复印件，只可免费修理",
        "Invoice and Three Guarantees certificate lost, and no copy of the invoice: free "
        "repair only.",
    ),
    (
        "售出已超过 7 日（{d} 为最后一天）",
        "More than 7 days since the sale ({d} was the last day).",
    ),
    (
        "售出已超过 15 日，且未出现两次修理仍不能正常使用或修理超期的情形",
        "More than 15 days since the sale, and neither two failed repairs nor an overdue repair.",
    ),
    (
        "手机两次修理仍不能正常使用的，只换主机；无同型号可换时才可退货",
        "A phone still not working after two repairs is exchanged (the handset); a return only "
        "when no phone of the same model is available.",
    ),
    ("配件更换未满两次", "The accessory has not been exchanged twice yet."),
    (
        "配件在三包期内出现故障的，以更换为准",
        "An accessory that fails within its Three Guarantees period is exchanged, not repaired.",
    ),
    (
        "收货已超过 7 日（{d}），此后仅在符合法定解除合同条件时可以退货",
        "More than 7 days since receipt ({d}): a return now only where the law allows the "
        "contract to be ended.",
    ),
    (
        "已超过约定的{whose}质量保证期（{d}）",
        "The agreed quality guarantee period{whose} is over ({d}).",
    ),
    ("{exempt}", "{exempt}."),
    # reasons inside other sentences ({reason})
    (
        "{what}三包有效期已于 {d} 届满",
        "The Three Guarantees period of {what} ended on {d}",
    ),
    ("该品类无三包有效期规定", "No Three Guarantees period is set for this category"),
    ("{part}无三包期", "The {part} has no Three Guarantees period"),
    # notes
    ("品类“{cat}”按“{cat2}”处理", "The category “{cat}” is treated as “{cat2}”."),
    (
        "R24：家用汽车适用单独的三包规定，本引擎未覆盖，以下按消费者权益保护法处理",
        "R24: family cars have their own Three Guarantees rules, which this engine does not "
        "cover; the answer follows the Consumer Rights Protection Law.",
    ),
    (
        "R1：“{cat}”不在实施三包的商品目录内，不适用三包规定，按消费者权益保护法第二十四条（R25）处理",
        "R1: “{cat}” is not in the catalogue of goods under the Three Guarantees; art. 24 of "
        "the Consumer Rights Protection Law (R25) applies instead.",
    ),
    (
        "R26：耐用商品自收货起 6 个月内发现瑕疵，由经营者承担举证责任；"
        "未有经营者的使用不当证据，按质量问题处理",
        "R26: for durable goods with a defect found within 6 months of receipt, the business "
        "bears the burden of proof; without its evidence of misuse, this is a quality problem.",
    ),
    (
        "R36：网购商品有质量问题的，适用消费者权益保护法第二十四条与三包规定，运费由经营者承担",
        "R36: goods bought online with a quality problem fall under art. 24 of the Consumer "
        "Rights Protection Law and the Three Guarantees; the business pays the shipping.",
    ),
    (
        "R26：收货 6 个月内的耐用商品，使用不当已有经营者的证据",
        "R26: durable goods within 6 months of receipt; the business has evidence of misuse.",
    ),
    (
        "R30：{exc}仅在消费者购买时确认后才可不适用无理由退货；"
        "未经确认（仅页面标注不够，S14 案例），不得拒绝",
        "R30: {exc} are excluded from the no-reason return only when the customer confirmed it "
        "at purchase; without that confirmation (a notice on the page is not enough, case "
        "S14) the return cannot be refused.",
    ),
    (
        "R31：退回的商品须完好；为查验而拆封、合理调试不影响完好",
        "R31: returned goods must be intact; unpacking them to check them, or reasonable "
        "trying out, does not count against that.",
    ),
    (
        "R33：赠品、积分、优惠券须一并退回；赠品无法退回的，按事先标明的价格扣除",
        "R33: gifts, points and coupons come back with the goods; a gift that cannot be "
        "returned is deducted at the price stated beforehand.",
    ),
    (
        "R10：{d} 换货后三包有效期重新计算",
        "R10: exchanged on {d}; the Three Guarantees period starts again.",
    ),
    (
        "未提供发票日期，三包有效期暂按签收日期计算",
        "No invoice date given: the Three Guarantees period counts from the date of receipt "
        "for now.",
    ),
    (
        "R2：扣除修理占用和待修时间，三包有效期顺延 {n} 日",
        "R2: the Three Guarantees period is extended by {n} days spent in repair or waiting "
        "for repair.",
    ),
    (
        "R21：无发票和三包凭证，以出厂日期后第 90 日（{d}）为三包期起算日",
        "R21: no invoice and no Three Guarantees certificate: the period starts on the 90th "
        "day after the factory date ({d}).",
    ),
    (
        "R4：三包凭证或发票遗失，但能证明在三包有效期内的，仍享受三包",
        "R4: the certificate or the invoice is lost, but with proof that the goods are within "
        "the period the Three Guarantees still apply.",
    ),
    (
        "R15：送修 {n} 日内（至 {d}）未修好的，应免费提供备用机直至原机修复",
        "R15: not repaired within {n} days of hand-in (by {d}): lend a unit free of charge "
        "until the repair is done.",
    ),
    (
        "R18：{d} 之后至 {d2}，应换货而无同型号、同规格产品的，仍可退货",
        "R18: after {d} and until {d2}, when an exchange is due but no product of the same "
        "model and specification is available, a return is still possible.",
    ),
    (
        "R9：{d} 之后至 {d2}，符合换货条件的仍可退货；"
        "有同型号、同规格产品而仍要求退货的，可收取折旧费",
        "R9: after {d} and until {d2}, a return is still possible where an exchange is due; "
        "when the same model and specification is available, depreciation may be charged.",
    ),
    (
        "R9：无同型号可换而退货时是否可收折旧费，条文未写明 [未确认]，此处不收",
        "R9: the text does not say whether depreciation may be charged on a return when no "
        "same model is available [unconfirmed]; none is charged here.",
    ),
    (
        "R9、R14：该品类的日折旧率未能核对原文 [未确认]，折旧费须人工核定",
        "R9, R14: this category's daily depreciation rate could not be checked against the "
        "official text [unconfirmed]; work the depreciation out by hand.",
    ),
    (
        "R19：随机配件按退货时的单独售价退款，单独购买的配件按发票价格退款",
        "R19: accessories that came with the phone are refunded at their own price at the time "
        "of return; accessories bought separately at the invoice price.",
    ),
    (
        "公司规定不属三包：{text}（法定三包范围内以法律为准，R1、R4）",
        "Not covered, by the company's rules: {text} (within the statutory Three Guarantees "
        "the law prevails, R1, R4).",
    ),
    (
        "公司条款约定部分维修费用由消费者承担；质量问题的维修按法律由经营者承担必要费用（R25）",
        "The company's terms put part of the repair cost on the customer; for a quality "
        "problem the law puts the necessary costs on the business (R25).",
    ),
    (
        "R11、R25：质量问题的修理、更换、退货，运输等必要费用由经营者承担",
        "R11, R25: for a quality problem the business pays transport and the other necessary "
        "costs of a repair, an exchange or a return.",
    ),
    (
        "R43：{years}年的法定节假日安排尚未公布，落在该年的截止日期按法定节日暂定，公布后可能顺延",
        "R43: the public-holiday schedule for {years} is not published yet; a deadline in that "
        "year is provisional (counted on the statutory holidays alone) and may move once it "
        "is.",
    ),
    # the national policy's own notes
    (
        "R1：谁经销谁负责；销售者承担三包责任后可向生产者、供货者追偿",
        "R1: whoever sells is responsible; having carried out the Three Guarantees, the seller "
        "may claim from the producer or the supplier.",
    ),
    (
        "R13：修理后的产品应保证正常使用 30 日以上；生产者在产品停产后 5 年内保证配件供应",
        "R13: a repaired product must work normally for at least 30 days; the producer "
        "supplies spare parts for 5 years after production stops.",
    ),
    (
        "[未确认] R14：该品类的三包期、主要部件及折旧率未能核对原文，请按目录修正",
        "[unconfirmed] R14: this category's periods, main parts and depreciation rate could "
        "not be checked against the official text; correct them from the catalogue.",
    ),
    (
        "[未确认] R16：各部件三包期仅见于摘要；充电器另有资料称 6 个月",
        "[unconfirmed] R16: the parts' periods are known from a summary only; another source "
        "gives 6 months for the charger.",
    ),
    (
        "[未确认] 固定电话机整机三包期未能核对原文",
        "[unconfirmed] The whole-unit period of fixed telephones could not be checked against "
        "the official text.",
    ),
    (
        "[未确认] R22：整机 1 年、主要部件 2 年仅见于摘要，另有资料称 3 年",
        "[unconfirmed] R22: 1 year for the whole unit and 2 years for the main parts are known "
        "from a summary only; another source says 3 years.",
    ),
    (
        "[未确认] R23：家用视听商品的三包期仅见于摘要",
        "[unconfirmed] R23: the periods of household audio-visual goods are known from a "
        "summary only.",
    ),
    (
        "公司承诺：{agreed}（至 {d}），三包有效期届满后仍免费修理",
        "Our promise ({agreed}, until {d}): free repair also after the Three Guarantees "
        "period ends.",
    ),
    (
        "约定质保期内（至 {d}）免费修理",
        "Within the agreed warranty period (until {d}): free repair.",
    ),
    # a certificate's terms (engine/terms.py)
    (
        "售出 {n} 日内出现性能故障，可选择退货、换货或修理；{m} 日内可选择换货或修理（{law}）",
        "A performance fault within {n} days of sale: a return, an exchange or a repair, as "
        "the customer chooses; within {m} days: an exchange or a repair ({law}).",
    ),
    (
        "三包有效期内免费修理，不收材料费和工时费；整机 {n} 个月",
        "Free repair within the Three Guarantees period, with no charge for parts or labour; "
        "{n} months for the whole unit.",
    ),
    (
        "三包有效期内修理 {n} 次仍不能正常使用的，免费换货",
        "Repaired {n} times within the Three Guarantees period and still not working "
        "normally: a free exchange.",
    ),
    (
        "商品不符合质量要求的，收货 7 日内可以退货，此后可以要求更换、修理",
        "Goods that do not meet quality requirements may be returned within 7 days of receipt, "
        "and exchanged or repaired after that.",
    ),
    (
        "{agreed}，整机质保期内质量问题免费修理",
        "{agreed}: quality problems of the whole unit are repaired free of charge within it.",
    ),
    (
        "质量保证期 {n} 个月，期内质量问题免费修理",
        "A quality guarantee period of {n} months; quality problems within it are repaired "
        "free of charge.",
    ),
    (
        "三包期内的质量问题修理、更换、退货，运输等必要费用由我们承担",
        "For a quality problem within the Three Guarantees period we pay transport and the "
        "other necessary costs of a repair, an exchange or a return.",
    ),
    (
        "超过三包期或不属三包范围的，可以收费修理",
        "After the Three Guarantees period, or outside their scope, a paid repair is available.",
    ),
    (
        "七日无理由退货的退回运费由消费者承担（另有约定的除外）",
        "For a seven-day no-reason return the customer pays the return shipping (unless "
        "agreed otherwise).",
    ),
    (
        "退货退款在收到退回商品后 {n} 日内办理",
        "A refund is made within {n} days of receiving the returned goods.",
    ),
    ("因使用、维护、保管不当造成损坏的", "Damage from improper use, maintenance or storage."),
    (
        "非我们指定的修理者拆动造成损坏的",
        "Damage from being taken apart by a repairer we did not appoint.",
    ),
    (
        "无三包凭证及有效发票的（能以其他方式证明在三包期内的除外）",
        "No Three Guarantees certificate and no valid invoice (unless other proof shows the "
        "goods are within the period).",
    ),
    (
        "三包凭证型号与产品型号不符或者涂改的",
        "The model on the Three Guarantees certificate does not match the product, or the "
        "certificate was altered.",
    ),
    ("因不可抗拒力造成损坏的", "Damage from force majeure."),
]
_KINDS["law"] = (
    "|".join(sorted(map(re.escape, LAWS), key=len, reverse=True)) + r"|消费者权益保护法 第二十四条",
    lambda t: basis_english(t) or LAWS.get(t, t),
)


def _compile(pattern: str) -> re.Pattern:
    out, names = [], []
    for piece in re.split(r"(\{\w+\})", pattern):
        if piece.startswith("{") and piece.endswith("}"):
            name = piece[1:-1]
            names.append(name)
            out.append(f"(?P<{name}>{_KINDS[name][0]})")
        else:
            out.append(re.escape(piece))
    return re.compile("^" + "".join(out) + "$")


_COMPILED = [(_compile(zh), en) for zh, en in SENTENCES]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str, *, bare: bool = False) -> str:
    """One of the engine's sentences in English; raises _Unknown when none matches."""
    text = text.strip()
    for pattern, english_text in _COMPILED:
        m = pattern.match(text)
        if m is None:
            continue
        try:
            values = {k: _KINDS[k][1](v) for k, v in m.groupdict().items()}
        except (_Unknown, KeyError):
            continue
        rendered = english_text.format(**values)
        return rendered.rstrip(".") if bare else _capital(rendered)
    raise _Unknown(text)


def sentence_english(text: str) -> str | None:
    """The engine's sentence in English, or None when it has no rendering."""
    try:
        return _sentence(text)
    except _Unknown:
        return None


# -- what the pages show -------------------------------------------------------------------------


def _remedy(value: str) -> str:
    from .models import Remedy

    try:
        return str(Remedy(value).label)
    except ValueError:
        return value


def _option_why(option: dict) -> str:
    rendered = sentence_english(option.get("why") or "")
    if rendered is not None and option.get("source") != "company":
        return rendered
    # A company's promise (its own words), or a sentence this module does not know yet: said
    # from the remedy and the last day.
    remedy = _remedy(option.get("remedy", ""))
    who = "As we promise" if option.get("source") == "company" else "Under the rule cited"
    if option.get("deadline"):
        return f"{who}: {remedy.lower()}, until {option['deadline']}."
    return f"{who}: {remedy.lower()}."


def _refusal_reason(refusal: dict) -> Said:
    rendered = sentence_english(refusal.get("reason") or "")
    if rendered is not None:
        return Said(rendered)
    return Said(refusal.get("reason") or "", chinese=True)


def text_said(text: str) -> Said:
    """A note or a term: English when known, else the Chinese, labelled."""
    if not text or not english():
        return Said(text or "")
    rendered = sentence_english(text)
    return Said(rendered) if rendered is not None else Said(text, chinese=True)


def engine_said(text: str) -> Said:
    """A text of the engine another record keeps (a rule cited, or a reason): English when it
    is one the engine writes; else as it is (it may be someone's own words)."""
    if not text or not english():
        return Said(text or "")
    rendered = basis_english(text) or sentence_english(text)
    return Said(rendered) if rendered else Said(text)


def _original(*texts: str) -> str:
    return " — ".join(t for t in texts if t)


def is_unconfirmed(note: str) -> bool:
    return UNCONFIRMED in (note or "")


def present_answer(answer: dict, *, editor: bool = False) -> dict:
    """The engine's ``answer`` as a page shows it: texts as ``Said`` in the reader's
    language, each item with its Chinese ``original`` (None on a Chinese page or when the
    text is shown in Chinese anyway). Notes marked [未确认] only for the ``editor``."""
    en = english()
    shown = dict(answer or {})
    options = []
    for o in shown.get("options") or []:
        item = dict(o)
        if en:
            item["why"] = Said(_option_why(o))
            item["basis"] = basis_said(o.get("basis", ""))
            item["original"] = _original(o.get("why", ""), o.get("basis", ""))
        else:
            item["why"], item["basis"] = Said(o.get("why", "")), Said(o.get("basis", ""))
            item["original"] = None
        options.append(item)
    refused = []
    for r in shown.get("refused") or []:
        item = dict(r)
        if en:
            item["reason"] = _refusal_reason(r)
            item["basis"] = basis_said(r.get("basis", ""))
            item["original"] = _original(r.get("reason", ""), r.get("basis", ""))
        else:
            item["reason"], item["basis"] = Said(r.get("reason", "")), Said(r.get("basis", ""))
            item["original"] = None
        refused.append(item)
    notes = []
    for n in shown.get("notes") or []:
        if not editor and is_unconfirmed(n):
            continue
        said = text_said(n)
        notes.append({"text": said, "original": n if en and not said.chinese else None})
    fees = dict(shown.get("fees") or {})
    originals = []
    for key in ("repair_basis", "return_shipping_basis", "refund_basis", "depreciation_basis"):
        raw = fees.get(key) or ""
        fees[key] = basis_said(raw)
        if en and raw and not fees[key].chinese:
            originals.append(raw)
    shown.update(
        options=options,
        refused=refused,
        notes=notes,
        fees=fees,
        fees_original=" · ".join(originals) if originals else None,
        english=en,
    )
    return shown


def present_terms(terms: dict) -> dict:
    """A certificate's or the promises page's terms (engine/terms.py) as a page shows them:
    each list item ``{"text": Said, "original": Chinese or None}``; names of the shipped
    categories and parts in English on an English page."""
    en = english()
    shown = dict(terms or {})

    def items(texts) -> list[dict]:
        out = []
        for t in texts or []:
            said = text_said(t)
            out.append({"text": said, "original": t if en and not said.chinese else None})
        return out

    for key in ("promises", "fees", "exemptions", "notes"):
        shown[key] = items(terms.get(key) if terms else None)
    exceptions = []
    for t in (terms or {}).get("no_reason_exceptions") or []:
        rendered = _EXCEPTION_BY_TEXT.get(t) if en else None
        exceptions.append(
            {
                "text": Said(_capital(rendered)) if rendered else Said(t, chinese=en),
                "original": t if rendered else None,
            }
        )
    shown["no_reason_exceptions"] = exceptions
    shown["category"] = name_label((terms or {}).get("category", ""))
    shown["main_parts"] = [
        {**p, "name": name_label(p.get("name", ""))} for p in (terms or {}).get("main_parts") or []
    ]
    shown["components"] = [
        {**p, "name": name_label(p.get("name", ""))} for p in (terms or {}).get("components") or []
    ]
    shown["english"] = en
    return shown


def chinese_original_label() -> str:
    return _("Chinese original")
