"""SMS through Alibaba Cloud and Tencent Cloud: the signing against the providers' published
examples, and whole sends through the outbox against local fake servers that check each
request's signature the way the provider does (no network)."""

import base64
import hashlib
import hmac
import json
import logging
import re
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote

import pytest

from aftersales.core.messaging import message_customer
from aftersales.core.models import OutboundMessage
from aftersales.core.sms import (
    AliyunSmsBackend,
    SmsNotConfigured,
    SmsProviderError,
    TencentSmsBackend,
    aliyun,
    provider_template,
    tencent,
)
from aftersales.core.sms.base import e164
from aftersales.core.sms.checks import W_NO_TEMPLATE, sms_templates_check
from aftersales.core.tasks import deliver_message
from config.env import ConfigError, get_sms_templates

ALIYUN_ID, ALIYUN_SECRET = "LTAI5tTestAccessKeyId", "aliyun-test-secret"
TENCENT_ID, TENCENT_KEY = "AKIDTestSecretId", "tencent-test-secret-key"
SDK_APP_ID = "1400006666"
TEMPLATES = {
    # A list: the provider template's variables are named like the message's fields.
    "order_confirmed": {
        "aliyun": "SMS_180000001",
        "tencent": "1800001",
        "params": ["name", "number", "date"],
    },
    # An object: the provider template names them otherwise (Tencent takes them in this order).
    "order_shipped": {
        "aliyun": "SMS_180000002",
        "tencent": "1800002",
        "params": {"customer": "name", "order": "number", "delivery_note": "note"},
    },
}
PHONE = "13912345678"
CONFIRMED = {
    "name": "王小明",
    "number": "SO-20261128-0001",
    "total": Decimal("3280.00"),
    "date": "2026-12-01",
    "url": "https://service.example.cn/t/abc",
}
SHIPPED = {
    "name": "王小明",
    "number": "SO-20261128-0001",
    "note": "DN-20261128-0001",
    "url": "https://service.example.cn/t/abc",
}


# --- The fake providers --------------------------------------------------------------------
# Written from the providers' documents, apart from the code under test: a signing mistake
# in core.sms must not be repeated here.


class FakeAliyun:
    """dysmsapi as Alibaba Cloud answers ``SendSms``: the signature recomputed from the form it
    received with the secret of the AccessKeyId, the timestamp (UTC, 15 minutes) and the nonce
    checked; ``refuse`` maps a template code to the business error it answers with."""

    def __init__(self):
        self.secrets = {ALIYUN_ID: ALIYUN_SECRET}
        self.received: list[dict] = []
        self.sent: list[dict] = []
        self.nonces: set[str] = set()
        self.refuse: dict[str, tuple[str, str]] = {}

    @staticmethod
    def _encode(value: str) -> str:
        return quote(value, safe="")

    def __call__(self, headers, body: bytes) -> tuple[int, dict]:
        request_id = str(uuid.uuid4()).upper()

        def error(status: int, code: str, message: str) -> tuple[int, dict]:
            return status, {
                "RequestId": request_id,
                "HostId": "dysmsapi.aliyuncs.com",
                "Code": code,
                "Message": message,
            }

        if not headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return error(400, "InvalidParameter", "The request body is not a form.")
        params = dict(parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True))
        self.received.append(dict(params))
        secret = self.secrets.get(params.get("AccessKeyId", ""))
        if secret is None:
            return error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        fixed = {
            "Action": "SendSms",
            "Version": "2017-05-25",
            "Format": "JSON",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
        }
        for name, value in fixed.items():
            if params.get(name) != value:
                return error(400, "InvalidParameter", f"{name} is not {value}.")
        given = params.pop("Signature", "")
        query = "&".join(f"{self._encode(k)}={self._encode(v)}" for k, v in sorted(params.items()))
        to_sign = "POST&%2F&" + self._encode(query)
        expected = base64.b64encode(
            hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
        ).decode()
        if not hmac.compare_digest(given, expected):
            return error(
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation. "
                f"server string to sign is:{to_sign}",
            )
        moment = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if abs((datetime.now(UTC) - moment).total_seconds()) > 900:
            return error(400, "InvalidTimeStamp.Expired", "Specified time stamp is expired.")
        if params["SignatureNonce"] in self.nonces:
            return error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        self.nonces.add(params["SignatureNonce"])
        self.sent.append(params)
        if params["TemplateCode"] in self.refuse:
            code, message = self.refuse[params["TemplateCode"]]
            return 200, {"RequestId": request_id, "Code": code, "Message": message}
        return 200, {
            "RequestId": request_id,
            "Code": "OK",
            "Message": "OK",
            "BizId": "900619746936498440^0",
        }


