"""Photos, videos and PDFs of a case (SVC-1): at intake, on the case page and through the API;
checked by their bytes, limited in size, served only to people who may see the case."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.accounts.roles import Role
from aftersales.core.errors import InvalidInput

from ..models import Case, CaseAttachment
from ..services.attachments import MAX_ATTACHMENTS_PER_CASE, case_attach_files
from .conftest import intake_body

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x22" * 200
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00" + b"\x33" * 2000
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" + b"\x44" * 2000
PDF = b"%PDF-1.7\n" + b"\x55" * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def upload(name: str, content: bytes, content_type: str = "image/jpeg"):
    # The declared type is what a browser would claim; the service does not believe it.
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def number(api_as, agent) -> str:
    return api_as(agent).post("/api/v1/tickets/", intake_body(), format="json").json()["number"]


def _dealer_person(make_user, dealer=None):
    from aftersales.customers.models import DealerMember
    from aftersales.customers.tests.factories import DealerFactory

    person = make_user(Role.DEALER)
    DealerMember.objects.create(dealer=dealer or DealerFactory(), user=person)
    return person


def test_the_agent_uploads_photos_on_the_case_page_and_sees_the_thumbnails(
    client, agent, number, media_root
):
    """SVC-1: the gallery shows a photo as an <img>, a video as a <video> player and a PDF as
    a link; the history says who attached what."""
    client.force_login(agent)
    client.cookies["aftersales_language"] = "en"
    page = client.get(f"/service/cases/{number}/").content.decode()
    assert 'data-testid="attachments-empty"' in page
    assert 'data-testid="attachment-form"' in page

    response = client.post(
        f"/service/cases/{number}/attachments/",
        {
            "file": [
                upload("屏幕横线.jpg", JPEG),
                upload("开机录像.mp4", MP4, "video/mp4"),
                upload("发票.pdf", PDF, "application/pdf"),
            ]
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    photo, video, invoice = CaseAttachment.objects.filter(case__number=number).order_by("id")
    assert f'<img src="/service/cases/{number}/attachments/{photo.pk}/"' in page
    assert re.search(
        rf'<video controls[^>]*src="/service/cases/{number}/attachments/{video.pk}/"', page
    )
    assert f'href="/service/cases/{number}/attachments/{invoice.pk}/"' in page
    assert 'data-testid="attachments-empty"' not in page
    assert "No photos, videos or files yet." not in page
    history = page[page.index("History") :]
    assert "File attached" in history and "屏幕横线.jpg" in history and "孙丽" in history
    assert photo.uploaded_by == agent and photo.content_type == "image/jpeg"
    assert photo.size == len(JPEG)
    # Stored under a generated name inside MEDIA_ROOT/cases/, not the uploader's.
    assert photo.file.name.startswith("cases/") and "屏幕" not in photo.file.name
    assert (media_root / photo.file.name).read_bytes() == JPEG

    served = client.get(f"/service/cases/{number}/attachments/{photo.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == JPEG
    saved = client.get(f"/service/cases/{number}/attachments/{invoice.pk}/?download=1")
    assert saved["Content-Disposition"].startswith("attachment;")


def test_the_intake_form_takes_the_customers_photos_with_the_case(client, agent):
    """SVC-1: the desk attaches what the customer sent while taking the case in."""
    client.force_login(agent)
    form = client.get("/service/new/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form
    response = client.post(
        "/service/new/",
        {
            "channel": "phone",
            "kind": "complaint",
            "customer_name": "王小明",
            "customer_phone": "13912345678",
            "priority": "normal",
            "description": "洗衣机漏水",
            "form_key": "k1",
            "file": [upload("漏水.png", PNG, "image/png"), upload("漏水.mov", MOV, "video/mp4")],
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert [(a.original_name, a.content_type) for a in case.attachments.order_by("id")] == [
        ("漏水.png", "image/png"),
        ("漏水.mov", "video/quicktime"),
    ]


def test_intake_with_a_disguised_file_stores_neither_the_case_nor_the_files(
    client, agent, media_root
):
    """SVC-1: one bad file refuses the form; nothing is half-written."""
    client.force_login(agent)
    client.cookies["aftersales_language"] = "en"
    response = client.post(
        "/service/new/",
        {
            "channel": "phone",
            "kind": "complaint",
            "customer_name": "王小明",
            "customer_phone": "13912345678",
            "priority": "normal",
            "description": "洗衣机漏水",
            "form_key": "k2",
            "file": [upload("漏水.jpg", JPEG), upload("照片.jpg", EXE)],
        },
    )
    assert response.status_code == 200
    assert "照片.jpg cannot be attached" in response.content.decode()
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()
    assert not (media_root / "cases").exists()


def test_an_exe_renamed_jpg_is_refused_on_the_file_field(api_as, agent, number):
    """SVC-1: the bytes decide, not the name or the browser's content type."""
    response = api_as(agent).post(
        f"/api/v1/tickets/{number}/attachments/",
        {"file": upload("现场照片.jpg", EXE)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == ["file"]
    assert body["fields"]["file"] == [
        "现场照片.jpg cannot be attached: attach a photo (JPG, PNG, GIF, WebP), a video (MP4, "
        "MOV) or a PDF."
    ]
    assert not CaseAttachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("说明.pdf", b"<html><script>alert(1)</script></html>"),  # HTML called .pdf
        ("照片.exe", JPEG),  # a real photo with a name we do not take
        ("照片.png", JPEG),  # the name and the bytes disagree
        ("录像.mp4", PDF),
    ],
)
def test_a_file_whose_name_and_bytes_do_not_agree_is_refused(agent, number, name, content):
    """SVC-1: extension and sniffed content must both be an allowed type, the same one."""
    case = Case.objects.get(number=number)
    with pytest.raises(InvalidInput) as refused:
        case_attach_files(actor=agent, case=case, files=[upload(name, content)])
    assert list(refused.value.fields) == ["file"]


