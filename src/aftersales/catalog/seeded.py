"""The product categories and warranty policies the demo company starts with: the Chinese name
stored and the English shown for it (categories by code, policies by name). See
``core.seeded``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CATEGORIES = {
    "electronics": ("电子产品", _("Electronics")),
    "tv": ("电视", _("TVs")),
    "phone": ("手机", _("Mobile phones")),
    "appliances": ("家用电器", _("Household appliances")),
    "fridge": ("冰箱", _("Refrigerators")),
    "washer": ("洗衣机", _("Washing machines")),
    "furniture": ("家具", _("Furniture")),
    "wardrobe": ("衣柜", _("Wardrobes")),
    "dining": ("餐桌", _("Dining tables")),
    "daily": ("日用品", _("Daily necessities")),
    "kitchen": ("厨具", _("Kitchenware")),
    "food": ("食品", _("Food")),
    "snacks": ("休闲食品", _("Snacks")),
}
WARRANTY_POLICIES = {
    "电子产品三包（1年）": _("Electronics: Three Guarantees (三包), 1 year"),
    "家用电器三包（1年）": _("Household appliances: Three Guarantees (三包), 1 year"),
    "家具三包（1年）": _("Furniture: Three Guarantees (三包), 1 year"),
    "日用品三包（6个月）": _("Daily necessities: Three Guarantees (三包), 6 months"),
}
# Fault codes (故障代码): code -> (the Chinese name stored, the English shown for it); the
# category they belong to and the words customers use for them are in FAULT_CODE_WORDS.
FAULT_CODES = {
    "tv-screen-lines": ("屏幕横线/条纹", _("Lines or stripes on the screen")),
    "tv-no-picture": ("黑屏无图像", _("Black screen, no picture")),
    "tv-no-sound": ("无声音", _("No sound")),
    "tv-remote": ("遥控失灵", _("Remote control does not work")),
    "fridge-not-cooling": ("不制冷", _("Not cooling")),
    "fridge-icing": ("结冰结霜", _("Ice or frost build-up")),
    "fridge-noise": ("压缩机异响", _("Compressor noise")),
    "washer-leak": ("漏水", _("Water leak")),
    "washer-no-water": ("不进水", _("No water comes in")),
    "washer-vibration": ("脱水振动噪音", _("Shaking and noise when spinning")),
    "washer-child-lock": ("童锁设置", _("Child lock settings")),
    "phone-charging": ("充不进电", _("Does not charge")),
    "phone-battery": ("电池续航短", _("Battery runs down fast")),
    "furniture-door": ("柜门松动/不齐", _("Loose or misaligned doors")),
    "furniture-surface": ("表面划痕/开裂", _("Scratched or cracked surface")),
    "install-leak": ("安装后漏水", _("Leaks after installation")),
}
FAULT_CODE_WORDS = {
    "tv-screen-lines": ("tv", "横线 竖线 条纹 花屏 线条 雪花"),
    "tv-no-picture": ("tv", "黑屏 无图像 没有图像 不显示 指示灯闪烁"),
    "tv-no-sound": ("tv", "没有声音 无声音 没声音 静音 无伴音"),
    "tv-remote": ("tv", "遥控 遥控器 失灵 按键没反应"),
    "fridge-not-cooling": ("fridge", "不制冷 不冷 制冷差 温度降不下来"),
    "fridge-icing": ("fridge", "结冰 结霜 冻坏 冰堵"),
    "fridge-noise": ("fridge", "异响 噪音 嗡嗡 压缩机响"),
    "washer-leak": ("washer", "漏水 渗水 地面全是水 滴水"),
    "washer-no-water": ("washer", "不进水 进水慢 没水"),
    "washer-vibration": ("washer", "晃动 振动 震动 脱水噪音 跳动"),
    "washer-child-lock": ("washer", "童锁 锁定 按键锁"),
    "phone-charging": ("phone", "充不进电 充电 不充电 充电慢 充电器"),
    "phone-battery": ("phone", "续航 耗电快 电池 掉电"),
    "furniture-door": ("furniture", "柜门 松动 合页 关不严 不齐"),
    "furniture-surface": ("furniture", "划痕 开裂 掉漆 起泡"),
    "install-leak": ("", "安装后漏水 空调漏水 排水管"),
}
