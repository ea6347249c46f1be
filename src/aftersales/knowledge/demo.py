"""Demo knowledge (FB-4): the preset fault codes on the demo's solved cases, and 24 support
articles written from solved cases of their own — for the TVs, the refrigerator, the washing
machine, the phone, the furniture and the frying pan — reviewed by the after-sales service
department's head: 12 public, 5 for dealers, 5 internal, one draft and one waiting for review;
two of them in a second version. Two open cases carry the suggestion that fits them.

The cases went through the desk as any case does (intake, accept, resolve with the
technician's steps, the fault code, the customer's confirmation, closing and the follow-up
call) and are then moved back to when they happened, three to six months ago, as the feedback
demo does with its history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from django.db.models import F
from django.utils import timezone

from aftersales.core.demo import DemoContext

from .models import Visibility

PUBLIC, DEALERS, INTERNAL = Visibility.PUBLIC, Visibility.DEALERS, Visibility.INTERNAL
SOLVED = ("resolved", "confirmed", "closed")
OPEN = ("new", "accepted", "verifying", "in_progress")


@dataclass(frozen=True)
class Story:
    """One solved case and the article written from it."""

    key: str
    sku: str
    kind: str  # of the case; a consultation is solved on the phone by customer service
    customer: str
    description: str
    fault: str  # the preset fault code, "" when none fits
    steps: tuple[str, ...]
    result: str
    title: str
    problem: str
    symptoms: str
    cause: str
    parts: str = ""
    safety: str = ""
    visibility: str = PUBLIC
    writer: str = "sunli"
    category: str = ""  # written for the whole category instead of the product
    state: str = "published"  # or "draft", "review"
    days_ago: int = 120  # when the case came in
    # A second version: the steps and parts as they read now.
    steps_v2: tuple[str, ...] = ()
    parts_v2: str = ""


STORIES = (
    Story(
        key="tv-lines-tcon",
        sku="TV-55A1",
        kind="repair",
        customer="王建华",
        description="电视屏幕有横线，开机十分钟后出现，用手按一下后壳横线会变化。",
        fault="tv-screen-lines",
        steps=(
            "关机并拔下电源插头，等待3分钟，让电源板电容放电",
            "在软垫上将电视屏幕朝下平放，拆下后壳螺钉和后壳",
            "找到T-CON板，检查屏幕排线（FFC）两端是否松脱、插歪或金手指氧化",
            "用无水酒精清洁金手指，重新插紧排线并扣好卡扣，用高温胶带固定",
            "通电开机观察30分钟，条纹仍在时更换T-CON板",
            "装回后壳，用菜单里的纯色测试画面检查无条纹后交付",
        ),
        result="重新插紧屏幕排线并更换T-CON板，试机1小时无横线。",
        title="显示屏出现条纹：T-CON板与屏幕排线的检修",
        problem="开机一段时间后屏幕出现横向条纹或花屏，按压后壳时条纹变化。",
        symptoms="开机几分钟到半小时后出现横线或彩色条纹\n"
        "按压后壳、机身受热后条纹增多或变化\n"
        "菜单和开机画面上同样有条纹（与信号源无关）",
        cause="T-CON板（逻辑板）与屏幕之间的排线松动或氧化，接触不良；少数为T-CON板本身损坏。",
        parts="T-CON板（55A1）\n屏幕排线（FFC）\n高温胶带",
        safety="拆机前必须断电并等待电容放电\n"
        "屏幕面板易碎，只能平放在软垫上，不可按压屏幕中部\n"
        "插拔排线时戴防静电手环",
        visibility=DEALERS,
        writer="chenjie",
        days_ago=172,
        steps_v2=(
            "关机并拔下电源插头，等待3分钟，让电源板电容放电",
            "在软垫上将电视屏幕朝下平放，拆下后壳螺钉和后壳",
            "找到T-CON板，检查屏幕排线（FFC）两端是否松脱、插歪或金手指氧化",
            "用无水酒精清洁金手指，重新插紧排线并扣好卡扣，用高温胶带固定",
            "通电开机观察30分钟，条纹仍在时更换T-CON板",
            "换板后条纹仍随按压屏幕边缘变化时，检查屏幕边缘的COF有无压痕："
            "有压痕为液晶面板故障，按液晶面板更换处理",
            "装回后壳，用菜单里的纯色测试画面检查无条纹后交付",
        ),
        parts_v2="T-CON板（55A1）\n屏幕排线（FFC）\n高温胶带\n防静电袋（旧板返厂用）",
    ),
    Story(
        key="tv-lines-panel",
        sku="TV-65A1",
        kind="repair",
        customer="刘志强",
        description="画面上有几条竖线，位置固定不动，最近越来越多。",
        fault="tv-screen-lines",
        steps=(
            "用菜单的纯色测试画面确认竖线位置固定、与信号源无关",
            "断电拆后壳，重插T-CON板到屏幕的排线后开机对比，竖线不变即可排除排线问题",
            "按序列号查三包期：液晶面板属主要部件，三包期内免费更换",
            "整屏更换液晶面板（两人操作，在无尘工作台进行）",
            "更换后用全白、全黑和灰阶测试画面各看5分钟，确认无亮点、暗点和竖线",
        ),
        result="液晶面板COF损坏，三包期内更换液晶面板，测试画面正常。",
        title="画面出现固定竖线：液晶面板老化的判断与更换",
        problem="屏幕上出现位置固定的竖线，数量随时间增加。",
        symptoms="屏幕上有一条或多条彩色或黑色竖线，位置固定\n"
        "竖线随使用时间逐渐增多\n"
        "切换信号源、恢复出厂设置后不变",
        cause="液晶面板老化，屏幕边缘的COF（覆晶薄膜）或源极驱动损坏；"
        "与排线松动不同，按压后壳时竖线不变。",
        parts="液晶面板（65A1）",
        safety="液晶面板大而易碎，搬运和安装须两人配合，竖直搬运\n"
        "断电后再拆装，插拔面板排线时戴防静电手环",
        visibility=INTERNAL,
        writer="chenjie",
        days_ago=169,
    ),
    Story(
        key="tv-lines-self-check",
        sku="TV-55A1",
        kind="consultation",
        customer="吴海燕",
        description="电视屏幕上有几条横线，换了频道也还在。",
        fault="tv-screen-lines",
        steps=(
            "按遥控器“主页”键打开菜单：菜单上也有条纹，说明是电视本身的问题；菜单正常则是信号问题",
            "信号问题：把HDMI线两端拔下重新插紧，或换一根线、换一个HDMI接口再看",
            "在“设置—图像”里选择“恢复默认图像设置”，关闭“动态对比度”等增强功能",
            "拔下电源插头，等待1分钟后重新开机",
            "菜单上也有条纹、或按压屏幕边框时条纹变化：请报修，由技术员上门检查屏幕排线，不要自行拆机",
        ),
        result="电话指导客户重新插紧HDMI线并恢复默认图像设置，横线消失。",
        title="屏幕出现横线或条纹，先自己检查这几步",
        problem="电视画面上出现横线、竖线或彩色条纹，有时还有花屏。",
        symptoms="画面上有一条或多条横线、条纹\n换台或换信号源后条纹是否还在，决定了是信号问题还是电视本身的问题",
        cause="常见原因：HDMI线松动或损坏、外接设备输出的图像设置不当；"
        "菜单上也有条纹时，多为屏幕排线接触不良或屏幕老化，需要技术员检修。",
        safety="不要自行打开电视后壳，机内有高压\n不要用力按压屏幕",
        days_ago=150,
    ),
    Story(
        key="tv-black-screen",
        sku="TV-55A1",
        kind="consultation",
        customer="陈美玲",
        description="开机后黑屏，电源指示灯一直闪烁，也没有声音。",
        fault="tv-no-picture",
        steps=(
            "确认电源插座有电，最好不用插线板，直接插在墙插上",
            "按遥控器“信号源”键，切换到机顶盒或电脑所接的HDMI接口",
            "拔下电源插头，等待1分钟后重新插上并开机",
            "开机后用手电筒斜照屏幕：能看到暗淡的图像说明是背光故障，请报修",
            "指示灯持续快速闪烁或以上步骤无效时，请拨打服务热线报修，不要自行拆机",
        ),
        result="电话指导客户断电1分钟后重新开机，恢复正常。",
        title="电视开机黑屏的排查（各型号电视通用）",
        problem="按电源键后电视黑屏，没有图像，电源指示灯亮或闪烁。",
        symptoms="开机后屏幕全黑，没有开机画面\n电源指示灯常亮、闪烁或不亮\n有时有声音没有图像",
        cause="常见原因依次为：信号源选错或外接设备没有开机、电视进入保护后没有复位、"
        "插座或插线板接触不良；少数为背光或电源板故障。",
        safety="不要自行打开电视后壳，机内有高压\n雷雨天气请拔下电源插头",
        category="tv",
        days_ago=166,
    ),
    Story(
        key="tv-backlight",
        sku="TV-55A1",
        kind="repair",
        customer="黄晓东",
        description="电视有声音但没有图像，用手电筒照屏幕能隐约看到画面。",
        fault="tv-no-picture",
        steps=(
            "断电等待3分钟，平放在软垫上拆下后壳和屏幕组件",
            "依次拆下面板、扩散板和膜片，记下膜片的顺序和方向",
            "用背光测试仪逐颗检测灯珠，找出不亮或发黑的灯珠",
            "整套更换55英寸背光灯条（不单颗更换），检查反光片是否完好",
            "按原顺序装回膜片和扩散板，清除灰尘后装回面板",
            "通电检查背光亮度均匀，试机1小时",
        ),
        result="背光灯条两颗灯珠烧毁，整套更换灯条后显示正常。",
        title="有声音无图像：背光灯条的检测与更换",
        problem="电视开机有声音、没有图像，手电筒斜照屏幕能看到暗淡的画面。",
        symptoms="开机有声音、无图像\n手电筒斜照屏幕可见暗淡图像\n电源指示灯正常",
        cause="背光LED灯条中有灯珠烧毁开路，整条背光不亮；多见于长时间高亮度使用。",
        parts="55英寸背光灯条（P-TV-BL55）\n反光片（必要时）",
        safety="断电并确认电源板电容放电后再操作\n"
        "膜片易划伤，戴无尘手套\n"
        "背光测试仪输出高压，勿用手触碰测试笔",
        visibility=INTERNAL,
        writer="chenjie",
        days_ago=163,
    ),
    Story(
        key="tv-remote",
        sku="TV-55A1",
        kind="consultation",
        customer="周丽华",
        description="遥控器按键没反应，换了新电池也不行。",
        fault="tv-remote",
        steps=(
            "打开手机相机对准遥控器前端，按任意键：屏幕上看到闪烁的光点说明红外发射正常",
            "取出电池，用干布擦拭电池仓的金属片，按正负极装回新电池",
            "遥控器对准电视，距离1米以内，同时按住“主页”和“返回”键5秒，屏幕提示配对成功后松开",
            "仍无法配对时，在电视“设置—遥控与配件”里删除旧遥控器后重新配对",
            "以上无效时请报修，三包期内可免费更换遥控器",
        ),
        result="电话指导客户重新配对蓝牙遥控器，按键恢复正常。",
        title="遥控器失灵的检查与重新配对",
        problem="遥控器按键电视没有反应，更换电池后仍然无效。",
        symptoms="按遥控器按键电视无反应\n部分按键（如语音键）失灵\n更换电池后仍然无效",
        cause="蓝牙语音遥控器与电视断开了配对；或红外发射头被遮挡、电池接触片氧化。",
        days_ago=160,
    ),
    Story(
        key="tv-no-sound",
        sku="TV-65A1",
        kind="consultation",
        customer="吴国庆",
        description="电视有图像没有声音，音量调到最大也听不到。",
        fault="tv-no-sound",
        steps=(
            "按遥控器静音键，确认屏幕上没有静音图标",
            "进入“设置—声音—声音输出”，选择“电视扬声器”",
            "在“设置—遥控与配件”里断开不用的蓝牙音箱",
            "换一个信号源（如电视自带的应用）试听，判断是否为机顶盒静音",
            "在“声音”菜单选择“恢复默认声音设置”",
            "仍然没有声音时请报修，由工程师上门检测功放和喇叭",
        ),
        result="声音输出被切到蓝牙音箱，指导客户改回电视扬声器后恢复。",
        title="电视有图像但没有声音",
        problem="电视图像正常，但听不到声音。",
        symptoms="图像正常，没有声音\n音量数字在变化但听不到声音\n连接过蓝牙音箱或回音壁后出现",
        cause="声音输出被切换到外接音响（蓝牙、HDMI ARC或光纤），或开启了静音；"
        "少数为机顶盒本身静音。",
        days_ago=157,
    ),
    Story(
        key="fr-not-cooling",
        sku="FR-450",
        kind="repair",
        customer="郑小燕",
        description="冰箱冷藏室不冷，温度降不下来，放进去的菜第二天就坏了。",
        fault="fridge-not-cooling",
        steps=(
            "查看显示屏上的冷藏温度，建议设为4～5℃",
            "把靠近冷藏室后壁出风口的食物移开，留出5厘米以上空隙，不要塞得过满",
            "在门封处夹一张纸后关门，纸能轻易抽出说明门封不严，请报修更换门封",
            "确认冰箱两侧和背面离墙各10厘米以上，顶部不堆放杂物",
            "调整后等待24小时再观察温度",
            "24小时后仍然不冷，或压缩机不启动、冷冻室也不冷，请报修",
        ),
        result="冷藏出风口被食物堵住，清理并把温度调到4℃，次日温度正常。",
        title="冰箱冷藏不冷：先查这五项",
        problem="冰箱冷藏室温度偏高，食物容易变质。",
        symptoms="冷藏室温度偏高，食物容易变质\n冷冻室正常或稍差\n压缩机能正常启动",
        cause="多为使用原因：温度设置偏高、冷藏室后部出风口被食物堵住、门封不严或频繁开门、"
        "冰箱四周散热空间不足。",
        days_ago=154,
    ),
    Story(
        key="fr-thermostat",
        sku="FR-450",
        kind="repair",
        customer="孙建军",
        description="冰箱完全不制冷，听不到压缩机运转的声音，灯是亮的。",
        fault="fridge-not-cooling",
        steps=(
            "断电，拔下电源插头",
            "拆下冷藏室温控盒盖，测量温控器（温度传感器）阻值，与阻值表对照",
            "阻值开路或明显偏离时，更换冰箱温控器",
            "通电后用钳形电流表确认压缩机启动电流正常",
            "运行2小时后测量冷藏、冷冻温度，冷藏降到8℃以下为正常",
            "向用户说明：初次通电需要4～6小时才能降到设定温度",
        ),
        result="温控器开路，更换温控器后压缩机启动，2小时后冷藏7℃。",
        title="不制冷且压缩机不启动：温控器的检测与更换",
        problem="冰箱冷藏、冷冻都不制冷，照明灯亮，压缩机不启动。",
        symptoms="冷藏、冷冻都不制冷\n照明灯亮，压缩机不启动、没有运转声\n温度调到最低也不启动",
        cause="温控器（温度传感器）失效，主板收不到制冷请求，压缩机不启动。",
        parts="冰箱温控器（P-FR-THM）",
        safety="拆装前必须断电，湿手不得操作电气部件\n测量启动电流时与带电端子保持距离",
        visibility=INTERNAL,
        writer="chenjie",
        days_ago=151,
    ),
    Story(
        key="fr-refrigerant",
        sku="FR-450",
        kind="repair",
        customer="马天宇",
        description="冰箱制冷差，冷冻室也不冷了，压缩机一直转不停。",
        fault="fridge-not-cooling",
        steps=(
            "断电，把冰箱移到通风处，打开门窗",
            "用电子检漏仪或肥皂水检查冷凝器焊点、门框防露管和压缩机管口，找出漏点",
            "用专用割刀打开工艺管，回收残余冷媒",
            "放净冷媒、确认无残留后补焊漏点，对系统保压检漏30分钟",
            "抽真空30分钟以上，按铭牌规定的重量定量加注R600a冷媒",
            "封口后再次检漏，通电运行4小时，测量温度并确认能正常停机",
        ),
        result="冷凝器焊点微漏，补焊后抽真空、定量加注R600a，运行4小时停机正常。",
        title="制冷差、压缩机不停机：冷媒泄漏的检漏与加注",
        problem="冰箱制冷越来越差，冷冻、冷藏温度都偏高，压缩机长时间不停机。",
        symptoms="冷冻、冷藏温度都偏高\n压缩机长时间运行不停机\n蒸发器结霜不完整，只有进口一段有霜",
        cause="制冷管路（多见于冷凝器焊点或门框防露管）微漏，冷媒（R600a）不足。",
        parts="R600a冷媒（按铭牌定量）\n干燥过滤器\n银焊条",
        safety="R600a冷媒易燃易爆：严禁用明火检漏，现场禁止吸烟\n"
        "补焊前必须放净冷媒并保持通风\n"
        "只用R600a专用工具和加注设备",
        visibility=INTERNAL,
        writer="chenjie",
        days_ago=148,
    ),
    Story(
        key="fr-icing",
        sku="FR-450",
        kind="repair",
        customer="朱雅琴",
        description="冷藏室后壁结冰，靠里面的蔬菜都冻坏了。",
        fault="fridge-icing",
        steps=(
            "把冷藏温度调到4～5℃，不要低于2℃",
            "食物离后壁2厘米以上，蔬菜水果放进果蔬盒",
            "热的饭菜放凉后再放入，汤汁类加盖或用保鲜膜包好",
            "断电开门让冰自然化开，用软布擦干，不要用刀具铲冰",
            "检查门封是否贴合，门封变形或破损请报修",
        ),
        result="食物贴着后壁且温度设在1℃，化冰后调到4℃，回访时不再结冰。",
        title="冷藏室后壁结冰、食物冻坏",
        problem="冷藏室后壁结冰，靠近后壁的食物被冻坏。",
        symptoms="冷藏室后壁结冰或结霜\n靠近后壁的蔬菜、饮料被冻\n冬天或温度设得较低时更明显",
        cause="食物紧贴冷藏室后壁（蒸发器所在位置），或冷藏温度设得过低；"
        "门封不严时湿气进入也会加重结冰。",
        days_ago=145,
    ),
    Story(
        key="fr-noise",
        sku="FR-450",
        kind="repair",
        customer="胡志明",
        description="冰箱晚上嗡嗡响，声音比刚买时大很多。",
        fault="fridge-noise",
        steps=(
            "用水平尺检查冰箱是否放平，旋转前底脚调整，四个脚都要着地",
            "冰箱后背和两侧离墙、橱柜各10厘米以上",
            "清除冰箱顶部和背后的杂物，检查背后管路是否碰到机壳",
            "按住冰箱侧板，声音变小说明是共振，可在接触处垫橡胶垫",
            "调整后仍有明显的金属撞击声或压缩机频繁启停，请报修",
        ),
        result="冰箱一侧底脚悬空并贴墙放置，调平并离墙10厘米后声音正常。",
        title="冰箱运行声音大、嗡嗡响",
        problem="冰箱运行时声音明显变大，有嗡嗡声或振动。",
        symptoms="压缩机运行时嗡嗡声明显\n冰箱侧板有振动感\n偶尔有“咔哒”声或流水声",
        cause="冰箱没有放平或底脚悬空，与墙面、橱柜贴得太近产生共振；顶部放置物品也会放大声音。"
        "流水声和启停时的“咔哒”声属于正常现象。",
        days_ago=142,
    ),
    Story(
        key="fr-after-moving",
        sku="FR-450",
        kind="consultation",
        customer="林志远",
        description="刚送到的冰箱插上电两个小时了还是不冷。",
        fault="fridge-not-cooling",
        steps=(
            "搬运时保持冰箱直立，倾斜不超过45度，严禁横放",
            "到户后直立静置2小时（冬季4小时）再通电",
            "取出箱内包装和泡沫，开门检查门封是否平整",
            "通电后把温度设为冷藏4℃、冷冻-18℃，告诉用户4～6小时后再放入食物",
            "24小时后仍然不冷，由售后工程师上门检测",
        ),
        result="指导客户断电静置2小时后重新通电，6小时后温度正常。",
        title="冰箱送装：搬运后静置再通电",
        problem="新冰箱送到后立即通电，几个小时仍不冷。",
        symptoms="新冰箱送到后立即通电，几小时内不冷\n压缩机运转声音偏大",
        cause="运输中冰箱倾斜或横放，压缩机润滑油流进管路，立即通电会制冷差，"
        "严重时损坏压缩机；另外首次通电本身需要4～6小时降温。",
        safety="搬运时用胶带固定冰箱门，防止开门夹伤\n通电前确认插座可靠接地",
        visibility=DEALERS,
        days_ago=139,
    ),
    Story(
        key="wm-leak-inlet",
        sku="WM-10KG",
        kind="repair",
        customer="何丽萍",
        description="洗衣机一进水就漏水，地面全是水，水是从机器后面流出来的。",
        fault="washer-leak",
        steps=(
            "关闭水龙头，拔下洗衣机电源插头",
            "检查水龙头端和洗衣机端的进水管接头是否松动",
            "拧下接头，查看里面的橡胶密封垫是否缺失、变形或老化，必要时更换",
            "重新拧紧接头（用手拧紧后再拧1/4圈，不要过度用力）",
            "打开水龙头，运行“单漂洗”程序，观察接头处5分钟无渗水",
        ),
        result="进水管密封垫老化，更换密封垫并拧紧接头，试机无渗水。",
        title="洗衣机漏水：先查进水管接头",
        problem="洗衣机进水时漏水，机器后方或底部有水流出。",
        symptoms="进水时机器后方或底部有水流出\n漏水集中在进水阶段，脱水时不漏",
        cause="进水管两端接头没有拧紧，或接头里的橡胶密封垫老化、缺失。",
        parts="进水管密封垫\n进水管（1.5米，必要时）",
        safety="检查前先拔电源插头，地面有水时不要触碰插座",
        days_ago=136,
        steps_v2=(
            "关闭水龙头，拔下洗衣机电源插头",
            "检查水龙头端和洗衣机端的进水管接头是否松动",
            "拧下接头，查看里面的橡胶密封垫是否缺失、变形或老化，必要时更换",
            "重新拧紧接头（用手拧紧后再拧1/4圈，不要过度用力）",
            "接头不漏而机器前下方有水时，打开右下角检修盖，检查排水泵过滤器盖是否拧紧",
            "打开水龙头，运行“单漂洗”程序，观察接头处5分钟无渗水",
            "洗涤或脱水时才漏水，可能是门封或内部管路问题，请报修",
        ),
        parts_v2="进水管密封垫\n进水管（1.5米，必要时）\n排水泵过滤器密封圈",
    ),
    Story(
        key="wm-door-seal",
        sku="WM-10KG",
        kind="repair",
        customer="高志刚",
        description="洗衣机洗涤时玻璃门下方往外滴水。",
        fault="washer-leak",
        steps=(
            "断电，关闭水龙头，排净筒内存水",
            "翻开门封褶皱，检查有无破口、异物和霉变",
            "拆下门封外卡箍，取下门封圈，再拆下内卡箍",
            "装上新门封，先装内卡箍，对准排水孔位置，再装外卡箍",
            "运行快洗程序，观察门下沿无渗水",
            "提醒用户洗前检查衣袋，洗后擦干门封",
        ),
        result="门封被发卡割破，更换门封圈后试机无滴水。",
        title="滚筒门封漏水：门封圈的检查与更换",
        problem="洗涤时玻璃门下沿往外滴水。",
        symptoms="洗涤时玻璃门下沿滴水\n门封褶皱里有异物、破口或霉变",
        cause="门封圈被硬币、发卡等异物割破，或老化开裂，密封失效。",
        parts="滚筒门封圈（XQG100）\n门封卡箍",
        safety="操作前必须断电并排净存水\n拆卡箍时注意弹簧回弹伤手",
        visibility=INTERNAL,
        writer="chenjie",
        state="draft",
        days_ago=101,
    ),
    Story(
        key="wm-no-water",
        sku="WM-10KG",
        kind="consultation",
        customer="罗海燕",
        description="洗衣机不进水，提示进水超时，水龙头是开着的。",
        fault="washer-no-water",
        steps=(
            "确认水龙头全开，家里其他水龙头水压正常",
            "检查进水管有没有折弯、被压住",
            "关闭水龙头，拧下洗衣机端的进水管，用镊子取出进水阀滤网",
            "用旧牙刷在流水下刷净滤网，装回并拧紧进水管",
            "打开水龙头，运行“单漂洗”检查进水",
            "仍然不进水请报修，可能是进水阀或水位传感器故障",
        ),
        result="进水阀滤网被泥沙堵住，指导客户清洗后进水正常。",
        title="洗衣机不进水或进水慢",
        problem="洗衣机启动后不进水或进水很慢，提示进水超时。",
        symptoms="启动后不进水，几分钟后提示进水超时\n进水很慢，洗涤时间异常长",
        cause="进水阀滤网被水垢、泥沙堵住，或水龙头没有全开、水压过低、进水管折弯。",
        safety="拆进水管前先关水龙头、拔电源插头",
        days_ago=133,
    ),
    Story(
        key="wm-vibration",
        sku="WM-10KG",
        kind="repair",
        customer="梁文博",
        description="新买的洗衣机脱水时晃动很厉害，跳动得都移位了。",
        fault="washer-vibration",
        steps=(
            "检查机器背面是否还有3～4颗运输螺栓，用扳手全部拆下，装上随机附带的堵盖",
            "用水平尺检查机身，旋转底脚调平后拧紧底脚锁紧螺母",
            "确认四个底脚都稳稳着地，按压机身对角不晃动",
            "不要放在加高的不稳定底座上，地面松软时垫防滑垫",
            "衣物很少或只洗一件厚重衣物时容易偏心，可再加几件衣物",
        ),
        result="运输螺栓未拆，拆除并调平后脱水平稳。",
        title="新洗衣机脱水时剧烈晃动",
        problem="洗衣机脱水时机身剧烈晃动、移位，有撞击声。",
        symptoms="脱水时机身剧烈晃动、移位\n有“咚咚”的撞击声\n多见于刚安装的洗衣机",
        cause="机器背面的运输螺栓没有拆除，滚筒被固定无法缓冲；或地面不平、底脚没有调平。",
        parts="运输螺栓堵盖（随机附件）",
        safety="拆螺栓前拔下电源插头\n保留运输螺栓，搬家时需要重新装上",
        days_ago=130,
    ),
    Story(
        key="wm-child-lock",
        sku="WM-10KG",
        kind="consultation",
        customer="宋佳怡",
        description="洗衣机屏幕上有一把锁的图标，按键全部锁定了，按什么都没反应。",
        fault="washer-child-lock",
        steps=(
            "洗衣机通电开机",
            "长按面板上的“童锁”键3秒（部分面板为标有锁图标的两个键同时按），"
            "听到提示音后锁的图标消失",
            "试按程序键，确认按键恢复",
            "需要防止儿童误操作时，启动程序后用同样的方法打开童锁",
        ),
        result="电话指导客户长按“童锁”键3秒解除童锁。",
        title="按键没反应：解除童锁",
        problem="洗衣机显示锁的图标，按键都没有反应。",
        symptoms="显示屏上有锁的图标\n按程序键、启动键都没有反应\n洗衣过程中无法暂停和开门",
        cause="童锁被打开（长按按键时误触发）。童锁打开时，除电源键外所有按键都不响应。",
        days_ago=127,
    ),
    Story(
        key="wm-install-leak",
        sku="WM-10KG",
        kind="installation",
        customer="谢振华",
        description="洗衣机安装后漏水，排水管和下水口连接的地方往外冒水。",
        fault="install-leak",
        steps=(
            "排水管插入下水口15厘米左右，用扎带或U形卡固定，防止排水时弹出",
            "排水管最高点不超过1米，不要弯折或压在机器下面",
            "管口不要完全密封在下水口里，留出空隙防止虹吸",
            "安装后运行“排水”程序，观察下水口和接口处有无冒水",
            "下水口排水慢时先疏通地漏，再交付用户",
        ),
        result="排水管插入过浅，重新插入15厘米并用U形卡固定，排水正常。",
        title="洗衣机安装后漏水：排水管的安装要点",
        problem="新装的洗衣机排水时从下水口或排水管接口处冒水。",
        symptoms="排水时下水口或地漏处冒水\n排水管接口处滴水\n机器底部无水，进水时不漏",
        cause="排水管插入下水口过浅或没有固定，排水时水流冲出；排水管弯折、高度超过1米"
        "导致回流；下水口堵塞。",
        parts="排水管U形卡\n扎带",
        safety="安装完成后确认电源插座带接地，并远离水龙头溅水处",
        visibility=DEALERS,
        writer="chenjie",
        days_ago=124,
    ),
    Story(
        key="ph-charging-port",
        sku="PH-X10",
        kind="consultation",
        customer="唐雨欣",
        description="手机充不进电，插上充电器没反应，换了条线也一样。",
        fault="phone-charging",
        steps=(
            "用手电筒照充电口，看里面有没有毛絮、灰尘",
            "关机后用牙签或塑料卡针轻轻把异物挑出来，不要用金属针",
            "换用原装充电器和原装线，插在墙插上充电30分钟",
            "同时长按电源键和音量下键10秒强制重启，再充电",
            "仍然充不进电请到服务网点检测，可能需要更换尾插",
        ),
        result="充电口被毛絮堵住，指导客户清理后充电正常。",
        title="手机充不进电：清理充电口、检查充电器",
        problem="手机插上充电器后没有反应，充不进电。",
        symptoms="插上充电器后没有充电图标\n充电时断时续，需要按住充电线\n"
        "有线充电不行，无线充电正常",
        cause="充电口里积了口袋里的毛絮和灰尘，插头插不到底；也可能是充电线或充电头损坏。",
        safety="清理前先关机\n不要用金属物品掏充电口，以免短路\n手机进水后不要充电",
        days_ago=121,
    ),
    Story(
        key="ph-tail-plug",
        sku="PH-X10",
        kind="repair",
        customer="许文杰",
        description="手机充电口松动，要把数据线按住才能充电。",
        fault="phone-charging",
        steps=(
            "登记IMEI，提醒用户备份数据，关机",
            "加热后盖边缘至60～80℃，用吸盘和撬片打开后盖",
            "断开电池排线，拆下尾插小板的螺钉和排线",
            "装上新的尾插小板，扣好排线：先接尾插，最后接电池",
            "开机用原装充电器测试快充，并连接电脑测试数据传输",
            "更换后盖防水胶，压合后静置30分钟",
        ),
        result="尾插磨损，更换尾插小板后充电和数据连接正常。",
        title="充电接触不良：更换尾插小板",
        problem="手机充电口松动，充电线要按住才能充电。",
        symptoms="充电线插入后松动，需要按住才能充电\n充电口触点发黑或变形\n连接电脑时断时续",
        cause="尾插（USB-C接口）频繁插拔磨损，或进水腐蚀，触点接触不良。",
        parts="尾插小板（X10）\n后盖防水胶",
        safety="拆机后先断开电池排线再操作\n"
        "电池鼓包或变形时不得加热，按危险品隔离存放\n"
        "操作时戴防静电手环",
        visibility=INTERNAL,
        writer="chenjie",
        days_ago=118,
    ),
    Story(
        key="ph-battery",
        sku="PH-X10",
        kind="consultation",
        customer="韩梦洁",
        description="手机电池续航短，充满电半天就没电了。",
        fault="phone-battery",
        steps=(
            "在“设置—电池”查看耗电排行，对异常耗电的应用关闭后台运行",
            "打开自动亮度，熄屏时间设为30秒",
            "不用时关闭定位、蓝牙和个人热点",
            "在“设置—电池—电池健康”查看最大容量，低于80%建议到服务网点更换电池",
            "充电时不要边充边玩游戏，避免长时间高温",
        ),
        result="后台应用耗电异常，指导关闭后台运行后续航恢复到一天半。",
        title="手机耗电快、续航短",
        problem="手机充满电后使用半天就没电。",
        symptoms="充满电后半天就要再充\n待机时电量下降明显\n手机发热",
        cause="后台应用频繁唤醒、屏幕亮度过高、定位和蓝牙常开；"
        "使用一年以上电池健康度下降也会使续航变短。",
        safety="电池鼓包时立即停止使用和充电，送服务网点处理",
        state="review",
        days_ago=100,
    ),
    Story(
        key="wd-door-hinge",
        sku="WD-180",
        kind="repair",
        customer="冯淑珍",
        description="衣柜顶柜的柜门松动，关不严，和旁边的门也不齐。",
        fault="furniture-door",
        steps=(
            "打开柜门，先拧紧合页底座和门板上的固定螺钉",
            "调整合页前部的左右螺钉，使两扇门之间的门缝均匀（约2毫米）",
            "调整合页后部的深度螺钉，使柜门关闭后与柜体贴合",
            "调整底座上的上下螺钉（或偏心螺钉），使相邻柜门上下对齐",
            "螺钉孔滑丝时，用木签蘸白乳胶填孔，或换大一号的螺钉",
            "反复开关柜门10次，确认不摩擦、能自动回弹关紧",
        ),
        result="合页螺钉松动，拧紧并三向调整后柜门平齐、关闭严密。",
        title="柜门松动、关不严：调整合页",
        problem="柜门下垂、松动，关不严，与相邻柜门不齐。",
        symptoms="柜门下垂，关门时与柜体摩擦\n两扇门高低不齐或门缝不均\n关门后有缝隙",
        cause="合页固定螺钉松动，或使用一段时间后门板下沉，"
        "需要重新调整合页的深度、左右、上下三个方向。",
        parts="阻尼合页（必要时）\n木螺钉",
        safety="调整时一人扶门，防止门板脱落砸伤\n电动螺丝刀用低档，避免拧滑丝",
        visibility=DEALERS,
        writer="chenjie",
        days_ago=115,
    ),
    Story(
        key="dt-glass-top",
        sku="DT-140",
        kind="repair",
        customer="邓春梅",
        description="餐桌的玻璃台面有一道划痕，边角还有一处开裂。",
        fault="furniture-surface",
        steps=(
            "请用户拍下划痕、裂纹和产品标签的照片，记录发现时间（送货验收时还是使用中）",
            "发现开裂时立即停止使用，移开台面上的物品，在裂纹两侧贴胶带防止扩展",
            "送货验收时发现的，按三包申请更换玻璃台面",
            "上门更换台面时，在桌架支撑点贴好硅胶防滑垫",
            "细微划痕不影响使用的，可用玻璃抛光膏处理，并向用户说明",
        ),
        result="玻璃台面边角开裂，三包更换台面并加装防滑垫。",
        title="钢化玻璃台面划痕、开裂的处理",
        problem="餐桌玻璃台面出现划痕、边角开裂或崩边。",
        symptoms="玻璃台面有明显划痕\n边角有裂纹或崩边\n台面与桌架之间有异响",
        cause="运输或安装中边角受到撞击；台面与桌架之间缺少防滑垫，硬物直接接触。"
        "钢化玻璃边角受损后有自爆风险。",
        parts="钢化玻璃台面（1.4米）\n硅胶防滑垫",
        safety="钢化玻璃开裂后可能突然碎裂：搬运时戴防割手套，两人操作\n开裂的台面不得继续使用",
        visibility=DEALERS,
        days_ago=112,
    ),
    Story(
        key="kt-pan-coating",
        sku="KT-PAN28",
        kind="consultation",
        customer="曹玉兰",
        description="不粘锅用了两个月，锅底的涂层起泡脱落了，是不是质量问题？",
        fault="",  # no preset fault code for kitchenware
        steps=(
            "先放油或食材再开火，不要空锅加热",
            "用中小火烹饪，不要长时间大火干烧",
            "使用木铲或硅胶铲，不用铁铲",
            "锅放凉后再用温水和软海绵清洗，不用钢丝球和去污粉",
            "涂层大面积脱落后请停止使用；六个月内的质量问题可凭购买凭证申请更换",
        ),
        result="涂层起泡为空烧所致，向客户说明使用方法，按商誉为客户更换一只新锅。",
        title="不粘锅涂层起泡、脱落的原因与保养",
        problem="不粘锅使用一段时间后涂层起泡、起皮或脱落。",
        symptoms="锅底涂层起泡、起皮或小块脱落\n煎东西开始粘锅\n涂层表面有划痕",
        cause="空烧或长时间大火干烧使涂层过热起泡；铁铲、钢丝球会划伤涂层；"
        "热锅直接冲冷水也会加速老化。",
        days_ago=109,
    ),
)


def _at(day, hour: int, minute: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed(ctx: DemoContext) -> None:
    from aftersales.catalog.demo import ensure_fault_codes

    agent, technician = ctx.objects.get("user:sunli"), ctx.objects.get("user:chenjie")
    if not (agent and technician):
        return
    ensure_fault_codes()
    from aftersales.core.models import Notification

    started = timezone.now()
    coded = _fault_codes_on_solved_cases(agent)
    made = [(s, a) for s in STORIES if (a := _story(ctx, s, agent, technician)) is not None]
    attached = _suggestions(agent)
    # The history's alerts were read in their time: today's bell is for today's work.
    Notification.objects.filter(created_at__gte=started).update(read_at=timezone.now())
    for story, article in made:
        if story.state == "review":
            _submit_waiting(ctx, story, article)
    if coded or made or attached:
        ctx.log.append(
            f"knowledge: {len(made)} articles from solved cases, fault codes on {coded} cases, "
            f"{attached} suggestions on open cases"
        )


# -- fault codes on the demo's solved cases ---------------------------------------------------


def _fault_codes_on_solved_cases(agent) -> int:
    """The fault code each solved case's description names: the one whose words come first
    (冰箱不制冷，压缩机异响 → 不制冷), the longer word on a tie (安装后漏水 before 漏水)."""
    from aftersales.service.models import Case, CaseEvent
    from aftersales.service.services.workflow import case_set_fault_code

    from .search import fault_codes_in

    cases = (
        Case.objects.filter(status__in=SOLVED, product__isnull=False, fault_code__isnull=True)
        .select_related("product__category")
        .order_by("pk")
    )
    n = 0
    for case in cases:
        tree = {c.pk for c in case.product.category.path()}
        code = _first_named(case.description, fault_codes_in(case.description, tree))
        if code is None:
            continue
        before = case.updated_at
        case_set_fault_code(actor=agent, case=case, fault_code=code)
        # Classified when the case was solved: the history keeps its time.
        CaseEvent.objects.filter(case=case, action="fault_code").update(
            at=case.resolved_at or before
        )
        Case.objects.filter(pk=case.pk).update(updated_at=before)
        n += 1
    return n


def _first_named(text: str, codes: list):
    best, best_key = None, None
    for code in codes:
        for word in code.words():
            at = text.lower().find(word)
            if at < 0:
                continue
            key = (at, -len(word))
            if best_key is None or key < best_key:
                best, best_key = code, key
    return best


# -- the stories: a solved case and its article ------------------------------------------------


def _story(ctx: DemoContext, story: Story, agent, technician):
    """The story's case (once: the intake's idempotency key finds it again) and its article
    (once: an article already written from the case is left alone)."""
    from aftersales.core.errors import Unprocessable
    from aftersales.service.services.intake import IntakeInput, case_intake

    from .models import ArticleVersion

    index = STORIES.index(story) + 1
    try:
        case, created = case_intake(
            actor=agent,
            data=IntakeInput(
                channel="web" if index % 3 == 0 else "phone",
                kind=story.kind,
                customer_name=story.customer,
                customer_phone=f"1582100{index:04d}",
                description=story.description,
                product_sku=story.sku,
            ),
            idempotency_key=f"demo-knowledge-{story.key}",
        )
    except Unprocessable:
        return None  # the story was told in other words when this database was seeded
    if created:
        _solve(ctx, story, case, agent, technician)
    if ArticleVersion.objects.filter(cases=case).exists():
        return None
    return _write(ctx, story, case)


def _solve(ctx: DemoContext, story: Story, case, agent, technician) -> None:
    from aftersales.catalog.models import FaultCode
    from aftersales.feedback.models import FollowUp, Survey
    from aftersales.feedback.services.followups import CallInput, follow_up_call
    from aftersales.feedback.services.surveys import survey_answer
    from aftersales.service.services import workflow

    on_phone = story.kind == "consultation"
    solver = agent if on_phone else (case.assignee or technician)
    workflow.case_transition(actor=agent, case=case, action="accept")
    workflow.case_transition(
        actor=solver,
        case=case,
        action="resolve",
        solution="\n".join(f"{n}. {step}" for n, step in enumerate(story.steps, start=1)),
        result=story.result,
    )
    fault = FaultCode.objects.filter(code=story.fault).first() if story.fault else None
    if fault is not None:
        workflow.case_set_fault_code(actor=solver, case=case, fault_code=fault)
    workflow.case_transition(actor=agent, case=case, action="confirm")
    workflow.case_transition(actor=agent, case=case, action="close")
    # The follow-up call, and the survey answered on it (or by the SMS link); one customer
    # in four leaves the survey unanswered.
    answers = _answers(story) if STORIES.index(story) % 4 != 3 else None
    for follow_up in FollowUp.objects.filter(case=case, status=FollowUp.Status.DUE):
        follow_up_call(
            actor=agent,
            follow_up=follow_up,
            data=CallInput(
                outcome="reached", verdict="satisfied", remarks="问题已解决", answers=answers
            ),
        )
    if answers:
        for survey in Survey.objects.filter(case=case, status=Survey.Status.SENT):
            survey_answer(survey=survey, answers=answers, channel=Survey.Channel.SMS)
    _back_then(story, case)


def _answers(story: Story) -> dict:
    """A satisfied customer's answers to the satisfaction survey."""
    n = STORIES.index(story)
    overall = 4 if n % 3 == 1 else 5
    return {
        "overall": overall,
        "timeliness": 5 if n % 5 else 4,
        "attitude": 5,
        "quality": overall,
        "nps": 10 if overall == 5 else 8,
        "comment": "电话里就解决了，很方便" if story.kind == "consultation" else "师傅很专业",
    }


