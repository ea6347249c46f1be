"""Demo dealers and customers; the dealer demo user acts for 上海徐汇经销店."""

from __future__ import annotations

from aftersales.core.demo import DemoContext

from .models import Customer, CustomerFileEntry, Dealer, DealerMember
from .validators import credit_code_check_char

DEALERS = [
    ("sh-xuhui", "上海徐汇经销店", "上海", "钱经理", "021-64001234"),
    ("hz-xihu", "杭州西湖经销店", "杭州", "吴经理", "0571-87001234"),
]

# name, mobile, province, city, district, street, level, dealer
PEOPLE = [
    (
        "王小明",
        "13812345678",
        "上海市",
        "上海市",
        "徐汇区",
        "漕溪北路88号1201室",
        "vip",
        "sh-xuhui",
    ),
    (
        "李秀英",
        "13998765432",
        "上海市",
        "上海市",
        "闵行区",
        "莘庄镇莘松路55弄3号",
        "normal",
        "sh-xuhui",
    ),
    ("张伟强", "13700001111", "浙江省", "杭州市", "西湖区", "文三路90号", "normal", "hz-xihu"),
    ("刘芳", "15800002222", "浙江省", "杭州市", "拱墅区", "湖墅南路188号", "normal", "hz-xihu"),
    ("陈建国", "18600003333", "江苏省", "苏州市", "工业园区", "星湖街328号", "key", None),
    ("杨丽", "13600004444", "江苏省", "南京市", "鼓楼区", "中山北路200号", "normal", None),
    ("赵敏", "17700005555", "上海市", "上海市", "浦东新区", "张杨路500号", "normal", "sh-xuhui"),
    ("黄海涛", "19900006666", "广东省", "深圳市", "南山区", "科技园南区8栋", "vip", None),
]
ORGS = [
    ("上海和平大酒店有限公司", "91310104", "上海市", "上海市", "徐汇区", "衡山路10号", "sh-xuhui"),
    (
        "杭州远景物业管理有限公司",
        "91330106",
        "浙江省",
        "杭州市",
        "西湖区",
        "天目山路160号",
        "hz-xihu",
    ),
]


def demo_credit_code(prefix: str, n: int) -> str:
    body = f"{prefix}MA{n:07d}"[:17]
    return body + credit_code_check_char(body)


def seed(ctx: DemoContext) -> None:
    dealers = {}
    for code, name, region, contact, phone in DEALERS:
        dealers[code], _ = Dealer.objects.get_or_create(
            code=code,
            defaults={"name": name, "region": region, "contact_name": contact, "phone": phone},
        )
    dealer_user = ctx.objects.get("user:zhoujing")
    if dealer_user is not None:
        DealerMember.objects.get_or_create(
            user=dealer_user, defaults={"dealer": dealers["sh-xuhui"]}
        )
    owners = []
    for name, mobile, prov, city, dist, street, level, dealer in PEOPLE:
        customer, created = Customer.objects.get_or_create(
            name=name,
            mobile=mobile,
            defaults={
                "province": prov,
                "city": city,
                "district": dist,
                "street": street,
                "level": level,
                "dealer": dealers.get(dealer),
                "mobile_reversed": mobile[::-1],
            },
        )
        owners.append(customer)
        if created and level != "normal":
            CustomerFileEntry.objects.create(
                customer=customer,
                kind="need",
                content="希望周末上门安装，提前一天电话确认。",
                author=ctx.objects.get("user:sunli"),
            )
    for n, (name, prefix, prov, city, dist, street, dealer) in enumerate(ORGS, start=1):
        Customer.objects.get_or_create(
            name=name,
            defaults={
                "kind": Customer.Kind.ORGANISATION,
                "credit_code": demo_credit_code(prefix, n),
                "landline": "021-64000000" if prov == "上海市" else "0571-88000000",
                "province": prov,
                "city": city,
                "district": dist,
                "street": street,
                "level": "key",
                "dealer": dealers[dealer],
            },
        )
    from aftersales.catalog.demo import seed_serials

    seed_serials(ctx, owners[:6])
