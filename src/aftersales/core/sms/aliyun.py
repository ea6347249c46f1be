"""Alibaba Cloud SMS (阿里云短信服务): ``SendSms`` of dysmsapi ``2017-05-25`` over HTTPS,
signed the RPC way (signature version 1.0, HMAC-SHA1 over the percent-encoded sorted query).

Settings: ``SMS_ALIYUN_ACCESS_KEY_ID``, ``SMS_ALIYUN_ACCESS_KEY_SECRET``,
``SMS_ALIYUN_SIGN_NAME`` (the approved 签名), ``SMS_ALIYUN_REGION`` (``cn-hangzhou``),
``SMS_ALIYUN_ENDPOINT`` (``https://dysmsapi.aliyuncs.com/``) and each message's ``aliyun``
template code in ``SMS_TEMPLATES``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings

from .base import SmsNotConfigured, SmsProviderError, e164, post, provider_template, sign_name

PROVIDER = "aliyun"
API_VERSION = "2017-05-25"


def percent_encode(value: object) -> str:
    """RFC 3986 as Alibaba Cloud signs it: only ``A-Z a-z 0-9 - _ . ~`` stay, UTF-8 bytes
    become ``%XX`` (a space ``%20``, ``*`` ``%2A``)."""
    return quote(str(value), safe="-_.~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(
        f"{percent_encode(k)}={percent_encode(v)}"
        for k, v in sorted(params.items())
        if k != "Signature"
    )


def string_to_sign(method: str, params: dict[str, str]) -> str:
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def signature(method: str, params: dict[str, str], secret: str) -> str:
    """Base64 of HMAC-SHA1 keyed with ``secret + "&"`` over the string to sign."""
    digest = hmac.new(
        f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def phone_number(phone: str) -> str:
    """Mainland numbers as the 11 digits; others as country code and number without ``+``."""
    number = e164(phone)
    return number[3:] if number.startswith("+86") else number[1:]


class AliyunSmsBackend:
    """Sends each SMS as its message's approved Alibaba Cloud template."""

    provider = PROVIDER

    def __init__(self) -> None:
        self.access_key_id = getattr(settings, "SMS_ALIYUN_ACCESS_KEY_ID", "")
        self.access_key_secret = getattr(settings, "SMS_ALIYUN_ACCESS_KEY_SECRET", "")
        self.endpoint = getattr(settings, "SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
        self.region = getattr(settings, "SMS_ALIYUN_REGION", "cn-hangzhou")
        if not (self.access_key_id and self.access_key_secret):
            raise SmsNotConfigured(
                "SMS_ALIYUN_ACCESS_KEY_ID and SMS_ALIYUN_ACCESS_KEY_SECRET are not set"
            )

    def request_params(self, phone: str, *, template: str | None, context: dict | None) -> dict:
        """The signed parameters of one ``SendSms`` call."""
        chosen = provider_template(PROVIDER, template, context)
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone_number(phone),
            "RegionId": self.region,
            "SignName": sign_name(getattr(settings, "SMS_ALIYUN_SIGN_NAME", "")),
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": chosen.code,
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
        }
        if chosen.params:
            params["TemplateParam"] = json.dumps(
                dict(chosen.params), ensure_ascii=False, separators=(",", ":")
            )
        params["Signature"] = signature("POST", params, self.access_key_secret)
        return params

    def send(
        self, phone: str, text: str, *, template: str | None = None, context: dict | None = None
    ) -> str:
        """Send; the provider's ``BizId`` on success. ``text`` (our own wording) is not sent:
        the provider sends the approved template's."""
        params = self.request_params(phone, template=template, context=context)
        body = "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in params.items())
        answer = post(
            PROVIDER,
            self.endpoint,
            body.encode("ascii"),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        if answer.get("Code") != "OK":
            raise SmsProviderError(
                PROVIDER,
                str(answer.get("Code") or "no code"),
                str(answer.get("Message") or ""),
                str(answer.get("RequestId") or ""),
            )
        return str(answer.get("BizId") or "")