def _when(story: Story) -> dict[str, datetime]:
    today = timezone.localdate()
    opened = today - timedelta(days=story.days_ago)
    solved = opened + timedelta(days=1 + story.days_ago % 3)
    return {
        "opened": _at(opened, 9 + story.days_ago % 5),
        "accepted": _at(opened, 9 + story.days_ago % 5, 40),
        "resolved": _at(solved, 15),
        "confirmed": _at(solved + timedelta(days=1), 10),
        "closed": _at(solved + timedelta(days=1), 11),
        "called": _at(solved + timedelta(days=3), 10),
        "written": _at(solved + timedelta(days=4), 14),
        "reviewed": _at(solved + timedelta(days=5), 10),
    }


def _back_then(story: Story, case) -> None:
    """The case, its steps, its time limits, its survey and follow-up moved to when the case
    happened."""
    from django.contrib.contenttypes.models import ContentType

    from aftersales.feedback.models import FollowUp, FollowUpAttempt, Survey
    from aftersales.service.models import Case, CaseEvent
    from aftersales.sla.models import SlaClock

    case.refresh_from_db()
    when = _when(story)
    shift = when["opened"] - case.created_at
    Case.objects.filter(pk=case.pk).update(
        created_at=when["opened"],
        updated_at=when["called"],
        resolved_at=when["resolved"],
        confirmed_at=when["confirmed"],
        closed_at=when["closed"],
    )
    events = CaseEvent.objects.filter(case=case)
    events.update(at=F("at") + shift)
    for actions, moment in (
        (["accept"], when["accepted"]),
        (["resolve", "fault_code", "report_back"], when["resolved"]),
        (["confirm"], when["confirmed"]),
        (["close"], when["closed"]),
    ):
        events.filter(action__in=actions).update(at=moment)
    SlaClock.objects.filter(
        owner_type=ContentType.objects.get_for_model(case), owner_id=case.pk
    ).update(
        started_at=F("started_at") + shift,
        due_at=F("due_at") + shift,
        stopped_at=F("stopped_at") + shift,
    )
    surveys = Survey.objects.filter(case=case)
    surveys.update(sent_at=when["closed"], expires_at=when["closed"] + timedelta(days=14))
    surveys.filter(status=Survey.Status.ANSWERED).update(answered_at=when["called"])
    closed_on = when["closed"].date()
    FollowUp.objects.filter(case=case).update(
        created_at=when["closed"],
        starts_on=closed_on,
        due_on=when["called"].date(),
        deadline_on=when["called"].date() + timedelta(days=2),
        done_at=when["called"],
    )
    FollowUpAttempt.objects.filter(follow_up__case=case).update(at=when["called"])