class FakeTencent:
    """sms.tencentcloudapi.com as Tencent Cloud answers ``SendSms`` (API 3.0): the TC3 signature
    recomputed from the headers the request lists as signed and the body's bytes, the
    credential scope (UTC date, service ``sms``) and the timestamp (5 minutes) checked;
    ``refuse`` maps a template id to the per-number status it answers with."""

    AUTH = re.compile(
        r"TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/(?P<service>\w+)"
        r"/tc3_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})"
    )

    def __init__(self):
        self.keys = {TENCENT_ID: TENCENT_KEY}
        self.received: list[dict] = []
        self.sent: list[dict] = []
        self.refuse: dict[str, tuple[str, str]] = {}

    def __call__(self, headers, body: bytes) -> tuple[int, dict]:
        request_id = str(uuid.uuid4())
        self.received.append({k.lower(): v for k, v in headers.items()})

        def error(code: str, message: str) -> tuple[int, dict]:
            # API 3.0 answers errors with HTTP 200 and Response.Error.
            return 200, {
                "Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}
            }

        auth = self.AUTH.fullmatch(headers.get("Authorization", ""))
        if not auth:
            return error("AuthFailure.InvalidAuthorization", "Authorization header format error.")
        key = self.keys.get(auth["id"])
        if key is None:
            return error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        names = auth["signed"].split(";")
        if not {"content-type", "host"} <= set(names) or names != sorted(names):
            return error("AuthFailure.InvalidAuthorization", "SignedHeaders is malformed.")
        stamp = int(headers.get("X-TC-Timestamp", "0"))
        if abs(time.time() - stamp) > 300:
            return error("AuthFailure.SignatureExpire", "Signature expired.")
        if auth["date"] != time.strftime("%Y-%m-%d", time.gmtime(stamp)):
            return error("AuthFailure.InvalidAuthorization", "The credential date is not UTC's.")
        if auth["service"] != "sms":
            return error(
                "AuthFailure.InvalidAuthorization", "The credential is for another service."
            )
        canonical = "\n".join(
            [
                "POST",
                "/",
                "",
                "".join(f"{name}:{headers[name].strip().lower()}\n" for name in names),
                auth["signed"],
                hashlib.sha256(body).hexdigest(),
            ]
        )
        to_sign = "\n".join(
            [
                "TC3-HMAC-SHA256",
                str(stamp),
                f"{auth['date']}/sms/tc3_request",
                hashlib.sha256(canonical.encode()).hexdigest(),
            ]
        )
        secret = ("TC3" + key).encode()
        for part in (auth["date"], "sms", "tc3_request"):
            secret = hmac.new(secret, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(secret, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(auth["sig"], expected):
            return error(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. "
                "Please check your signature is correct.",
            )
        if (headers.get("X-TC-Action"), headers.get("X-TC-Version")) != ("SendSms", "2021-01-11"):
            return error("InvalidAction", "The action or its version does not exist.")
        if not headers.get("X-TC-Region"):
            return error("MissingParameter", "The region is missing.")
        payload = json.loads(body.decode("utf-8"))
        self.sent.append(payload)
        phone = payload["PhoneNumberSet"][0]
        code, message = self.refuse.get(payload["TemplateId"], ("Ok", "send success"))
        status = {
            "SerialNo": "5000:1045710669157053657849499619",
            "PhoneNumber": phone,
            "Fee": 1,
            "SessionContext": "",
            "Code": code,
            "Message": message,
            "IsoCode": "CN",
        }
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": request_id}}


@contextmanager
def serve(fake):
    """The fake on 127.0.0.1 at a free port, in a thread; its address."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status, answer = fake(self.headers, body)
            raw = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """urllib would send even 127.0.0.1 through a proxy named in the environment."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")


@pytest.fixture
def fake_aliyun(settings):
    fake = FakeAliyun()
    with serve(fake) as url:
        settings.SMS_BACKEND = "aftersales.core.sms.AliyunSmsBackend"
        settings.SMS_ALIYUN_ACCESS_KEY_ID = ALIYUN_ID
        settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ALIYUN_SECRET
        settings.SMS_ALIYUN_SIGN_NAME = "华东电器售后"
        settings.SMS_ALIYUN_ENDPOINT = url
        settings.SMS_TEMPLATES = TEMPLATES
        yield fake


@pytest.fixture
def fake_tencent(settings):
    fake = FakeTencent()
    with serve(fake) as url:
        settings.SMS_BACKEND = "aftersales.core.sms.TencentSmsBackend"
        settings.SMS_TENCENT_SECRET_ID = TENCENT_ID
        settings.SMS_TENCENT_SECRET_KEY = TENCENT_KEY
        settings.SMS_TENCENT_SDK_APP_ID = SDK_APP_ID
        settings.SMS_TENCENT_SIGN_NAME = "华东电器售后"
        settings.SMS_TENCENT_ENDPOINT = url
        settings.SMS_TEMPLATES = TEMPLATES
        yield fake


def _sent(capture, template="order_confirmed", context=CONFIRMED, phone=PHONE):
    """Queue the message as a use case does and deliver it once the transaction commits."""
    with capture(execute=True):
        (sms,) = message_customer(phone=phone, template=template, context=context)
    sms.refresh_from_db()
    return sms


# --- Signing against the providers' published examples ------------------------------------


def test_aliyun_signature_matches_the_published_examples():
    """The RPC signature example of Alibaba Cloud's API documentation (DescribeRegions) and the
    SendSms example of the SMS documentation, both signed for GET as published."""
    describe_regions = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert aliyun.string_to_sign("GET", describe_regions) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z"
        "%26Version%3D2014-05-26"
    )
    assert aliyun.signature("GET", describe_regions, "testsecret") == (
        "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    )
    send_sms = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert aliyun.signature("GET", send_sms, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_aliyun_percent_encoding():
    assert aliyun.percent_encode("a b*c~d") == "a%20b%2Ac~d"
    assert aliyun.percent_encode("签") == "%E7%AD%BE"


def test_tencent_signature_matches_the_published_example():
    """The TC3-HMAC-SHA256 example of Tencent Cloud's API 3.0 documentation (CVM
    DescribeInstances), every intermediate value included."""
    payload = (
        b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    )
    headers = {"Content-Type": "application/json; charset=utf-8", "Host": "cvm.tencentcloudapi.com"}
    canonical, signed = tencent.canonical_request(method="POST", headers=headers, payload=payload)
    assert signed == "content-type;host"
    assert canonical == (
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n"
        "\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    assert tencent.string_to_sign(1551113065, "cvm", canonical) == (
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    )
    # 1551113065 is 2019-02-26 00:44:25 in Beijing: the scope's date is UTC's, the 25th.
    assert tencent.authorization(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
        secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        service="cvm",
        timestamp=1551113065,
        headers=headers,
        payload=payload,
    ) == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
        "tc3_request, SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


# --- Sending through the outbox ------------------------------------------------------------


@pytest.mark.django_db
def test_aliyun_sends_the_messages_template_with_its_fields(
    fake_aliyun, django_capture_on_commit_callbacks
):
    sms = _sent(django_capture_on_commit_callbacks)

    assert sms.status == OutboundMessage.Status.SENT and sms.error == ""
    # The outbox keeps our wording for staff, and the message's key and fields for the provider.
    assert "SO-20261128-0001" in sms.body
    assert sms.template == "order_confirmed"
    assert sms.context["total"] == "3280.00" and sms.context["name"] == "王小明"
    (request,) = fake_aliyun.sent
    assert request["PhoneNumbers"] == PHONE
    assert request["SignName"] == "华东电器售后"
    assert request["TemplateCode"] == "SMS_180000001"
    assert request["RegionId"] == "cn-hangzhou"
    assert json.loads(request["TemplateParam"]) == {
        "name": "王小明",
        "number": "SO-20261128-0001",
        "date": "2026-12-01",
    }


@pytest.mark.django_db
def test_tencent_sends_the_messages_template_with_its_fields(
    fake_tencent, django_capture_on_commit_callbacks
):
    sms = _sent(django_capture_on_commit_callbacks, phone="139 1234 5678")

    assert sms.status == OutboundMessage.Status.SENT and sms.error == ""
    (payload,) = fake_tencent.sent
    assert payload == {
        "PhoneNumberSet": ["+8613912345678"],
        "SmsSdkAppId": SDK_APP_ID,
        "SignName": "华东电器售后",
        "TemplateId": "1800001",
        "TemplateParamSet": ["王小明", "SO-20261128-0001", "2026-12-01"],
    }
    (headers,) = fake_tencent.received
    assert headers["x-tc-region"] == "ap-guangzhou"


@pytest.mark.django_db
def test_parameters_named_otherwise_by_the_provider(
    fake_aliyun, fake_tencent, settings, django_capture_on_commit_callbacks
):
    """``params`` as an object: Alibaba Cloud gets the provider's variable names, Tencent Cloud
    the values in the object's order."""
    settings.SMS_BACKEND = "aftersales.core.sms.AliyunSmsBackend"
    assert _sent(django_capture_on_commit_callbacks, "order_shipped", SHIPPED).status == "sent"
    assert json.loads(fake_aliyun.sent[0]["TemplateParam"]) == {
        "customer": "王小明",
        "order": "SO-20261128-0001",
        "delivery_note": "DN-20261128-0001",
    }
    assert fake_aliyun.sent[0]["TemplateCode"] == "SMS_180000002"

    settings.SMS_BACKEND = "aftersales.core.sms.TencentSmsBackend"
    assert _sent(django_capture_on_commit_callbacks, "order_shipped", SHIPPED).status == "sent"
    assert fake_tencent.sent[0]["TemplateParamSet"] == [
        "王小明",
        "SO-20261128-0001",
        "DN-20261128-0001",
    ]


def test_without_params_the_built_in_texts_placeholders_are_sent_in_order(settings):
    settings.SMS_TEMPLATES = {"order_confirmed": {"tencent": "1800001"}}
    chosen = provider_template(
        "tencent", "order_confirmed", {k: str(v) for k, v in CONFIRMED.items()}
    )
    assert chosen.code == "1800001"
    assert [name for name, _ in chosen.params] == ["name", "number", "total", "date", "url"]
    assert chosen.params[2] == ("total", "3280.00")


def test_a_field_the_template_needs_but_the_message_lacks_is_refused(settings):
    settings.SMS_TEMPLATES = TEMPLATES
    with pytest.raises(SmsNotConfigured, match="no value for date"):
        provider_template("aliyun", "order_confirmed", {"name": "王", "number": "SO-1"})


# --- Refusals ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_aliyun_refuses_a_wrong_secret(fake_aliyun, settings, django_capture_on_commit_callbacks):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(SmsProviderError) as refused:
        AliyunSmsBackend().send(PHONE, "text", template="order_confirmed", context=CONFIRMED)
    assert refused.value.code == "SignatureDoesNotMatch"
    assert "Specified signature is not matched" in refused.value.message
    assert refused.value.request_id

    sms = _sent(django_capture_on_commit_callbacks)
    assert sms.status == OutboundMessage.Status.FAILED
    assert sms.error.startswith("SmsProviderError: aliyun refused the SMS: SignatureDoesNotMatch")
    assert fake_aliyun.sent == [] and len(fake_aliyun.received) == 2


@pytest.mark.django_db
def test_tencent_refuses_a_wrong_secret(fake_tencent, settings, django_capture_on_commit_callbacks):
    settings.SMS_TENCENT_SECRET_KEY = "not-the-key"
    with pytest.raises(SmsProviderError) as refused:
        TencentSmsBackend().send(PHONE, "text", template="order_confirmed", context=CONFIRMED)
    assert refused.value.code == "AuthFailure.SignatureFailure"
    assert "could not be validated" in refused.value.message

    sms = _sent(django_capture_on_commit_callbacks)
    assert sms.status == OutboundMessage.Status.FAILED
    assert "AuthFailure.SignatureFailure" in sms.error
    assert fake_tencent.sent == []


@pytest.mark.django_db
def test_a_provider_error_code_is_recorded_on_the_message(
    fake_aliyun, fake_tencent, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "aftersales.core.sms.AliyunSmsBackend"
    fake_aliyun.refuse["SMS_180000001"] = ("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
    sms = _sent(django_capture_on_commit_callbacks)
    assert sms.status == OutboundMessage.Status.FAILED
    assert "isv.BUSINESS_LIMIT_CONTROL: 触发分钟级流控Permits:1" in sms.error

    settings.SMS_BACKEND = "aftersales.core.sms.TencentSmsBackend"
    fake_tencent.refuse["1800001"] = (
        "FailedOperation.TemplateIncorrectOrUnapproved",
        "template is not approved or request content does not match the approved template content",
    )
    sms = _sent(django_capture_on_commit_callbacks)
    assert sms.status == OutboundMessage.Status.FAILED
    assert "FailedOperation.TemplateIncorrectOrUnapproved: template is not approved" in sms.error


@pytest.mark.django_db
def test_a_message_without_a_provider_template_fails_and_sends_nothing(
    fake_aliyun, settings, caplog, django_capture_on_commit_callbacks
):
    """Providers refuse free text: the message is not sent, its row says why, the log too."""
    settings.SMS_TEMPLATES = {"order_confirmed": {"tencent": "1800001"}}
    with caplog.at_level(logging.ERROR, logger="aftersales.core.tasks"):
        sms = _sent(django_capture_on_commit_callbacks)

    assert sms.status == OutboundMessage.Status.FAILED and sms.attempts == 1
    assert sms.error == (
        "SmsNotConfigured: SMS_TEMPLATES gives no aliyun template code for the message "
        "'order_confirmed'; aliyun sends approved templates only, not free text"
    )
    assert fake_aliyun.received == []
    assert f"Customer message {sms.pk} failed" in caplog.text


@pytest.mark.django_db
def test_what_cannot_be_sent_as_set_up_is_not_retried_by_the_worker(
    fake_aliyun, settings, monkeypatch
):
    """In a worker (not eager) a provider that cannot be reached is tried again later; a
    message without a template code fails at once."""
    retried = []

    def retry(exc=None, **kwargs):
        retried.append(exc)
        raise RuntimeError("retry")

    monkeypatch.setattr(deliver_message, "retry", retry)
    no_code = OutboundMessage.objects.create(
        channel="sms", to=PHONE, body="【华东电器售后】…", template="order_shipped", context=SHIPPED
    )
    settings.SMS_TEMPLATES = {}
    deliver_message.push_request(retries=0, is_eager=False)
    try:
        assert deliver_message.run(no_code.pk) == "failed"
        no_code.refresh_from_db()
        assert no_code.status == OutboundMessage.Status.FAILED and retried == []

        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        settings.SMS_ALIYUN_ENDPOINT = f"http://127.0.0.1:{port}/"
        settings.SMS_TEMPLATES = TEMPLATES
        unreachable = OutboundMessage.objects.create(
            channel="sms", to=PHONE, body="…", template="order_shipped", context=SHIPPED
        )
        with pytest.raises(RuntimeError, match="retry"):
            deliver_message.run(unreachable.pk)
    finally:
        deliver_message.pop_request()
    unreachable.refresh_from_db()
    assert unreachable.status == OutboundMessage.Status.QUEUED and unreachable.attempts == 1
    assert "URLError" in unreachable.error and len(retried) == 1


@pytest.mark.django_db
def test_a_provider_without_its_keys_fails_the_message(
    settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "aftersales.core.sms.TencentSmsBackend"
    settings.SMS_TENCENT_SECRET_ID = ""
    sms = _sent(django_capture_on_commit_callbacks)
    assert sms.status == OutboundMessage.Status.FAILED
    assert sms.error.startswith("SmsNotConfigured: SMS_TENCENT_SECRET_ID")


@pytest.mark.django_db
def test_a_number_that_takes_no_sms_is_not_sent(fake_tencent, django_capture_on_commit_callbacks):
    sms = _sent(django_capture_on_commit_callbacks, phone="021-62345678")
    assert sms.status == OutboundMessage.Status.FAILED and "not a mobile number" in sms.error
    assert fake_tencent.received == []


# --- Backends of the old interface and the default -----------------------------------------


class TextOnlyBackend:
    """A backend written for ``send(phone, text)``."""

    sent: list[tuple[str, str]] = []

    def send(self, phone, text):
        self.sent.append((phone, text))


@pytest.mark.django_db
def test_a_backend_taking_only_the_text_still_works(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.TextOnlyBackend"
    TextOnlyBackend.sent.clear()
    sms = _sent(django_capture_on_commit_callbacks)
    assert sms.status == OutboundMessage.Status.SENT
    assert TextOnlyBackend.sent == [(PHONE, sms.body)]


@pytest.mark.django_db
def test_the_outbox_backend_keeps_the_message(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "aftersales.core.messaging.OutboxSmsBackend"
    sms = _sent(django_capture_on_commit_callbacks)
    assert sms.status == OutboundMessage.Status.SENT and sms.template == "order_confirmed"


# --- Numbers, settings, the system check ---------------------------------------------------


@pytest.mark.parametrize(
    ("written", "e164_form", "aliyun_form"),
    [
        ("13912345678", "+8613912345678", "13912345678"),
        ("+86 139-1234-5678", "+8613912345678", "13912345678"),
        ("008613912345678", "+8613912345678", "13912345678"),
        ("+85291234567", "+85291234567", "85291234567"),
    ],
)
def test_phone_numbers(written, e164_form, aliyun_form):
    assert e164(written) == e164_form
    assert aliyun.phone_number(written) == aliyun_form


@pytest.mark.parametrize("written", ["", "021-62345678", "1391234567", "+86 021 6234 5678"])
def test_numbers_that_take_no_sms(written):
    with pytest.raises(SmsNotConfigured):
        e164(written)


def test_sms_templates_from_the_environment(monkeypatch):
    monkeypatch.setenv(
        "SMS_TEMPLATES",
        '{"case_received": {"aliyun": "SMS_1", "tencent": 123456, "params": ["name"]}}',
    )
    assert get_sms_templates("SMS_TEMPLATES") == {
        "case_received": {"aliyun": "SMS_1", "tencent": "123456", "params": ["name"]}
    }
    monkeypatch.delenv("SMS_TEMPLATES")
    assert get_sms_templates("SMS_TEMPLATES") == {}


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("{not json", "not valid JSON"),
        ('["case_received"]', "JSON object"),
        ('{"case_received": "SMS_1"}', "must be an object"),
        ('{"case_received": {"aliyn": "SMS_1"}}', "unknown keys ['aliyn']"),
        ('{"case_received": {"aliyun": "SMS_1", "params": "name"}}', "params must be"),
        ('{"case_received": {"aliyun": ["SMS_1"]}}', "not text"),
    ],
)
def test_malformed_sms_templates_stop_start_up(monkeypatch, raw, says):
    monkeypatch.setenv("SMS_TEMPLATES", raw)
    with pytest.raises(ConfigError, match=re.escape(says)):
        get_sms_templates("SMS_TEMPLATES")


def test_the_system_check_names_messages_without_a_template(settings):
    settings.SMS_BACKEND = "aftersales.core.messaging.OutboxSmsBackend"
    assert sms_templates_check() == []

    settings.SMS_BACKEND = "aftersales.core.sms.AliyunSmsBackend"
    settings.SMS_TEMPLATES = TEMPLATES
    (warning,) = sms_templates_check()
    assert warning.id == W_NO_TEMPLATE
    assert "order_confirmed" not in warning.msg and "case_received" in warning.msg
