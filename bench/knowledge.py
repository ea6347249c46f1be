"""Benchmark: suggestions while typing and article search (FB-4) on PostgreSQL.

    .venv/bin/python bench/knowledge.py [--articles 20000] [--cases 1000000] [--runs 10]

Loads, in its own process and with multi-row INSERTs (set-up only), ``--articles`` published
support articles (titles, problems, symptoms, causes, solution steps, parts and safety notes
put together from templates for the demo products and the preset fault codes; each linked to
its products, or to a category only, and to its fault code through the M2M tables; internal,
dealers' or public) and ``--cases`` solved cases over two years (resolved or closed, with a
product, a customer's description and the solution from the same templates, a fault code on
60 % of those whose product has codes). The stored words are what the product stores
(``knowledge.services.index_words``, ``service.services.search.search_words``), put
together from each template's segmented words so that jieba runs once per template, not per
row; the load checks a sample against the real functions. Then, in a fresh process, through
the test client signed in as the customer-service user ``sunli``:

* ``GET /api/v1/knowledge/suggestions/?text=…&product_sku=…`` for 20 typed descriptions (the
  first request and the median of 10 more each; the median and 90th percentile of all);
* the same with a category instead of the product;
* the intake form's fragment ``GET /knowledge/suggest/?text=…&product_sku=…`` (skipped when
  its template is not there yet);
* ``GET /api/v1/knowledge/articles/?q=…`` for 10 searches;

and the query plans (EXPLAIN ANALYZE, BUFFERS) of the article candidates and the similar
solved cases for the first description, and of the article search that finds the most.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedback import _row_builder
from sales import setup
from staff import _batches

DATABASE = "aftersales_bench_knowledge"
SH = ZoneInfo("Asia/Shanghai")
DAYS = 730


def _topic(code, cats, name, *, say, cause, steps, parts, fix) -> dict:
    """A topic from space-separated phrases."""
    return {
        "code": code,
        "cats": tuple(cats.split()),
        "name": name,
        "say": say.split(),
        "cause": cause.split(),
        "steps": steps.split(),
        "parts": parts.split(),
        "fix": fix.split(),
    }


# What goes wrong, by fault code (None: a common question without a preset code), for which
# categories (a product's own category or its parent), in the customer's words (say), why
# (cause), what the technician does (steps, in order), the parts and how it ended (fix).
TOPICS = [
    _topic(
        "tv-screen-lines",
        "tv",
        "屏幕横线",
        say="屏幕上有横线 屏幕出现竖线 画面有条纹 开机后花屏 屏幕有彩色线条 画面像雪花一样",
        cause="屏线接触不良 逻辑板故障 液晶面板驱动损坏 主板输出信号异常",
        steps=(
            "断电重启，排除信号源问题 切换信号源，对比菜单画面 菜单画面也有横线时拆后壳检查屏线 "
            "重新插拔并固定屏线 仍有横线则更换逻辑板 逻辑板正常则更换液晶面板"
        ),
        parts="屏线 逻辑板 液晶面板",
        fix=(
            "重新插拔固定屏线后画面正常 更换逻辑板后横线消失 更换液晶面板后恢复正常 "
            "升级固件后花屏消失"
        ),
    ),
    _topic(
        "tv-no-picture",
        "tv",
        "黑屏无图像",
        say="开机黑屏 有声音没有图像 屏幕不显示 指示灯闪烁但是黑屏 突然黑屏了",
        cause="背光灯条损坏 电源板输出异常 主板程序出错 屏幕待机模式未唤醒",
        steps=(
            "确认电源指示灯状态 用手电照射屏幕检查是否有暗图像 有暗图像则检查背光灯条 "
            "测量电源板各路输出电压 刷写主板程序 更换背光灯条或电源板"
        ),
        parts="背光灯条 电源板 主板",
        fix="更换背光灯条后图像恢复 更换电源板后开机正常 刷写主板程序后恢复显示",
    ),
    _topic(
        "tv-no-sound",
        "tv",
        "无声音",
        say="电视没有声音 有图像没声音 声音时有时无 音量调到最大也没声音",
        cause="误开静音或外接音响设置 喇叭线松脱 功放电路损坏 音频设置错误",
        steps=(
            "检查是否静音及音频输出设置 恢复出厂设置后测试 拆机检查喇叭线连接 测量功放芯片供电 "
            "更换喇叭或主板"
        ),
        parts="喇叭 主板",
        fix="关闭外接音响输出后声音恢复 重新插好喇叭线后正常 更换主板后声音正常",
    ),
    _topic(
        "tv-remote",
        "tv",
        "遥控失灵",
        say="遥控器按键没反应 遥控器失灵 遥控器要对准很近才有用 语音遥控用不了",
        cause="遥控器电池电量不足 蓝牙遥控未配对 遥控接收头损坏 遥控器按键导电胶老化",
        steps=(
            "更换遥控器电池 按说明书重新配对蓝牙遥控器 用手机摄像头检查遥控器是否发射 "
            "检查电视遥控接收板 更换遥控器或接收板"
        ),
        parts="遥控器 遥控接收板",
        fix="更换电池后遥控正常 重新配对后语音遥控可用 更换遥控器后恢复",
    ),
    _topic(
        "fridge-not-cooling",
        "fridge",
        "不制冷",
        say="冰箱不制冷 冷藏室不冷 温度降不下来 冰箱制冷差，东西放不住 冷冻室化冻了",
        cause="温控设置过高 冷凝器散热不良 制冷剂泄漏 压缩机启动器损坏 风机不转",
        steps=(
            "确认温度设置和门封是否严密 检查冰箱周围散热空间 听压缩机是否启动 检查风机运转 "
            "检测系统压力并查找漏点 补焊漏点后抽真空加注制冷剂"
        ),
        parts="启动器 风机 制冷剂",
        fix=(
            "调整温控并清理冷凝器后制冷恢复 更换风机后制冷正常 补漏加注制冷剂后温度正常 "
            "更换启动器后压缩机正常运转"
        ),
    ),
    _topic(
        "fridge-icing",
        "fridge",
        "结冰结霜",
        say="冷冻室结霜很厚 冷藏室后壁结冰 风冷冰箱也结霜 出水口冻住了",
        cause="门封条老化漏气 化霜加热丝损坏 化霜温控器失效 排水口冰堵",
        steps=(
            "检查门封条密封 手动化霜后观察 测量化霜加热丝阻值 检查化霜温控器 疏通排水口 "
            "更换化霜组件"
        ),
        parts="门封条 化霜加热丝 化霜温控器",
        fix="更换门封条后不再结霜 更换化霜加热丝后正常 疏通排水口后不再结冰",
    ),
    _topic(
        "fridge-noise",
        "fridge",
        "压缩机异响",
        say="冰箱嗡嗡响 压缩机响声很大 晚上噪音大睡不着 冰箱有咔咔的异响",
        cause="冰箱放置不平 压缩机减震胶垫老化 风扇叶片碰到结冰 管路共振",
        steps="调整底脚使冰箱放平 检查压缩机减震胶垫 检查风扇是否碰冰 固定管路消除共振 更换压缩机",
        parts="减震胶垫 风扇 压缩机",
        fix="调平后噪音明显减小 更换减震胶垫后异响消失 更换风扇后正常",
    ),
    _topic(
        "washer-leak",
        "washer",
        "漏水",
        say="洗衣机漏水 洗衣服时地面全是水 底部一直滴水 门封处渗水",
        cause="门封圈破损 进水管接头松动 排水泵密封不良 内部管路老化开裂",
        steps=(
            "确认漏水位置 检查进水管接头和密封垫 检查门封圈有无破损 拆开底板检查排水泵 "
            "更换损坏的密封件或管路"
        ),
        parts="门封圈 进水管 排水泵",
        fix="更换门封圈后不再漏水 拧紧进水管接头后正常 更换排水泵后不漏水",
    ),
    _topic(
        "washer-no-water",
        "washer",
        "不进水",
        say="洗衣机不进水 进水很慢 放了半天也没水 显示进水超时",
        cause="水龙头未打开或水压低 进水阀滤网堵塞 进水电磁阀损坏 水位传感器故障",
        steps="确认水龙头打开、水压正常 清洗进水阀滤网 测量进水阀线圈 检查水位传感器 更换进水阀",
        parts="进水阀 水位传感器",
        fix="清洗滤网后进水正常 更换进水阀后恢复 更换水位传感器后正常",
    ),
    _topic(
        "washer-vibration",
        "washer",
        "脱水振动噪音",
        say="脱水时晃动厉害 洗衣机跳动 脱水噪音很大 甩干的时候整台机器在走",
        cause="运输螺栓未拆除 放置地面不平 衣物偏心 减震器失效",
        steps=(
            "确认运输螺栓已拆除 调整底脚使机器水平 重新摆放衣物后试机 检查减震器和吊簧 更换减震器"
        ),
        parts="减震器 吊簧",
        fix="拆除运输螺栓后脱水平稳 调平后振动消失 更换减震器后正常",
    ),
    _topic(
        "washer-child-lock",
        "washer",
        "童锁设置",
        say="童锁打不开 按键都锁住了 显示一把锁的图标 门锁解不开",
        cause="童锁功能被误开启 门锁开关故障 程序未结束门锁延时",
        steps="同时长按童锁组合键三秒解锁 等待门锁延时结束 断电重启 检查门锁开关 更换门锁",
        parts="门锁",
        fix="指导客户解除童锁 更换门锁后正常开门",
    ),
    _topic(
        "phone-charging",
        "phone",
        "充不进电",
        say="手机充不进电 插上充电器没反应 充电很慢 充电时断时续",
        cause="充电器或数据线损坏 充电接口有异物 尾插排线损坏 电池保护板故障",
        steps=(
            "更换原装充电器和数据线测试 清理充电接口 检查尾插排线 检测电池电压 更换尾插小板或电池"
        ),
        parts="充电器 尾插小板 电池",
        fix="清理充电口后充电正常 更换尾插小板后恢复 更换电池后充电正常",
    ),
    _topic(
        "phone-battery",
        "phone",
        "电池续航短",
        say="电池耗电快 半天就没电 电量突然掉到零 待机也掉电",
        cause="后台应用耗电 电池老化 系统版本问题 信号差导致耗电",
        steps="查看耗电排行 关闭后台应用 升级系统 检测电池健康度 更换电池",
        parts="电池",
        fix="关闭后台应用后续航恢复 升级系统后耗电正常 更换电池后续航正常",
    ),
    _topic(
        "furniture-door",
        "furniture",
        "柜门松动",
        say="柜门松动 门关不严 两扇门不齐 合页响 推拉门推不动",
        cause="合页螺丝松动 柜体不平 合页损坏 滑轨变形",
        steps="检查柜体是否水平 拧紧合页螺丝 调整合页上下左右 更换合页或滑轨",
        parts="合页 滑轨",
        fix="调整合页后柜门平齐 更换滑轨后推拉顺畅 拧紧螺丝后不再松动",
    ),
    _topic(
        "furniture-surface",
        "furniture",
        "表面划痕",
        say="表面有划痕 桌面开裂 油漆掉了 表面起泡",
        cause="运输磕碰 安装时划伤 板材受潮 阳光直晒",
        steps="拍照确认划痕位置和大小 轻微划痕用修补蜡修补 开裂起泡评估是否更换部件 更换桌面或门板",
        parts="修补蜡 桌面 门板",
        fix="修补后看不出划痕 更换桌面后客户满意 更换门板后正常",
    ),
    _topic(
        "install-leak",
        "fridge washer",
        "安装后漏水",
        say="安装后漏水 刚装好就漏水 排水管漏水 安装后地上有水",
        cause="排水管未插到位 进水管接头未拧紧 排水管折弯 安装位置不平",
        steps="检查排水管插入深度并固定 拧紧进水管接头 理顺排水管 调平机器",
        parts="排水管 进水管",
        fix="重新固定排水管后不漏水 拧紧接头后正常 调平后不再漏水",
    ),
    _topic(
        None,
        "tv",
        "连不上网络",
        say="电视连不上无线网络 投屏失败 网络经常断开 应用打不开提示网络错误",
        cause="路由器距离远信号弱 无线密码输入错误 网络设置异常 系统版本过旧",
        steps="确认路由器工作正常 重新输入无线密码 恢复网络设置 升级系统版本",
        parts="无线模块",
        fix="重新连接网络后正常 升级系统后投屏正常",
    ),
    _topic(
        None,
        "phone",
        "死机重启",
        say="手机经常死机 自动重启 卡在开机画面 屏幕触摸没反应",
        cause="存储空间不足 第三方应用冲突 系统文件损坏 主板虚焊",
        steps="清理存储空间 进入安全模式排查应用 备份数据后恢复出厂设置 刷写系统 检修主板",
        parts="主板",
        fix="清理存储后运行流畅 刷写系统后不再重启 更换主板后正常",
    ),
    _topic(
        None,
        "fridge",
        "有异味",
        say="冰箱里有异味 冷藏室有臭味 门关不严有异味",
        cause="食物未密封 排水孔堵塞 门封条不严",
        steps="清理变质食物 清洗内胆和排水孔 检查门封条 放置除味剂",
        parts="除味剂 门封条",
        fix="清洗后异味消失 更换门封条后正常",
    ),
    _topic(
        None,
        "washer",
        "不排水",
        say="洗衣机不排水 排水很慢 显示排水故障 洗完桶里还有水",
        cause="排水泵过滤器堵塞 排水管堵塞 排水泵损坏",
        steps="清理排水泵过滤器 疏通排水管 测量排水泵 更换排水泵",
        parts="排水泵",
        fix="清理过滤器后排水正常 更换排水泵后正常",
    ),
    _topic(
        None,
        "furniture",
        "有异味",
        say="新衣柜有味道 餐桌有刺鼻气味 柜子里有异味",
        cause="板材胶水挥发 通风不足",
        steps="开窗通风 放置活性炭 提供环保检测报告",
        parts="活性炭",
        fix="通风两周后气味明显减轻 提供检测报告后客户认可",
    ),
    _topic(
        None,
        "kitchen",
        "涂层脱落",
        say="炒锅涂层脱落 不粘锅粘锅了 锅底变形 手柄松动",
        cause="使用金属铲 空烧过热 手柄螺丝松动",
        steps="确认使用方法 拧紧手柄螺丝 按三包换货",
        parts="手柄",
        fix="更换新锅 拧紧手柄后正常",
    ),
    _topic(
        None,
        "snacks",
        "包装破损",
        say="礼盒包装破损 坚果受潮 临近保质期 少了一袋",
        cause="运输挤压 仓储环境潮湿 分拣遗漏",
        steps="核对批次和生产日期 拍照留存 补发或退换",
        parts="",
        fix="补发新礼盒 退款处理",
    ),
]
WHEN = [
    "",
    "刚买回来就",
    "用了三个月",
    "使用半年后",
    "开机半小时后",
    "晚上",
    "搬家之后",
    "天气热的时候",
    "停电来电后",
    "升级系统后",
    "用了一年多",
    "昨天开始",
]
TAIL = [
    "",
    "反复出现",
    "越来越严重",
    "偶尔会好",
    "已经两天了",
    "孩子说的",
    "重启也不行",
    "影响使用",
    "请尽快上门",
]
CLOSING = ["客户确认已恢复正常", "试机正常", "已告知客户使用注意事项", "客户满意", "留观三天无复发"]
KINDS = ["的排查与处理", "的维修方法", "处理步骤", "的原因分析", "快速解决办法", "上门维修指引"]
SAFETY = [
    "",
    "维修前务必断电并拔下电源插头。",
    "搬动大件时两人操作，注意防滑。",
    "涉及制冷系统须由持证人员操作。",
    "更换电池时使用原装配件。",
]
REMEDY = ["", "", "维修", "上门维修", "换货"]
# Who has cases: the share of the solved cases per category.
CASE_SHARE = {"tv": 30, "fridge": 18, "washer": 18, "phone": 16, "furniture": 12, "kitchen": 4,
              "snacks": 2}  # fmt: skip

# 20 descriptions as an agent types them, with the product chosen on the form.
TYPED = [
    ("TV-55A1", "电视屏幕上有横线"),
    ("TV-65A1", "开机黑屏，指示灯一直闪烁"),
    ("TV-55A1", "看电视没有声音"),
    ("TV-65A1", "遥控器按键没反应"),
    ("TV-55A1", "电视连不上无线网络"),
    ("FR-450", "冰箱不制冷，温度降不下来"),
    ("FR-450", "冷冻室结霜很厚"),
    ("FR-450", "压缩机嗡嗡响，晚上很吵"),
    ("FR-450", "安装后漏水"),
    ("WM-10KG", "洗衣机漏水，地面全是水"),
    ("WM-10KG", "洗衣机不进水"),
    ("WM-10KG", "脱水的时候晃动很厉害"),
    ("WM-10KG", "童锁打不开"),
    ("WM-10KG", "用了三个月，洗衣服的时候声音很大，底下还有点滴水，客户希望尽快上门看看"),
    ("PH-X10", "手机充不进电"),
    ("PH-X10", "电池耗电快，半天就没电"),
    ("PH-X10", "手机经常死机"),
    ("WD-180", "衣柜柜门松动关不严"),
    ("DT-140", "餐桌表面有划痕"),
    ("KT-PAN28", "炒锅涂层脱落"),
]
SEARCHES = ["横线", "漏水", "电视 黑屏", "不制冷", "充电", "柜门 松动", "压缩机 异响", "遥控器",
            "童锁", "涂层脱落"]  # fmt: skip


@cache
def _article_words(fragment: str) -> tuple[str, ...]:
    from aftersales.knowledge.search import words

    return tuple(words(fragment, cap=None))


@cache
def _segment(fragment: str) -> str:
    from aftersales.service.services.search import segment

    return segment(fragment)


def _joined_words(fragments) -> str:
    """``index_words`` over fragments each segmented once: jieba cuts at spaces and line
    breaks, so the words of the joined text are the fragments' words in order, once each."""
    out: dict[str, None] = {}
    for fragment in fragments:
        for w in _article_words(fragment):
            out.setdefault(w, None)
    return " ".join(out)