def _write(ctx: DemoContext, story: Story, case):
    """The article: 写成知识 from the case, the writer's words, the owner's review."""
    from aftersales.catalog.models import Category

    from . import services
    from .models import Article, ArticleVersion

    writer = ctx.objects.get(f"user:{story.writer}")
    draft = services.draft_from_case(case)
    data = replace(
        draft,
        title=story.title,
        problem=story.problem,
        symptoms=story.symptoms,
        cause=story.cause,
        solution="\n".join(story.steps),
        parts=story.parts or draft.parts,
        safety=story.safety,
        visibility=story.visibility,
    )
    if story.category:
        category = Category.objects.filter(code=story.category).first()
        if category is not None:
            data = replace(data, products=[], categories=[category])
    article = services.article_create(actor=writer, data=data)
    version = article.versions.get(number=1)
    when = _when(story)
    if story.state == "draft":
        recent = timezone.now() - timedelta(days=2)
        Article.objects.filter(pk=article.pk).update(created_at=recent, updated_at=recent)
        ArticleVersion.objects.filter(pk=version.pk).update(created_at=recent)
        return article
    if story.state == "review":
        return article  # submitted last, so its reviewer's alert is news
    reviewer = _reviewer(ctx, article, writer)
    services.version_submit(actor=writer, version=version)
    services.version_review(actor=reviewer, version=version, approve=True)
    ArticleVersion.objects.filter(pk=version.pk).update(
        created_at=when["written"],
        submitted_at=when["written"],
        reviewed_at=when["reviewed"],
        published_at=when["reviewed"],
    )
    updated = when["reviewed"]
    if story.steps_v2:
        updated = _second_version(ctx, story, article, data, case, writer, reviewer)
    Article.objects.filter(pk=article.pk).update(created_at=when["written"], updated_at=updated)
    return article