def test_files_over_the_configured_limits_are_refused(api_as, agent, number, settings):
    """SVC-1: photos and PDFs up to CASE_ATTACHMENT_MAX_MB, videos up to CASE_VIDEO_MAX_MB."""
    settings.CASE_ATTACHMENT_MAX_MB = 1
    settings.CASE_VIDEO_MAX_MB = 3
    client = api_as(agent)
    url = f"/api/v1/tickets/{number}/attachments/"
    big_photo = JPEG + b"\x00" * (1024 * 1024)
    refused = client.post(
        url, {"file": upload("大图.jpg", big_photo)}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert refused.json()["fields"]["file"] == [
        "大图.jpg is larger than 1 MB, the limit for a photo or PDF."
    ]
    # A video of the same size is within its own limit; a bigger one is not.
    video = MP4 + b"\x00" * (2 * 1024 * 1024)
    accepted = client.post(
        url, {"file": upload("录像.mp4", video, "video/mp4")}, format="multipart"
    )
    assert accepted.status_code == 201
    too_long = MP4 + b"\x00" * (3 * 1024 * 1024)
    refused = client.post(
        url,
        {"file": upload("长录像.mp4", too_long, "video/mp4")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert refused.json()["fields"]["file"] == [
        "长录像.mp4 is larger than 3 MB, the limit for a video."
    ]
    assert CaseAttachment.objects.count() == 1


def test_a_case_keeps_at_most_twenty_files(agent, number):
    """SVC-1: max 20 attachments per case."""
    case = Case.objects.get(number=number)
    files = [upload(f"{i}.jpg", JPEG) for i in range(MAX_ATTACHMENTS_PER_CASE)]
    assert len(case_attach_files(actor=agent, case=case, files=files)) == 20
    with pytest.raises(InvalidInput) as refused:
        case_attach_files(actor=agent, case=case, files=[upload("21.jpg", JPEG)])
    assert list(refused.value.fields) == ["file"]
    assert case.attachments.count() == 20


def test_a_dealer_cannot_open_another_dealers_case_file(client, api_as, make_user):
    """SVC-1, SEC-1: the file is behind the case's scope; another dealer gets 404, and the
    file is never reachable from MEDIA_URL."""
    own_person = _dealer_person(make_user)
    other_person = _dealer_person(make_user)
    number = (
        api_as(own_person).post("/api/v1/tickets/", intake_body(), format="json").json()["number"]
    )
    created = api_as(own_person).post(
        f"/api/v1/tickets/{number}/attachments/",
        {"file": upload("损坏.jpg", JPEG)},
        format="multipart",
    )
    assert created.status_code == 201
    attachment = CaseAttachment.objects.get()
    page_url = f"/service/cases/{number}/attachments/{attachment.pk}/"

    client.force_login(other_person)
    assert client.get(page_url).status_code == 404
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    other_api = api_as(other_person)
    assert other_api.get(created.json()["url"]).status_code == 404
    assert (
        other_api.post(
            f"/api/v1/tickets/{number}/attachments/",
            {"file": upload("x.jpg", JPEG)},
            format="multipart",
        ).status_code
        == 404
    )

    client.force_login(own_person)
    assert client.get(page_url).status_code == 200
    client.logout()
    assert client.get(page_url).status_code == 302  # to the log-in page


def test_someone_who_may_read_but_not_handle_the_case_cannot_add_files(api_as, make_user, number):
    """SVC-1: handlers and whoever took the case in add files; others only look."""
    sales = make_user(Role.SALES)
    response = api_as(sales).post(
        f"/api/v1/tickets/{number}/attachments/",
        {"file": upload("x.jpg", JPEG)},
        format="multipart",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_the_api_contract(api_as, agent, technician, number):
    """SVC-1, docs/api.md: POST …/attachments/ answers 201 with the attachment; the case's
    detail lists it under ``attachments``; its ``url`` serves the file to API clients."""
    client = api_as(technician)
    before = api_as(agent).get(f"/api/v1/tickets/{number}/").json()
    assert before["attachments"] == []

    response = client.post(
        f"/api/v1/tickets/{number}/attachments/",
        {"file": upload("故障录像.mov", MOV, "application/octet-stream")},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "content_type", "size", "url", "uploaded_at"}
    assert body["name"] == "故障录像.mov" and body["content_type"] == "video/quicktime"
    assert body["size"] == len(MOV)
    assert body["url"] == (f"http://testserver/api/v1/tickets/{number}/attachments/{body['id']}/")

    detail = api_as(agent).get(f"/api/v1/tickets/{number}/").json()
    assert detail["attachments"] == [body]
    assert set(detail) == set(before)  # nothing else changed shape
    assert api_as(agent).get(f"/api/v1/tickets/{number}/attachments/").json() == [body]

    served = api_as(agent).get(body["url"], HTTP_ACCEPT="video/*")
    assert served.status_code == 200 and served["Content-Type"] == "video/quicktime"
    assert b"".join(served.streaming_content) == MOV
    # The case list keeps its shape: no attachments there.
    listed = api_as(agent).get("/api/v1/tickets/").json()["results"][0]
    assert "attachments" not in listed


def test_a_missing_file_field_names_file(api_as, agent, number):
    """SVC-1: an upload without a file is a 400 on ``file``, not a server error."""
    response = api_as(agent).post(f"/api/v1/tickets/{number}/attachments/", {}, format="multipart")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["file"]


def test_a_video_is_served_in_ranges_for_the_phone_browsers(client, agent, number):
    """SVC-1: Safari plays a <video> only from a server that answers Range requests."""
    case = Case.objects.get(number=number)
    (video,) = case_attach_files(actor=agent, case=case, files=[upload("v.mp4", MP4)])
    client.force_login(agent)
    url = f"/service/cases/{number}/attachments/{video.pk}/"
    part = client.get(url, HTTP_RANGE="bytes=0-1")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 0-1/{len(MP4)}"
    assert b"".join(part.streaming_content) == MP4[:2]
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == MP4[-10:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(MP4)}-").status_code == 416
    assert client.get(url, HTTP_RANGE="bytes=5-3").status_code == 200  # invalid: ignored


def test_a_full_disk_leaves_no_partial_file_and_answers_507(api_as, agent, number, monkeypatch):
    """Security finding 15: a disk that fills up half-way through a video left the half
    behind. The half is removed, the files written before it too, and the answer says so."""
    import errno
    import os
    from pathlib import Path

    from django.conf import settings
    from django.core.files.storage import FileSystemStorage

    from aftersales.core.errors import StorageFailed

    original = FileSystemStorage._save
    calls = {"n": 0, "fail_at": 2}

    def fill_up(self, name, content):
        calls["n"] += 1
        if calls["n"] == calls["fail_at"]:
            path = self.path(name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as half:
                half.write(b"\x00" * 100)  # what the disk took before it was full
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, name, content)

    def files_left():
        return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]

    monkeypatch.setattr(FileSystemStorage, "_save", fill_up)
    case = Case.objects.get(number=number)
    with pytest.raises(StorageFailed):
        case_attach_files(
            actor=agent, case=case, files=[upload("a.jpg", JPEG), upload("b.mp4", MP4)]
        )
    assert not CaseAttachment.objects.exists() and files_left() == []

    calls.update(n=0, fail_at=1)
    response = api_as(agent).post(
        f"/api/v1/tickets/{number}/attachments/",
        {"file": upload("c.mp4", MP4, "video/mp4")},
        format="multipart",
    )
    assert response.status_code == 507
    assert response.json()["code"] == "storage_failed"
    assert not CaseAttachment.objects.exists() and files_left() == []
