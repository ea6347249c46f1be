"""The shipped policies: the statutory floor and one per company policy in the source
documents (S1, S2, S3, S5/S11, S8, S12, S14, S17 of the seed file). Data only; figures that
RULES-CN marks unconfirmed carry a note in ``unconfirmed`` and show on every answer that
uses them, so an administrator knows what to check against the official text."""

from __future__ import annotations

import copy
from functools import cache

U = "[未确认]"


def _sanbao(whole=12, parts=None, depreciation=None, **extra):
    """A catalogue category under the 1995 general rules (R5–R12, R14)."""
    rules = {
        "regime": "sanbao",
        "whole_unit_months": whole,
        "main_parts": parts or {},
        "return_days": 7,
        "exchange_days": 15,
        "window_from": "sale",
        "repeat_repairs": 2,
        "repair_days_own": 30,
        "repair_days_parts": 90,
        "basis": "R14 实施三包的部分商品目录",
    }
    if depreciation is not None:
        rules["depreciation_per_day"] = depreciation
    rules.update(extra)
    return rules


def _first_batch_unconfirmed(**extra):
    """First-batch items whose periods we could not read (R14): a one-year whole unit,
    flagged, so an administrator fills in the catalogue figures."""
    return _sanbao(
        unconfirmed=[f"{U} R14：该品类的三包期、主要部件及折旧率未能核对原文，请按目录修正"],
        **extra,
    )


TV_PARTS = {"显像管": 36, "行输出变压器": 36, "高频头": 36, "集成电路": 36}