def _reviewer(ctx: DemoContext, article, writer):
    """The head of the article's owner department (the after-sales service department's
    杨敏); the administrator when the department has none."""
    department = article.owner_department
    head = department.head if department is not None else None
    if head is not None and head.pk != writer.pk:
        return head
    return ctx.objects.get("user:admin")


def _second_version(ctx, story: Story, article, data, case, writer, reviewer) -> datetime:
    """A second version a month ago: a step learnt since, and a case of the demo's history
    with the same fault code as a further source."""
    from aftersales.service.models import Case

    from . import services
    from .models import ArticleVersion

    also = (
        Case.objects.filter(status__in=SOLVED, fault_code=case.fault_code)
        .exclude(pk=case.pk)
        .exclude(pk__in=ArticleVersion.cases.through.objects.values("case_id"))
        .order_by("pk")
        .first()
        if case.fault_code_id
        else None
    )
    changed = replace(
        data,
        solution="\n".join(story.steps_v2),
        parts=story.parts_v2 or data.parts,
        cases=[case, *([also] if also else [])],
    )
    version = services.article_edit(actor=writer, article=article, data=changed)
    services.version_submit(actor=writer, version=version)
    services.version_review(actor=reviewer, version=version, approve=True)
    written = timezone.now() - timedelta(days=30 - story.days_ago % 7)
    reviewed = written + timedelta(days=1)
    ArticleVersion.objects.filter(pk=version.pk).update(
        created_at=written, submitted_at=written, reviewed_at=reviewed, published_at=reviewed
    )
    return reviewed


