"""STF-1: courses, sessions with attendance and exam scores, qualifications and their expiry,
the certificate, plans and their completion, and the expiry reminders."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.core.errors import Conflict, InvalidInput, PermissionDenied
from aftersales.core.models import Notification
from aftersales.core.testing import assert_pdf_reads_well, no_missing_glyphs
from aftersales.staff import selectors
from aftersales.staff.models import Attendance, Course
from aftersales.staff.services import training

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def skills():
    return Course.objects.get(code="service-skills")  # 4 h, valid 24 months, pass mark 60


def test_a_session_records_who_passed_and_for_how_long(
    hr, tech, tech2, agent, skills, time_machine
):
    time_machine.move_to(at(2026, 11, 30, 10))
    session = training.session_create(
        actor=hr, course=skills, held_on=date(2026, 11, 30), attendees=[tech, tech2, agent],
        trainer_name="厂家讲师", place="培训室",
    )  # fmt: skip
    assert session.number.startswith("PX-20261130-")
    assert session.pass_mark == Decimal("60") and session.hours == Decimal("4")
    training.session_record(
        actor=hr,
        session=session,
        results={
            tech.pk: {"attended": True, "score": "85"},
            tech2.pk: {"attended": True, "score": "59.5"},
            agent.pk: {"attended": False, "score": ""},
        },
    )
    rows = {a.user: a for a in session.attendances.all()}
    assert rows[tech].passed and rows[tech].valid_until == date(2028, 11, 30)
    assert rows[tech].certificate_no.startswith(session.number)
    assert not rows[tech2].passed and rows[tech2].certificate_no == ""
    assert not rows[agent].attended and not rows[agent].passed
    assert [a.session.course for a in selectors.qualifications(tech)] == [skills]
    assert selectors.qualifications(tech2) == []
    session.refresh_from_db()
    assert session.status == "held"


def test_bad_results_name_the_field_and_nothing_is_written(hr, tech, tech2, skills, time_machine):
    time_machine.move_to(at(2026, 11, 30, 10))
    session = training.session_create(
        actor=hr, course=skills, held_on=date(2026, 11, 30), attendees=[tech, tech2],
        trainer_name="讲师",
    )  # fmt: skip
    with pytest.raises(InvalidInput) as error:
        training.session_record(
            actor=hr,
            session=session,
            results={
                tech.pk: {"attended": True, "score": "101"},
                tech2.pk: {"attended": True, "score": ""},
            },
        )
    assert set(error.value.fields) == {f"score_{tech.pk}", f"score_{tech2.pk}"}
    assert "陈杰" in str(error.value.fields[f"score_{tech.pk}"][0])  # names whose score
    assert not Attendance.objects.filter(passed=True).exists()
    # A score for someone marked absent is not dropped silently.
    with pytest.raises(InvalidInput) as error:
        training.session_record(
            actor=hr,
            session=session,
            results={
                tech.pk: {"attended": False, "score": "80"},
                tech2.pk: {"attended": True, "score": "70"},
            },
        )
    assert "缺席" in str(error.value.fields[f"score_{tech.pk}"][0])


def test_a_session_is_recorded_after_it_is_held_and_only_by_hr(hr, tech, skills, time_machine):
    time_machine.move_to(at(2026, 11, 20, 10))
    session = training.session_create(
        actor=hr, course=skills, held_on=date(2026, 11, 30), attendees=[tech], trainer=hr
    )
    with pytest.raises(Conflict):
        training.session_record(actor=hr, session=session, results={})
    with pytest.raises(PermissionDenied):
        training.session_create(
            actor=tech, course=skills, held_on=date(2026, 11, 30), attendees=[tech], trainer=hr
        )
    with pytest.raises(InvalidInput) as error:
        training.session_create(actor=hr, course=None, held_on=None, attendees=[])
    assert set(error.value.fields) == {"course", "held_on", "attendees", "trainer"}


def test_validity_ends_on_the_same_day_months_later_or_the_months_last_day():
    assert training.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert training.add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert training.add_months(date(2026, 11, 30), 24) == date(2028, 11, 30)
    assert training.add_months(date(2026, 1, 15), 12) == date(2027, 1, 15)


def test_a_course_needs_its_fields(hr, tech):
    with pytest.raises(InvalidInput) as error:
        training.course_save(
            actor=hr, code="空调", name="", kind="x", hours="0", validity_months="-1",
            pass_mark="150",
        )  # fmt: skip
    assert set(error.value.fields) == {
        "code", "name", "kind", "hours", "validity_months", "pass_mark",
    }  # fmt: skip
    with pytest.raises(InvalidInput) as error:
        training.course_save(
            actor=hr, code="product-x", name="产品", kind="product", hours="4",
            validity_months="12", pass_mark="60",
        )  # fmt: skip
    assert set(error.value.fields) == {"category"}
    with pytest.raises(PermissionDenied):
        training.course_save(
            actor=tech, code="c", name="c", kind="safety", hours=1, validity_months=0, pass_mark=0
        )
    course = training.course_save(
        actor=hr, code="first-aid", name="急救常识", kind="safety", hours="2.5",
        validity_months="12", pass_mark="0",
    )  # fmt: skip
    assert course.hours == Decimal("2.5")


def test_materials_are_checked_and_every_staff_member_reads_them(client, hr, tech, skills):
    with pytest.raises(InvalidInput):
        training.course_material_add(
            actor=hr, course=skills, upload=SimpleUploadedFile("run.exe", b"MZ")
        )
    material = training.course_material_add(
        actor=hr, course=skills, upload=SimpleUploadedFile("服务规范.pdf", b"%PDF-1.4 x")
    )
    client.force_login(tech)
    response = client.get(reverse("staff:material", args=[material.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"


def test_the_certificate_reads_back(client, hr, tech, tech2, skills, time_machine):
    time_machine.move_to(at(2026, 11, 30, 10))
    session = training.session_create(
        actor=hr, course=skills, held_on=date(2026, 11, 30), attendees=[tech],
        trainer_name="厂家讲师",
    )  # fmt: skip
    training.session_record(
        actor=hr, session=session, results={tech.pk: {"attended": True, "score": "88"}}
    )
    attendance = Attendance.objects.get(user=tech)
    client.force_login(tech)
    response = client.get(reverse("staff:certificate", args=[attendance.pk]))
    assert response["Content-Type"] == "application/pdf"
    with no_missing_glyphs():
        assert_pdf_reads_well(
            response.content,
            "培训合格证书",
            attendance.certificate_no,
            "陈杰",
            "服务技能与服务规范",
            "88.0",
            "2028-11-30",
        )
    client.force_login(tech2)
    assert client.get(reverse("staff:certificate", args=[attendance.pk])).status_code == 404


def test_expiring_qualifications_are_told_once_to_the_person_and_their_head(
    hr, head, tech, skills, time_machine
):
    from .conftest import passed

    passed(tech, "service-skills", date(2024, 12, 20), valid_until=date(2026, 12, 20))
    passed(tech, "communication", date(2024, 12, 20), valid_until=date(2027, 6, 1))
    assert training.expiry_reminders(today=date(2026, 11, 30)) == 2
    told = Notification.objects.filter(title__contains="服务技能与服务规范")
    assert {n.recipient for n in told} == {tech, head}
    assert "2026-12-20" in told.first().title
    assert training.expiry_reminders(today=date(2026, 12, 1)) == 0  # once


def test_a_renewed_qualification_is_not_reminded(hr, tech, skills):
    from .conftest import passed

    passed(tech, "service-skills", date(2024, 12, 20), valid_until=date(2026, 12, 20))
    passed(tech, "service-skills", date(2026, 11, 20), valid_until=date(2028, 11, 20))
    assert training.expiry_reminders(today=date(2026, 11, 30)) == 0


def test_plans_show_how_many_of_the_department_passed(hr, tech, tech2, department, skills):
    from .conftest import passed

    training.plan_save(actor=hr, year=2026, department=department, course=skills, planned=4)
    passed(tech, "service-skills", date(2026, 3, 1))
    passed(tech, "service-skills", date(2026, 9, 1))  # the same person twice counts once
    passed(tech2, "service-skills", date(2025, 9, 1))  # last year's does not count
    [row] = selectors.plan_progress(2026)
    assert (row["passed"], row["rate"]) == (1, 25)
    with pytest.raises(InvalidInput) as error:
        training.plan_save(actor=hr, year="20x6", department=None, course=skills, planned=0)
    assert set(error.value.fields) == {"year", "department", "planned"}


def test_training_pages_for_hr_and_for_staff(client, hr, tech, skills, time_machine):
    time_machine.move_to(at(2026, 11, 30, 10))
    client.force_login(hr)
    response = client.post(
        reverse("staff:session-new"),
        {"course": skills.pk, "held_on": "2026-11-30", "trainer_name": "讲师",
         "attendees": [tech.pk]},
    )  # fmt: skip
    session = skills.sessions.get()
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    response = client.post(
        session.get_absolute_url(),
        {"version": session.version, f"attended_{tech.pk}": "on", f"score_{tech.pk}": "abc"},
    )
    assert response.status_code == 200 and "请填写 0 到 100 之间的成绩" in response.content.decode()
    response = client.post(
        session.get_absolute_url(),
        {"version": session.version, f"attended_{tech.pk}": "on", f"score_{tech.pk}": "75"},
    )
    assert response.status_code == 302
    client.force_login(tech)
    page = client.get(reverse("staff:home")).content.decode()
    assert "服务技能与服务规范" in page and 'data-testid="qualifications"' in page
    assert client.get(session.get_absolute_url()).status_code == 404
    assert client.get(reverse("staff:sessions")).status_code == 404
    assert client.get(reverse("staff:courses")).status_code == 200


def test_hr_sets_which_roles_require_a_course(client, hr, tech, skills):
    client.force_login(hr)
    response = client.post(
        skills.get_absolute_url(), {"what": "requirements", "roles": ["service", "sales"]}
    )
    assert response.status_code == 302
    assert set(skills.requirements.values_list("role", flat=True)) == {"service", "sales"}
    with pytest.raises(InvalidInput) as error:
        training.course_requirements_set(actor=hr, course=skills, roles=["admin"])
    assert "roles" in error.value.fields
    with pytest.raises(PermissionDenied):
        training.course_requirements_set(actor=tech, course=skills, roles=[])
    training.course_requirements_set(actor=hr, course=skills, roles=[])
    assert not skills.requirements.exists()