NATIONAL = {
    "key": "national",
    "name": "国家三包规定与消费者权益保护法（法定底线）",
    "source": "部分商品修理更换退货责任规定（1995）；移动电话机、固定电话机、微型计算机、"
    "家用视听商品三包规定；消费者权益保护法第二十三至二十五条；网络购买商品七日无理由退货暂行办法",
    "categories": {
        "自行车": _sanbao(12, {"车架": 24, "变速器": 24}, "0.05"),
        "彩色电视机": _sanbao(12, TV_PARTS, "0.1", durable=True, large=True),
        "黑白电视机": _sanbao(12, TV_PARTS, "0.05", durable=True),
        "家用录像机": _sanbao(
            12, {"磁鼓电机": 12, "主导轴电机": 12, "加载电机": 12, "集成电路": 12}, "0.1"
        ),
        "摄像机": _first_batch_unconfirmed(),
        "收录机": _first_batch_unconfirmed(),
        "电子琴": _first_batch_unconfirmed(),
        "家用电冰箱": _first_batch_unconfirmed(main_parts={"压缩机": 36}, durable=True, large=True),
        "洗衣机": _first_batch_unconfirmed(main_parts={"电动机": 36}, durable=True, large=True),
        "电风扇": _first_batch_unconfirmed(),
        "微波炉": _first_batch_unconfirmed(),
        "吸尘器": _first_batch_unconfirmed(),
        "家用空调器": _first_batch_unconfirmed(main_parts={"压缩机": 36}, durable=True, large=True),
        "吸排油烟机": _first_batch_unconfirmed(large=True),
        "燃气热水器": _first_batch_unconfirmed(large=True),
        "缝纫机": _first_batch_unconfirmed(),
        "钟表": _first_batch_unconfirmed(),
        # R26 names motor vehicles among the durable goods.
        "摩托车": _first_batch_unconfirmed(durable=True, large=True),
        "移动电话机": {
            "regime": "phone",
            "whole_unit_months": 12,
            "components": {
                "电池": 6,
                "充电器": 12,
                "有线耳机": 3,
                "数据接口卡": 12,
                "移动终端卡": 12,
            },
            "return_days": 7,
            "exchange_days": 15,
            "repeat_repairs": 2,
            "repair_days_own": 30,
            "repair_days_parts": 60,
            "basis": "R16 移动电话机商品修理更换退货责任规定 附件1",
            "unconfirmed": [
                f"{U} R16：各部件三包期仅见于摘要；充电器另有资料称 6 个月",
            ],
        },
        "固定电话机": {
            "regime": "fixed_phone",
            "whole_unit_months": 12,
            "return_days": 7,
            "exchange_days": 15,
            "repeat_repairs": 2,
            "repair_days_own": 30,
            "repair_days_parts": 60,
            "loaner_after_days": 3,
            "basis": "R8/R15 固定电话机商品修理更换退货责任规定 第二十、二十一、二十二条",
            "unconfirmed": [f"{U} 固定电话机整机三包期未能核对原文"],
        },
        "微型计算机": {
            "regime": "pc",
            "whole_unit_months": 12,
            "main_parts": {
                "主板": 24,
                "CPU": 24,
                "内存": 24,
                "硬盘": 24,
                "显示器": 24,
                "电源": 24,
            },
            "return_days": 7,
            "exchange_days": 15,
            "repeat_repairs": 2,
            "repair_days_own": 30,
            "repair_days_parts": 90,
            "durable": True,
            "basis": "R22 微型计算机商品修理更换退货责任规定 第十至十二条",
            "unconfirmed": [f"{U} R22：整机 1 年、主要部件 2 年仅见于摘要，另有资料称 3 年"],
        },
        **{
            name: {
                "regime": "av",
                "whole_unit_months": 12,
                "main_parts": parts,
                "return_days": 7,
                "exchange_days": 15,
                "repeat_repairs": 2,
                "repair_days_own": 30,
                "repair_days_parts": 90,
                "basis": "R23 家用视听商品修理更换退货责任规定",
                "unconfirmed": [f"{U} R23：家用视听商品的三包期仅见于摘要"],
            }
            for name, parts in (
                ("影碟机", {"激光头": 24, "机芯": 24}),
                ("音响功放", {"集成电路": 24}),
                ("音箱", {"扬声器": 24}),
            )
        },
    },
    # The names people type for the catalogue's categories (Policy.resolve). Not law: a
    # convenience an administrator extends; an alias must not name two categories.
    "aliases": {
        "自行车": ["单车", "脚踏车"],
        "彩色电视机": ["彩电", "电视", "电视机", "彩色电视", "液晶电视", "智能电视", "平板电视"],
        "黑白电视机": ["黑白电视"],
        "家用录像机": ["录像机"],
        "收录机": ["录音机", "收录音机"],
        "家用电冰箱": ["冰箱", "电冰箱", "家用冰箱"],
        "电风扇": ["风扇", "电扇"],
        "家用空调器": ["空调", "空调器", "空调机", "家用空调"],
        "吸排油烟机": ["油烟机", "抽油烟机", "吸油烟机"],
        "燃气热水器": ["煤气热水器"],
        "钟表": ["手表", "腕表", "时钟", "闹钟", "挂钟"],
        "摩托车": ["摩托"],
        "移动电话机": ["手机", "移动电话", "智能手机"],
        "固定电话机": ["固定电话", "座机", "固话"],
        "微型计算机": [
            "电脑",
            "计算机",
            "微机",
            "个人电脑",
            "台式机",
            "台式电脑",
            "笔记本",
            "笔记本电脑",
            "PC",
        ],
        "影碟机": ["DVD机", "VCD机", "DVD播放机"],
        "音响功放": ["功放", "功放机", "功率放大器"],
    },
    # Everything else: the consumer law alone (R25).
    "default": {
        "regime": "general",
        "return_days": 7,
        "window_from": "receipt",
        "basis": "R25 消费者权益保护法 第二十四条",
    },
    "no_reason": {
        "channels": ["online"],
        "days": 7,
        "refund_days": 7,
        "return_shipping": "consumer",
    },
    "fees": {
        "parts": "business",
        "labour": "business",
        "travel": "business",
        "return_shipping_quality": "business",
    },
    "dealer_split": "0.50",
    "notes": [
        "R1：谁经销谁负责；销售者承担三包责任后可向生产者、供货者追偿",
        "R13：修理后的产品应保证正常使用 30 日以上；生产者在产品停产后 5 年内保证配件供应",
    ],
}

