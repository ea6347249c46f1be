"""Tencent Cloud SMS (腾讯云短信): ``SendSms`` of API 3.0, version ``2021-01-11``, a JSON POST
signed with TC3-HMAC-SHA256.

Settings: ``SMS_TENCENT_SECRET_ID``, ``SMS_TENCENT_SECRET_KEY``, ``SMS_TENCENT_SDK_APP_ID``
(the SMS application's SdkAppId), ``SMS_TENCENT_SIGN_NAME`` (the approved 签名),
``SMS_TENCENT_REGION`` (``ap-guangzhou``), ``SMS_TENCENT_ENDPOINT``
(``https://sms.tencentcloudapi.com/``) and each message's ``tencent`` template id in
``SMS_TEMPLATES``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings

from .base import SmsNotConfigured, SmsProviderError, e164, post, provider_template, sign_name

PROVIDER = "tencent"
SERVICE = "sms"
ACTION = "SendSms"
API_VERSION = "2021-01-11"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def canonical_request(
    *, method: str, headers: dict[str, str], payload: bytes, query: str = ""
) -> tuple[str, str]:
    """The canonical request and its signed headers' names: every header given takes part,
    names and values lower-cased and trimmed, sorted by name."""
    lowered = sorted((k.strip().lower(), v.strip().lower()) for k, v in headers.items())
    canonical_headers = "".join(f"{k}:{v}\n" for k, v in lowered)
    signed_headers = ";".join(k for k, _ in lowered)
    text = "\n".join([method, "/", query, canonical_headers, signed_headers, _sha256_hex(payload)])
    return text, signed_headers


def credential_date(timestamp: int) -> str:
    """The credential scope's date: the timestamp's day in UTC, never local time."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def string_to_sign(timestamp: int, service: str, canonical: str) -> str:
    scope = f"{credential_date(timestamp)}/{service}/tc3_request"
    return f"{ALGORITHM}\n{timestamp}\n{scope}\n{_sha256_hex(canonical.encode('utf-8'))}"


def signing_key(secret_key: str, date: str, service: str) -> bytes:
    """``TC3`` + secret → the date → the service → ``tc3_request``."""
    key = _hmac(f"TC3{secret_key}".encode(), date)
    key = _hmac(key, service)
    return _hmac(key, "tc3_request")


def authorization(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    timestamp: int,
    headers: dict[str, str],
    payload: bytes,
    method: str = "POST",
) -> str:
    """The ``Authorization`` header of a request with these signed headers and body."""
    canonical, signed_headers = canonical_request(method=method, headers=headers, payload=payload)
    date = credential_date(timestamp)
    signature = hmac.new(
        signing_key(secret_key, date, service),
        string_to_sign(timestamp, service, canonical).encode("utf-8"),
        hashlib.sha256,
    ).hexdigest()
    return (
        f"{ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )


class TencentSmsBackend:
    """Sends each SMS as its message's approved Tencent Cloud template."""

    provider = PROVIDER

    def __init__(self) -> None:
        self.secret_id = getattr(settings, "SMS_TENCENT_SECRET_ID", "")
        self.secret_key = getattr(settings, "SMS_TENCENT_SECRET_KEY", "")
        self.sdk_app_id = getattr(settings, "SMS_TENCENT_SDK_APP_ID", "")
        self.endpoint = getattr(
            settings, "SMS_TENCENT_ENDPOINT", "https://sms.tencentcloudapi.com/"
        )
        self.region = getattr(settings, "SMS_TENCENT_REGION", "ap-guangzhou")
        if not (self.secret_id and self.secret_key and self.sdk_app_id):
            raise SmsNotConfigured(
                "SMS_TENCENT_SECRET_ID, SMS_TENCENT_SECRET_KEY and SMS_TENCENT_SDK_APP_ID are "
                "not all set"
            )

    def request(
        self, phone: str, *, template: str | None, context: dict | None
    ) -> tuple[dict[str, str], bytes]:
        """The headers and body of one signed ``SendSms`` call."""
        chosen = provider_template(PROVIDER, template, context)
        payload = json.dumps(
            {
                "PhoneNumberSet": [e164(phone)],
                "SmsSdkAppId": self.sdk_app_id,
                "SignName": sign_name(getattr(settings, "SMS_TENCENT_SIGN_NAME", "")),
                "TemplateId": chosen.code,
                "TemplateParamSet": [value for _, value in chosen.params],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        timestamp = int(time.time())
        signed = {
            "Content-Type": CONTENT_TYPE,
            "Host": urlsplit(self.endpoint).netloc,
            "X-TC-Action": ACTION,
        }
        headers = {
            **signed,
            "Authorization": authorization(
                secret_id=self.secret_id,
                secret_key=self.secret_key,
                service=SERVICE,
                timestamp=timestamp,
                headers=signed,
                payload=payload,
            ),
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": API_VERSION,
            "X-TC-Region": self.region,
        }
        return headers, payload

    def send(
        self, phone: str, text: str, *, template: str | None = None, context: dict | None = None
    ) -> str:
        """Send; the provider's ``SerialNo`` on success. ``text`` (our own wording) is not
        sent: the provider sends the approved template's."""
        headers, payload = self.request(phone, template=template, context=context)
        answer = post(PROVIDER, self.endpoint, payload, headers).get("Response")
        if not isinstance(answer, dict):
            raise SmsProviderError(PROVIDER, "no Response", "the answer has no Response")
        request_id = str(answer.get("RequestId") or "")
        error = answer.get("Error")
        if error:
            error = error if isinstance(error, dict) else {"Message": str(error)}
            raise SmsProviderError(
                PROVIDER, str(error.get("Code") or ""), str(error.get("Message") or ""), request_id
            )
        statuses = answer.get("SendStatusSet") or [{}]
        status = statuses[0]
        if status.get("Code") != "Ok":
            raise SmsProviderError(
                PROVIDER,
                str(status.get("Code") or "no status"),
                str(status.get("Message") or ""),
                request_id,
            )
        return str(status.get("SerialNo") or "")