def _category_of(category_codes: dict) -> dict:
    """Each category code's group in TOPICS (furniture for its wardrobes and tables)."""
    return {
        code: (parent if parent in CASE_SHARE else code) for code, parent in category_codes.items()
    }


def load(articles: int, cases: int) -> None:
    from django.db import connection

    from aftersales.accounts.models import Department, User
    from aftersales.catalog.demo import ensure_fault_codes
    from aftersales.catalog.models import Category, FaultCode, Product
    from aftersales.core.bulk import db_datetime, insert_rows
    from aftersales.customers.models import Customer
    from aftersales.knowledge.models import Article, ArticleVersion
    from aftersales.knowledge.services import TEXT_FIELDS
    from aftersales.service.models import Case
    from aftersales.service.services.search import segment

    rng = random.Random(4)
    now = datetime.now(SH)
    stamp = db_datetime(now)
    started = time.perf_counter()

    def elapsed() -> str:
        return f"{time.perf_counter() - started:.0f} s"

    ensure_fault_codes()
    codes = {f.code: f for f in FaultCode.objects.all()}
    categories = {c.code: c for c in Category.objects.select_related("parent")}
    group_of = _category_of(
        {code: (c.parent.code if c.parent_id else None) for code, c in categories.items()}
    )
    products = list(Product.objects.select_related("category").order_by("sku"))
    by_group: dict[str, list] = {}
    for p in products:
        by_group.setdefault(group_of[p.category.code], []).append(p)
    topics_of = {g: [t for t in TOPICS if g in t["cats"]] for g in by_group}
    service = Department.objects.get(code="service")
    writer = User.objects.get(username="sunli")

    # Articles: the text from the templates, the words from each template's words.
    links = []  # (products, categories, fault code) per article, in number order
    texts = []

    def article_rows():
        for i in range(articles):
            topic = TOPICS[i % len(TOPICS)]
            group = rng.choice(topic["cats"])
            items = by_group[group]
            roll = rng.random()
            if roll < 0.2:  # written for the category (电视, 家具)
                chosen, cats = [], [categories[group]]
                subject = cats[0].name
            elif roll < 0.3 and len(items) > 1:
                chosen, cats = sorted(rng.sample(items, 2), key=lambda p: p.sku), []
                subject = chosen[0].name
            else:
                chosen, cats = [rng.choice(items)], []
                subject = chosen[0].name
            fault = codes[topic["code"]] if topic["code"] else None
            when = rng.choice(WHEN)
            title = f"{subject}{when}{topic['name']}{rng.choice(KINDS)}"[:120]
            says = rng.sample(topic["say"], min(2, len(topic["say"])))
            causes = rng.sample(topic["cause"], min(2, len(topic["cause"])))
            picked = sorted(rng.sample(range(len(topic["steps"])), min(4, len(topic["steps"]))))
            text = {
                "title": title,
                "problem": f"客户反映{when}{says[0]}，{rng.choice(TAIL) or '影响使用'}。",
                "symptoms": "；".join(says),
                "cause": "可能原因：" + "；".join(causes),
                "solution": "\n".join(topic["steps"][s] for s in picked),
                "parts": "、".join(topic["parts"]),
                "safety": rng.choice(SAFETY),
            }
            fragments = [text[name] for name in TEXT_FIELDS if name != "solution"]
            fragments[4:4] = text["solution"].splitlines()  # in TEXT_FIELDS' order
            if fault is not None:
                fragments.append(f"{fault.name} {fault.keywords}")
            fragments += [f"{p.name} {p.model}" for p in chosen]
            fragments += [c.name for c in cats]
            texts.append(text)
            links.append((chosen, cats, fault))
            used = int(rng.expovariate(1 / 20))
            yield build(
                number=f"ZS-B{i:07d}",
                title=title,
                status="published",
                visibility=rng.choice(["internal", "internal", "dealers", "public"]),
                owner_department_id=service.pk,
                created_by_id=writer.pk,
                search_text=_joined_words(fragments),
                used=used,
                sent=used // 3,
                helpful=used // 2,
                not_helpful=used // 10,
                views=used * 5,
            )

    names, build = _row_builder(Article, stamp)
    with _gin_built_after("knowledge_article"):
        _batches(Article, names, article_rows())
    ids = list(
        Article.objects.filter(number__startswith="ZS-B")
        .order_by("number")
        .values_list("pk", flat=True)
    )
    names, build_version = _row_builder(ArticleVersion, stamp)
    _batches(
        ArticleVersion,
        names,
        (
            build_version(
                article_id=pk,
                number=1,
                status="published",
                written_by_id=writer.pk,
                submitted_at=stamp,
                reviewed_at=stamp,
                published_at=stamp,
                **text,
            )
            for pk, text in zip(ids, texts, strict=True)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE knowledge_article a SET published_id = v.id FROM knowledge_articleversion v "
            "WHERE v.article_id = a.id AND a.number LIKE 'ZS-B%%'"
        )
        # The update left a dead copy of every row: a table of articles written and
        # published one by one has none of them.
        cursor.execute("VACUUM FULL knowledge_article")
    m2m = (
        (Article.products.through, "product_id", lambda link: [p.pk for p in link[0]]),
        (Article.categories.through, "category_id", lambda link: [c.pk for c in link[1]]),
        (Article.fault_codes.through, "faultcode_id", lambda link: [link[2].pk] if link[2] else []),
    )
    for through, column, targets in m2m:
        insert_rows(
            through,
            ["article_id", column],
            [(pk, t) for pk, link in zip(ids, links, strict=True) for t in targets(link)],
        )
    print(f"{articles:,} articles with their versions and links in {elapsed()}")

    # Customers: one of 50,000, the case's contact phone is theirs.
    names, build = _row_builder(Customer, stamp)
    insert_rows(
        Customer,
        names,
        [
            build(kind="individual", name=f"客户{i}", mobile=f"139{i:08d}", province="上海市")
            for i in range(50_000)
        ],
    )
    customers = list(
        Customer.objects.filter(mobile__startswith="139").values_list("pk", "name", "mobile")
    )
    customer_words = {
        pk: (mobile, _segment(f"{mobile} {mobile[-4:]} {name}")) for pk, name, mobile in customers
    }
    customer_ids = list(customer_words)
    print(f"50,000 customers in {elapsed()}")

    groups = [g for g in CASE_SHARE if g in by_group]
    weights = [CASE_SHARE[g] for g in groups]
    names, build = _row_builder(Case, stamp)

    def case_rows():
        for i in range(cases):
            group = rng.choices(groups, weights)[0]
            product = rng.choice(by_group[group])
            topic = rng.choice(topics_of[group])
            coded = topic["code"] is not None and rng.random() < 0.6
            description = f"{rng.choice(WHEN)}{rng.choice(topic['say'])}"
            tail = rng.choice(TAIL)
            if tail:
                description += f"，{tail}"
            steps = rng.choice(topic["steps"])
            solution = f"{steps}，{rng.choice(topic['fix'])}，{rng.choice(CLOSING)}。"
            remedy = rng.choice(REMEDY)
            number = f"TK-K{i:08d}"
            customer = rng.choice(customer_ids)
            phone, contact_words = customer_words[customer]
            # search_words(number, phone, contact, customer name, serial, product name,
            # description, remedy, solution): the parts' words joined by spaces.
            search = " ".join(
                w
                for w in (
                    segment(number),
                    contact_words,
                    _segment(product.name),
                    _segment(description),
                    _segment(remedy),
                    _segment(solution),
                )
                if w
            )
            opened = now - timedelta(days=DAYS * i / cases, minutes=rng.randint(0, 600))
            resolved = opened + timedelta(hours=rng.choice([2, 5, 9, 20, 30, 50, 80]))
            closed = rng.random() < 0.9
            yield build(
                number=number,
                channel="phone",
                kind="repair",
                status="closed" if closed else "resolved",
                customer_id=customer,
                contact_phone=phone,
                product_id=product.pk,
                description=description,
                fault_code_id=codes[topic["code"]].pk if coded else None,
                requested_remedy=remedy,
                solution=solution,
                result="fixed",
                search_text=search,
                created_at=db_datetime(opened),
                resolved_at=db_datetime(resolved),
                closed_at=db_datetime(resolved + timedelta(days=1)) if closed else None,
            )

    with _gin_built_after("service_case"):
        _batches(Case, names, case_rows())
        print(f"{cases:,} solved cases in {elapsed()}")
    print(f"the full-text index rebuilt in {elapsed()}")
    _check_words(rng, articles, cases)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {elapsed()}")


@contextmanager
def _gin_built_after(table: str):
    """Drop the table's GIN indexes while loading and build them again afterwards, as they
    were (their definitions read from the catalogue): one build is much faster than a
    million inserts into the index."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexdef LIKE '%%USING gin%%'",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)


def _check_words(rng, articles: int, cases: int) -> None:
    """The stored words put together from templates are what the product would store."""
    from aftersales.knowledge.models import Article
    from aftersales.knowledge.services import index_words
    from aftersales.service.models import Case
    from aftersales.service.services.search import search_text_for

    numbers = [f"ZS-B{n:07d}" for n in rng.sample(range(articles), min(200, articles))]
    for article in Article.objects.filter(number__in=numbers).select_related("published"):
        assert article.search_text == index_words(article, article.published), article.number
    numbers = [f"TK-K{n:08d}" for n in rng.sample(range(cases), min(200, cases))]
    for case in Case.objects.filter(number__in=numbers).select_related("customer", "product"):
        assert case.search_text == search_text_for(case), case.number
    print("stored words checked against index_words and search_text_for (200 of each)")


def _runs(fn, runs: int) -> tuple[float, list[float]]:
    """The first call's time and ``runs`` more."""
    samples = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples[0], samples[1:]


def _p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10, method="inclusive")[-1]