S1_FOOD = {
    "key": "s1-food",
    "name": "食品公司：产品销售与售后服务规则",
    "source": "S1 食品公司食品安全与质量管理产品销售与售后服务规则",
    "layer_on": "national",
    "categories": {"食品": {"regime": "general", "basis": "S1 二、4 售后反馈"}},
    "promises": [
        {
            "id": "s1-quality",
            "remedies": ["return", "exchange"],
            "problems": ["quality"],
            "categories": ["食品"],
            "text": "食品存在质量或安全问题的，接受投诉并退货或换货",
            "basis": "S1 二、4 售后反馈",
        }
    ],
    "notes": [
        "S1：鲜活易腐及拆封后影响健康的食品不适用七日无理由退货（R29、R30）",
        "S1 二、3：保留生产、检验和销售记录，以便追溯质量问题",
    ],
}

S2_ECOMMERCE = {
    "key": "s2-ecommerce",
    "name": "电商平台：售后服务条款",
    "source": "S2 电商产品销售中的售后服务条款规范",
    "layer_on": "national",
    "promises": [
        {
            "id": "s2-quality",
            "remedies": ["return", "exchange", "free_repair"],
            "problems": ["quality"],
            "within": {"amount": 7, "unit": "working_days", "from": "receipt"},
            "text": "商品存在质量问题的，收货后 7 个工作日内可退货、换货或维修",
            "basis": "S2 一、1 产品质量问题",
        },
        {
            "id": "s2-no-reason",
            "remedies": ["return"],
            "problems": ["none"],
            "channels": ["online"],
            "within": {"amount": 7, "unit": "days", "from": "receipt"},
            "text": "七天无理由退货",
            "basis": "S2 一、3 服务承诺",
        },
        {
            "id": "s2-lifetime-repair",
            "remedies": ["paid_repair"],
            "problems": ["quality", "misuse", "unauthorized_repair", "force_majeure"],
            "text": "终身维修（保修期外收费）",
            "basis": "S2 一、3 服务承诺",
        },
    ],
    "notes": ["S2 一、2：配送延误的，消费者可要求补偿或退款（见配送延误工单）"],
}

S3_ELECTRONICS = {
    "key": "s3-electronics",
    "name": "电子产品公司：销售售后服务规定",
    "source": "S3 电子产品销售售后服务规定",
    "layer_on": "national",
    "default": {"whole_unit_months": 12, "window_from": "sale", "basis": "S3 二、2"},
    "promises": [
        {
            "id": "s3-free-repair",
            "remedies": ["free_repair"],
            "problems": ["quality"],
            "within": {"amount": 12, "unit": "months", "from": "sale"},
            "text": "非人为损坏的产品，自售出之日起一年内免费维修，承担材料和人工费用",
            "basis": "S3 二、2；三、2(1)",
        },
        {
            "id": "s3-long-repair",
            "remedies": ["exchange", "return"],
            "problems": ["quality"],
            "repair_over_days": 15,
            "text": "维修期间超过 15 天的，提供替换产品或全额退款",
            "basis": "S3 二、2 售后服务承诺",
        },
        {
            "id": "s3-paid-repair",
            "remedies": ["paid_repair"],
            "problems": ["quality", "misuse", "unauthorized_repair", "force_majeure"],
            "text": "保修期外提供收费维修",
            "basis": "S3 三、2(2)",
        },
    ],
    "fees": {"parts": "business", "labour": "business"},
    "notes": ["S3 三、2(3)：收到产品后 15 个工作日内修复，需更长时间的提供临时替换产品或赔偿"],
}

