"""Webhooks: registrations (POST /api/v1/Webhook...) and the deliveries of their events.

Registering pings the TargetUrl with a `test` event first and refuses a target that does not
answer 2xx, as SuperOffice does. A change of a contact, person or sale is then POSTed to every
active webhook listening for its event, signed with `X-SuperOffice-Signature` (base64
HMAC-SHA256 of the body with the webhook's Secret). Deliveries run on a worker thread: the
request that made the change never waits for them; a failed delivery is tried again a bounded
number of times. Targets must be on loopback (the sandbox sends nothing off this machine);
SuperOffice's HTTPS requirement is not enforced for them.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import queue
import threading
import time
import uuid
from datetime import datetime, timezone
from urllib.parse import urlparse

import httpx

from ..common.documents import DocumentStore
from . import dates, lists
from .errors import bad_request, not_found

WEBHOOKS = "webhooks"
USER_AGENT = "NetServer-Webhook/10.0 (Talk sandbox)"
STATES = ("Active", "Stopped", "TooManyErrors")


def blank() -> dict:
    return {"WebhookId": 0, "Name": "", "Events": [], "TargetUrl": "", "Secret": "", "State": "Active", "Type": "webhook",
            "Headers": {}, "Properties": {}, "Registered": dates.EMPTY_DATE, "RegisteredAssociate": None,
            "Updated": dates.EMPTY_DATE, "UpdatedAssociate": None, "ErrorsEmail": "", "ErrorEmails": [],
            "ErrorAssociates": [], "Description": "", "NotifyVia": "None", "NotifyWhen": "None", "TotalCalls": 0,
            "TotalErrors": 0, "ConsecutiveErrors": 0, "LastError": ""}


def on_loopback(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return False
    if parsed.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parsed.hostname).is_loopback
    except ValueError:
        return False


def signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def timestamp() -> str:
    # SuperOffice writes the event time in UTC with a Z and seven fractional digits.
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


class Webhooks:
    def __init__(self, store: DocumentStore, settings: dict):
        self.store = store
        self.settings = settings
        self.outbox: queue.Queue = queue.Queue()
        self.worker = threading.Thread(target=self._deliver_forever, name="superoffice-webhooks", daemon=True)
        self.worker.start()

    # -- registrations ---------------------------------------------------------------------
    def get(self, id: int) -> dict:
        webhook = self.store.get(WEBHOOKS, id)
        if webhook is None:
            raise not_found("Webhook", id)
        return webhook

    def all(self) -> list[dict]:
        return list(self.store.all(WEBHOOKS))

    @staticmethod
    def public(webhook: dict) -> dict:
        return {key: value for key, value in webhook.items() if not key.startswith("_")}

    def save(self, body: dict, id: int = 0) -> dict:
        webhook = self.get(id) if id else blank()
        given = {key.lower(): value for key, value in (body if isinstance(body, dict) else {}).items()}
        for field in ("Name", "Events", "TargetUrl", "Secret", "State", "Type", "Headers", "Properties", "Description"):
            if given.get(field.lower()) is not None:
                webhook[field] = given[field.lower()]
        if not webhook["Name"] or not isinstance(webhook["Events"], list) or not webhook["Events"]:
            raise bad_request("A webhook needs a Name and a list of Events.")
        if webhook["State"] not in STATES:
            raise bad_request(f"State must be one of {', '.join(STATES)}.")
        if not on_loopback(str(webhook["TargetUrl"])):
            raise bad_request("The sandbox only calls webhook targets on this machine (loopback).")
        if not id or given.get("targeturl") is not None:
            self._test(webhook)
        now = dates.now()
        if not id:
            # `_key` tells this registration from an earlier one with the same id (ids start
            # again after a sandbox reset): a delivery queued for that one is dropped.
            webhook.update(WebhookId=self.store.next_id("id:webhooks"), Registered=now,
                           RegisteredAssociate=dict(lists.SYSTEM_ASSOCIATE), _key=uuid.uuid4().hex)
        webhook.update(Updated=now, UpdatedAssociate=dict(lists.SYSTEM_ASSOCIATE))
        self.store.put(WEBHOOKS, webhook["WebhookId"], webhook)
        return webhook

    def delete(self, id: int) -> None:
        self.get(id)
        self.store.delete(WEBHOOKS, id)

    def _test(self, webhook: dict) -> None:
        """The `test` event SuperOffice sends on registration; the target must answer 2xx."""
        payload = {"EventId": str(uuid.uuid4()), "Timestamp": timestamp(), "Changes": [], "Event": "test",
                   "PrimaryKey": 0, "Entity": "test", "ContextIdentifier": self.settings["context_id"],
                   "ChangedByAssociateId": lists.SYSTEM_ASSOCIATE["AssociateId"], "WebhookName": webhook["Name"]}
        body, headers = self._message(webhook, payload)
        try:
            answer = httpx.post(webhook["TargetUrl"], content=body, headers={**headers, "X-Hook-Test": "true"}, timeout=5)
            refused = not answer.is_success and f"answered {answer.status_code}"
        except httpx.HTTPError as error:
            refused = f"could not be reached ({type(error).__name__})"
        if refused:
            raise bad_request(f"The webhook target {refused} to the test event.")

    # -- events ----------------------------------------------------------------------------
    def signal(self, event: str, entity: str, id: int, changes: list[str]) -> None:
        """Queue the event for every active webhook listening for it; returns at once."""
        for webhook in self.all():
            if webhook["State"] == "Active" and event in webhook["Events"]:
                payload = {"EventId": str(uuid.uuid4()), "Timestamp": timestamp(), "Changes": changes, "Event": event,
                           "PrimaryKey": id, "Entity": entity, "ContextIdentifier": self.settings["context_id"],
                           "ChangedByAssociateId": lists.SYSTEM_ASSOCIATE["AssociateId"], "WebhookName": webhook["Name"]}
                self.outbox.put((webhook["WebhookId"], webhook["_key"], payload))

    def _message(self, webhook: dict, payload: dict) -> tuple[bytes, dict]:
        body = json.dumps(payload).encode()
        headers = {**{str(k): str(v) for k, v in (webhook.get("Headers") or {}).items()},
                   "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
                   "X-SuperOffice-Event": payload["Event"], "X-SuperOffice-EventId": payload["EventId"]}
        if webhook.get("Secret"):
            headers["X-SuperOffice-Signature"] = signature(webhook["Secret"], body)
        return body, headers

    def _deliver_forever(self) -> None:
        with httpx.Client(timeout=5) as client:
            while True:
                webhook_id, key, payload = self.outbox.get()
                try:
                    self._deliver(client, webhook_id, key, payload)
                except Exception:  # noqa: BLE001 - a broken delivery must never stop the worker
                    pass

    def _deliver(self, client: httpx.Client, webhook_id: int, key: str, payload: dict) -> None:
        attempts = max(1, int(self.settings.get("webhook_attempts") or 1))
        delay = float(self.settings.get("webhook_retry_delay_ms") or 0) / 1000
        error = ""
        for attempt in range(attempts):
            webhook = self.store.get(WEBHOOKS, webhook_id)
            if webhook is None or webhook["_key"] != key or webhook["State"] != "Active":
                return  # deleted, replaced or stopped meanwhile (or the sandbox was reset)
            body, headers = self._message(webhook, payload)
            try:
                answer = client.post(webhook["TargetUrl"], content=body, headers=headers)
                error = "" if answer.is_success else f"HTTP {answer.status_code}"
            except httpx.HTTPError as failure:
                error = type(failure).__name__
            self._count(webhook_id, key, error)
            if not error:
                return
            time.sleep(delay * 2 ** attempt)

    def _count(self, webhook_id: int, key: str, error: str) -> None:
        webhook = self.store.get(WEBHOOKS, webhook_id)
        if webhook is None or webhook["_key"] != key:
            return
        webhook["TotalCalls"] += 1
        if error:
            webhook.update(TotalErrors=webhook["TotalErrors"] + 1, ConsecutiveErrors=webhook["ConsecutiveErrors"] + 1,
                           LastError=error)
            if webhook["ConsecutiveErrors"] >= int(self.settings.get("webhook_max_consecutive_errors") or 0) > 0:
                webhook["State"] = "TooManyErrors"
        else:
            webhook["ConsecutiveErrors"] = 0
        self.store.put(WEBHOOKS, webhook_id, webhook)