def _submit_waiting(ctx: DemoContext, story: Story, article) -> None:
    """The article waiting in the review queue: its draft submitted yesterday."""
    from . import services
    from .models import Article, ArticleVersion

    version = article.versions.get(number=1)
    services.version_submit(actor=ctx.objects.get(f"user:{story.writer}"), version=version)
    yesterday = timezone.now() - timedelta(days=1)
    ArticleVersion.objects.filter(pk=version.pk).update(
        created_at=yesterday - timedelta(hours=3), submitted_at=yesterday
    )
    Article.objects.filter(pk=article.pk).update(
        created_at=yesterday - timedelta(hours=3), updated_at=yesterday
    )


# -- suggestions on open cases -----------------------------------------------------------------


def _suggestions(agent, cases: int = 2) -> int:
    """The closest article on the first open cases a fault code ties to one (and, on the
    first, a similar solved case), as customer service would attach them."""
    from aftersales.service.models import Case

    from . import services
    from .models import SuggestionUse
    from .search import FAULT_BOOST, Query
    from .selectors import similar_cases, suggest_articles

    if SuggestionUse.objects.exists():
        return 0
    attached, done = 0, 0
    for case in Case.objects.filter(status__in=OPEN).select_related("product").order_by("pk"):
        query = Query.build(case.description, product=case.product, fault_code=case.fault_code)
        hits = suggest_articles(agent, query, limit=1)
        if not hits or hits[0].score < FAULT_BOOST:
            continue
        services.suggestion_attach(actor=agent, case=case, article=hits[0].article)
        attached += 1
        if done == 0:
            similar = similar_cases(agent, query, exclude=case.pk, limit=1)
            if similar:
                services.suggestion_attach(actor=agent, case=case, similar_case=similar[0].case)
                attached += 1
        done += 1
        if done >= cases:
            break
    return attached
