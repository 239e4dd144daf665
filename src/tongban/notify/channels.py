"""Notification channels behind one registry: in-app inbox, e-mail, SMS (gateway plugin)."""

from __future__ import annotations

import abc

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from tongban.core.registry import Registry
from tongban.notify.models import Notification


class ChannelUnavailable(Exception):
    """The channel could not deliver now; the job retries later."""


class Channel(abc.ABC):
    # True when the row itself is the delivery (no background job needed).
    immediate = False

    @abc.abstractmethod
    def send(self, notification: Notification) -> None:
        """Deliver, or raise ChannelUnavailable. Must be safe to call twice for one row."""


class InboxChannel(Channel):
    immediate = True

    def send(self, notification: Notification) -> None:
        return None  # the row is the inbox message


class EmailChannel(Channel):
    def send(self, notification: Notification) -> None:
        address = notification.recipient.email
        if not address:
            return None  # nothing to send to; not an error worth retrying
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[address],
            # Lets a receiving system drop a duplicate after a retried delivery.
            headers={"Message-ID": f"<notification-{notification.pk}@tongban>"},
        )
        try:
            message.send()
        except OSError as exc:
            raise ChannelUnavailable(f"SMTP: {exc}") from exc
        return None


class SmsGateway(abc.ABC):
    """A provider's SMS API. `client_id` lets the provider drop a retried duplicate."""

    @abc.abstractmethod
    def send(self, *, phone: str, text: str, client_id: str) -> None: ...


class SmsChannel(Channel):
    def __init__(self, gateway: SmsGateway) -> None:
        self.gateway = gateway

    def send(self, notification: Notification) -> None:
        phone = notification.recipient.phone
        if not phone:
            return None
        try:
            self.gateway.send(
                phone=phone,
                text=f"【{settings.CITY_NAME}政务服务】{notification.subject}",
                client_id=f"notification-{notification.pk}",
            )
        except OSError as exc:
            raise ChannelUnavailable(f"SMS: {exc}") from exc
        return None


channels: Registry[Channel] = Registry("notification channel")


def register_default_channels() -> None:
    gateway_class = import_string(settings.SMS_GATEWAY)
    channels.register("inbox", InboxChannel(), replace=True)
    channels.register("email", EmailChannel(), replace=True)
    channels.register("sms", SmsChannel(gateway_class()), replace=True)