S5_S11_CONTRACT = {
    "key": "s5-s11-contract",
    "name": "销售合同：质量保证、售后服务与退换货",
    "source": "S5 产品销售合同售后服务与退换货流程；S11 产品销售合同的质量保证与售后服务",
    "layer_on": "national",
    "default": {
        "whole_unit_months": 12,
        "window_from": "receipt",
        "basis": "S5 一、1 质量保证期（以合同约定为准）",
        "unconfirmed": ["S5：质量保证期以具体合同为准，预设 12 个月，请按合同修改"],
    },
    "promises": [
        {
            "id": "s5-quality-return",
            "remedies": ["return"],
            "problems": ["quality"],
            "within": {"amount": 3, "unit": "working_days", "from": "receipt"},
            "text": "收到产品后 3 个工作日内通知并提供证据的，可因质量问题退货",
            "basis": "S5 二、1 a",
        },
        {
            "id": "s11-replace-or-refund",
            "remedies": ["exchange", "return"],
            "problems": ["quality"],
            "text": "经确认的质量缺陷：更换相同或更高规格的产品并承担运费，或全额退款",
            "basis": "S11 一、3 质量缺陷处理",
        },
        {
            "id": "s5-repair",
            "remedies": ["free_repair"],
            "problems": ["quality"],
            "text": "质量保证期内出现质量问题的，按合同约定维修",
            "basis": "S5 一、3 售后维修",
        },
    ],
    "fees": {"return_shipping_quality": "business"},
    # S11 一、3: the supplier provides the same or a higher specification as the remedy.
    "upgrade_difference": "business",
    "notes": [
        "S5 二、1 b：虚假宣传、误导销售的，发现后 15 个工作日内通知可退货",
        "S5 一、4：供应商提供质量合格的配件，客户可购买（WAR-15）",
        "S5 一、5：提供清洁、保养、更换易损件等售后保养（WAR-16）",
    ],
}

S8_FURNITURE = {
    "key": "s8-furniture",
    "name": "家具厂：售后服务三包管理规定（经销商网络）",
    "source": "S8 售后服务三包管理规定（板式家具）",
    "layer_on": "national",
    "categories": {
        "板式家具": {
            "regime": "general",
            "whole_unit_months": 12,
            "components": {"玻璃": 6, "镜子": 6},
            "window_from": "receipt",
            "durable": True,
            "large": True,
            "basis": "S8 三、3 三包有效期一般为一年；玻璃、镜子霉点和雾光六个月",
        }
    },
    "default": {"whole_unit_months": 12, "window_from": "receipt", "basis": "S8 三、3"},
    "promises": [
        {
            "id": "s8-15-days",
            "remedies": ["return", "exchange", "free_repair"],
            "problems": ["quality"],
            "within": {"amount": 15, "unit": "days", "from": "receipt"},
            "text": "自交货之日起 15 日内出现断榫、变形、结构松动、板件劈裂、颜色明显不一致等"
            "严重缺陷的，可选择退货、更换或维修（由品质部根据照片判定）",
            "basis": "S8 三、10",
            "judged_from_photos": True,
        },
        {
            "id": "s8-repair",
            "remedies": ["free_repair"],
            "problems": ["quality"],
            "text": "三包有效期内的质量问题免费维修",
            "basis": "S8 三、3",
        },
    ],
    "dealer_split": "0.50",
    "notes": [
        "S8 三、2：谁销售谁负责三包，销售者承担后有权向负有责任的厂家追偿",
        "S8 三、9：须提供产品批号、包装员号及装箱单，以便查实责任",
        "S8 三、11：非厂家生产原因的品质问题，补件费用由销售者与厂家各承担 50%",
    ],
}

S12_SANBAO = {
    "key": "s12-sanbao",
    "name": "三包制度（一年保修，24 小时答复，3 个工作日上门）",
    "source": "S12 三包制度",
    "layer_on": "national",
    "default": {"whole_unit_months": 12, "window_from": "sale", "basis": "S12 第五条"},
    "promises": [
        {
            "id": "s12-repair",
            "remedies": ["free_repair"],
            "problems": ["quality"],
            "text": "保修期内因产品质量原因造成的故障免费维修",
            "basis": "S12 第三、四条",
        },
        {
            "id": "s12-exchange",
            "remedies": ["exchange"],
            "problems": ["quality"],
            "repairs_at_least": 1,
            "text": "无法修复或维修成本过高的，更换同型号、同规格产品",
            "basis": "S12 第八条",
        },
        {
            "id": "s12-return",
            "remedies": ["return"],
            "problems": ["quality"],
            "text": "客户要求退货的，无条件接受并退还货款",
            "basis": "S12 第九条",
        },
        {
            "id": "s12-paid-repair",
            "remedies": ["paid_repair"],
            "problems": ["misuse"],
            "text": "因使用、维护不当造成的故障提供有偿维修",
            "basis": "S12 第四条 2",
        },
    ],
    "notes": ["S12 第六条：24 小时内答复，3 个工作日内安排上门"],
}