def _ms(value: float) -> str:
    return f"{value * 1000:.0f}"


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from aftersales.accounts.models import User
    from aftersales.catalog.models import Product
    from aftersales.knowledge import selectors
    from aftersales.knowledge.models import Article
    from aftersales.knowledge.search import Query
    from aftersales.service.models import Case

    print(
        f"{Article.objects.filter(status='published').count():,} published articles, "
        f"{Case.objects.filter(status__in=selectors.SOLVED).count():,} solved cases"
    )
    agent = User.objects.get(username="sunli")
    client = Client(HTTP_HOST="localhost")
    client.force_login(agent)
    client.get("/")  # the process's first request (imports, templates) is not the suggestions'
    products = {p.sku: p for p in Product.objects.select_related("category")}
    started = time.perf_counter()
    response = client.get(
        "/api/v1/knowledge/suggestions/", {"text": "电视开不了机", "product_sku": "TV-55A1"}
    )
    assert response.status_code == 200, response.status_code
    print(
        f"the process's first suggestions (jieba loads its dictionary): "
        f"{_ms(time.perf_counter() - started)} ms"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('service_case')), "
            "pg_size_pretty(pg_relation_size('service_case_search_vector_gin')), "
            "pg_size_pretty(pg_total_relation_size('knowledge_article')), "
            "pg_size_pretty(pg_relation_size('knowledge_article_search_gin')), "
            "current_setting('shared_buffers'), current_setting('work_mem')"
        )
        sizes = cursor.fetchone()
    print("cases {} (GIN {}), articles {} (GIN {}); shared_buffers {}, work_mem {}".format(*sizes))

    def series(label: str, url: str, cases, found=None) -> list[float]:
        """Each case's first request and the median of ``runs`` more; all samples back."""
        everything, firsts = [], []
        for params in cases:

            def call(params=params):
                response = client.get(url, params)
                assert response.status_code == 200, (url, params, response.status_code)
                return response

            first, samples = _runs(call, runs)
            firsts.append(first)
            everything += samples
            shown = " ".join(f"{k}={v}" for k, v in params.items())
            print(
                f"  {shown}: first {_ms(first)} ms, median of {runs} "
                f"{_ms(statistics.median(samples))} ms"
                + (f" ({found(call().json())})" if found else "")
            )
        print(
            f"{label}: median {_ms(statistics.median(everything))} ms, p90 "
            f"{_ms(_p90(everything))} ms, slowest first request {_ms(max(firsts))} ms "
            f"({len(cases)} × {runs})"
        )
        return everything

    def suggested(body) -> str:
        return (
            f"fault codes {','.join(body['fault_codes']) or '-'}, "
            f"{len(body['articles'])} articles, {len(body['cases'])} cases"
        )

    print("suggestions with the product (GET /api/v1/knowledge/suggestions/):")
    series(
        "suggestions with the product",
        "/api/v1/knowledge/suggestions/",
        [{"text": text, "product_sku": sku} for sku, text in TYPED],
        suggested,
    )
    print("suggestions with the category only:")
    series(
        "suggestions with the category",
        "/api/v1/knowledge/suggestions/",
        [{"text": text, "category": products[sku].category.code} for sku, text in TYPED],
        suggested,
    )
    try:
        response = client.get(
            "/knowledge/suggest/", {"text": "电视屏幕上有横线", "product_sku": "TV-55A1"}
        )
        status = response.status_code
    except Exception as exc:  # the template may not be written yet
        status = f"{type(exc).__name__}: {exc}"
    if status == 200:
        print("intake fragment (GET /knowledge/suggest/):")
        series(
            "intake fragment",
            "/knowledge/suggest/",
            [{"text": text, "product_sku": sku} for sku, text in TYPED],
        )
    else:
        print(f"intake fragment (GET /knowledge/suggest/): skipped, {status}")
    print("article search (GET /api/v1/knowledge/articles/?q=…):")
    series(
        "article search",
        "/api/v1/knowledge/articles/",
        [{"q": q} for q in SEARCHES],
        lambda body: f"{body['count']} found",
    )

    # The plans: the article candidates and the similar solved cases for a typed description.
    sku, text = TYPED[0]
    query = Query.build(text, product=products[sku])
    print(f"query for {text!r} ({sku}): {len(query.terms)} words: {query.tsquery()}")
    with CaptureQueriesContext(connection) as captured:
        selectors.suggest_articles(agent, query)
    article_sql = next(q["sql"] for q in captured if "ts_rank" in q["sql"])
    with CaptureQueriesContext(connection) as captured:
        selectors.similar_cases(agent, query)
    case_sql = next(q["sql"] for q in captured if "service_case" in q["sql"])
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/v1/knowledge/articles/", {"q": "不制冷"})  # the most found
    search_sqls = [q["sql"] for q in captured if "search_vector" in q["sql"]]
    for label, sql in (
        ("article candidates (suggest_articles)", article_sql),
        ("similar solved cases (similar_cases)", case_sql),
        *(
            ("article search 不制冷, " + ("the count" if "COUNT(*)" in s else "the page"), s)
            for s in search_sqls
        ),
    ):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [r[0] for r in cursor.fetchall()]
        print(f"plan, {label}:")
        print("   ", sql[:600] + (" …" if len(sql) > 600 else ""))
        for line in plan:
            print("   ", line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    args = parser.parse_args()
    if args.load_only:
        setup(DATABASE)
        load(args.articles, args.cases)
        return
    if not args.measure_only:
        subprocess.run([sys.executable, __file__, "--load-only", *sys.argv[1:]], check=True)
    setup(DATABASE, fresh=False)
    measure(args.runs)


if __name__ == "__main__":
    main()
