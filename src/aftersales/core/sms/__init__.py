"""SMS through the providers Chinese companies use: Alibaba Cloud (``AliyunSmsBackend``) and
Tencent Cloud (``TencentSmsBackend``), chosen with ``settings.SMS_BACKEND``.

Both send only templates the provider approved, filled with parameters, never free text: the
outbox hands them the message's template name and its fields, and ``settings.SMS_TEMPLATES``
maps each message to the provider's template code and the fields it takes (``base``). A
message without a code is not sent: its outbox row is marked failed with the reason.
"""

from .aliyun import AliyunSmsBackend
from .base import SmsError, SmsNotConfigured, SmsProviderError, provider_template
from .tencent import TencentSmsBackend

__all__ = [
    "AliyunSmsBackend",
    "SmsError",
    "SmsNotConfigured",
    "SmsProviderError",
    "TencentSmsBackend",
    "provider_template",
]
