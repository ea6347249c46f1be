"""Demo company 华东精工电器有限公司: departments and one or two people for every role."""

from __future__ import annotations

from aftersales.core.demo import DEMO_PASSWORD, DemoContext

from . import services
from .models import Department, User
from .roles import Role
from .seeded import DEPARTMENTS as SEEDED_DEPARTMENTS

DEPARTMENTS = [(code, chinese) for code, (chinese, _label) in SEEDED_DEPARTMENTS.items()]

# username, full name, department code, roles, phone
PEOPLE = [
    ("admin", "系统管理员", "it", [Role.ADMIN], "13800000001"),
    ("zhangwei", "张伟", "sales", [Role.SALES], "13800000002"),
    ("liuyang", "刘洋", "office", [Role.SALES_VP], "13800000003"),
    ("wangfang", "王芳", "qc", [Role.QUALITY_INSPECTION], "13800000004"),
    ("lina", "李娜", "quality", [Role.QUALITY], "13800000005"),
    ("zhaolei", "赵磊", "logistics", [Role.LOGISTICS], "13800000006"),
    ("chenjie", "陈杰", "service", [Role.SERVICE], "13800000007"),
    ("yangmin", "杨敏", "service", [Role.SERVICE], "13800000008"),
    ("sunli", "孙丽", "cs", [Role.CUSTOMER_SERVICE], "13800000009"),
    ("zhoujing", "周静", "dealers", [Role.DEALER], "13800000010"),
    ("xuhong", "徐红", "hr", [Role.HR], "13800000011"),
]


def seed(ctx: DemoContext) -> None:
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    ctx.objects["departments"] = departments
    labels = dict(Role.choices)
    for username, full_name, dept, roles, phone in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                email=f"{username}@demo.example.cn",
                phone=phone,
                department=departments[dept],
                roles=[r.value for r in roles],
                is_superuser=Role.ADMIN in roles,
            )
        ctx.objects[f"user:{username}"] = user
        ctx.logins.append((username, full_name, "、".join(str(labels[r]) for r in roles)))