S14_SANBAO = {
    "key": "s14-sanbao",
    "name": "售后服务三包管理规定（15 日退款，延保）",
    "source": "S14 售后服务三包管理规定",
    "layer_on": "national",
    "default": {"whole_unit_months": 12, "window_from": "sale", "basis": "S14 一、2 质量保证期"},
    "promises": [
        {
            "id": "s14-repair",
            "remedies": ["free_repair"],
            "problems": ["quality"],
            "text": "质量保证期内免费保修并承担维修费用",
            "basis": "S14 四、1",
        },
        {
            "id": "s14-exchange",
            "remedies": ["exchange"],
            "problems": ["quality"],
            "repair_over_days": 15,
            "text": "质量保证期内不能按时修好的，可更换同型号、同规格、同质量的产品",
            "basis": "S14 二、3",
        },
        {
            "id": "s14-return",
            "remedies": ["return"],
            "problems": ["quality"],
            "repairs_at_least": 2,
            "text": "质量问题无法解决或消费者不同意维修、更换的，提供退货",
            "basis": "S14 二、1；四、3",
        },
    ],
    "refund_days": 15,
    "refund_penalty": "未按时退款的，消费者可要求按退回债务的三倍偿还（S14 二、2）",
    "notes": [
        "S14 五、2：可购买延长质量保证期",
        "S14 二、3：'按时修好'的期限原文未写明，预设 15 日，可修改；"
        "经判定无法按时修好的，不必等满期限即可换货",
    ],
}

S17_SANBAO = {
    "key": "s17-sanbao",
    "name": "产品销售与售后服务管理规定（包修、包换、包退）",
    "source": "S17 产品销售与售后服务管理规定",
    "layer_on": "national",
    "categories": {
        "电子产品": {"whole_unit_months": 12, "window_from": "sale", "basis": "S17 第六条 1"},
        "家用电器": {"whole_unit_months": 12, "window_from": "sale", "basis": "S17 第六条 2"},
        "日用品": {"whole_unit_months": 6, "window_from": "sale", "basis": "S17 第六条 3"},
    },
    "promises": [
        {
            "id": "s17-repair",
            "remedies": ["free_repair"],
            "problems": ["quality"],
            "categories": ["电子产品", "家用电器", "日用品"],
            "text": "包修期内因产品质量问题免费修理（维修费由公司承担）",
            "basis": "S17 第五、六、十条",
        },
        {
            "id": "s17-exchange",
            "remedies": ["exchange"],
            "problems": ["quality"],
            "categories": ["电子产品", "家用电器", "日用品"],
            "text": "包换期限与包修期限相同，更换同型号、同规格产品",
            "basis": "S17 第十一、十二条",
        },
    ],
    "fees": {"labour": "business", "parts": "consumer", "travel": "consumer"},
    "exemptions": ["外观瑕疵不影响正常使用", "说明书、保修卡等附件丢失"],
    "notes": ["S17 第七、十三条：非正常使用、自然灾害、未经授权的维修不在包修包换范围"],
}

PRESETS: dict[str, dict] = {
    p["key"]: p
    for p in (
        NATIONAL,
        S1_FOOD,
        S2_ECOMMERCE,
        S3_ELECTRONICS,
        S5_S11_CONTRACT,
        S8_FURNITURE,
        S12_SANBAO,
        S14_SANBAO,
        S17_SANBAO,
    )
}


def preset_data(key: str) -> dict:
    """A deep copy of a preset's data (for the database copy an administrator edits)."""
    return copy.deepcopy(PRESETS[key])


@cache
def preset(key: str):
    """The parsed preset ``key``; KeyError for an unknown key."""
    from .policy import Policy

    data = PRESETS[key]
    base = preset(data["layer_on"]) if data.get("layer_on") else None
    return Policy.from_dict(data, base=base)
