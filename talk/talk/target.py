"""What every Talk target shares: settings, the Talk-model sink, reject log and run summary.

A system's target is `TalkTarget` with a name, its connection settings and a client factory
(see targets/target-<system>/target.py); the write path itself lives in `sync.py`.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import uuid
from typing import Any, ClassVar

from singer_sdk import typing as th
from singer_sdk.sinks import RecordSink
from singer_sdk.target_base import Target

from . import business, flows, model, plugin_errors, run_history
from .client import SystemClient
from .preview import Preview, default_path as preview_path
from .rejects import RejectLog
from .store import IdentityStore
from .settings import BUSINESS_SETTINGS, STORE_SETTINGS
from .sync import Syncer

log = logging.getLogger("talk.target")

COMMON_SETTINGS = th.PropertiesList(
    *STORE_SETTINGS.wrapped.values(),
    *BUSINESS_SETTINGS.wrapped.values(),
    th.Property("dry_run", th.BooleanType, default=False, description="Report what would be created, "
                "updated and linked without writing anything."),
    th.Property("create_from", th.ArrayType(th.StringType), description="Source systems (or "
                "'system:entity') whose new records this target creates. Default: the documented "
                "flows' directions (talk/flows.yml)."),
    th.Property("fail_on_reject", th.BooleanType, default=False, description="Exit with status 3 "
                "after the run when any record was rejected (all others are still synced). Off by "
                "default: rejects wait in the retry queue (`talk rejects`) and a job goes on to its "
                "next pipeline; `talk run JOB --fail-on-reject` fails a scheduled job instead."),
    th.Property("policies", th.ObjectType(), description="Owner policies of Talk properties for this "
                "target's pipelines, over the flows' (talk/flows.yml): {\"product\": {\"stock\": \"two-way\"}}, "
                "{\"customer\": {\"phone\": \"shopify\"}} (an owning system) or "
                "{\"product\": {\"description\": \"not synced\"}}."),
    th.Property("on_deleted", th.StringType, default="reject", allowed_values=["reject", "recreate", "unlink"],
                description="A linked record deleted in this system: 'reject' waits for a person (an open "
                "reject says what to do), 'recreate' creates it again, 'unlink' stops syncing it here."),
    th.Property("unknown_streams", th.StringType, default="fail", allowed_values=["fail", "reject"],
                description="A stream that is not a Talk-model stream (customer, product, order): "
                "'fail' stops at its SCHEMA message (the usual cause is a pipeline without mapper-talk); "
                "'reject' puts its records in the reject log and goes on."),
)


class TalkTargetSink(RecordSink):
    """A sink that keeps its target: the target owns the one Syncer (client, store, counts)."""

    def __init__(self, target: "TalkTarget", *args, **kwargs) -> None:
        super().__init__(target, *args, **kwargs)
        self.talk_target = target

    @property
    def validate_schema(self) -> bool:
        return False  # the Syncer validates against the Talk model and rejects instead of failing


class TalkSink(TalkTargetSink):
    """Writes Talk-model records one at a time (or one batch at a time, for an API that writes
    in batches): each write is linked before the next starts, and a write that dies before its
    link is found again by its external reference, so a killed run leaves nothing half-linked."""

    def process_record(self, record: dict, context: dict) -> None:
        syncer = self.talk_target.syncer
        if record.get("retry_for") and syncer.system not in record["retry_for"]:
            return  # re-sent from the retry queue for another destination
        record = {k: v for k, v in record.items() if not k.startswith("_sdc_")}
        syncer.submit(self.stream_name, record)


class UnknownStreamSink(TalkTargetSink):
    """Records of a stream that is not a Talk-model stream, when told to reject them."""

    def process_record(self, record: dict, context: dict) -> None:
        syncer = self.talk_target.syncer
        syncer.rejects.add(stage="schema", system=syncer.system, stream=self.stream_name, record=record,
                           reason=f"{self.stream_name!r} is not a Talk-model stream ({', '.join(model.ENTITIES)})")
        syncer.counts[("?", self.stream_name)]["rejected"] += 1


class StatsSink(TalkTargetSink):
    """Counts from the mapper (records it found unchanged and did not forward)."""

    def process_record(self, record: dict, context: dict) -> None:
        tally = self.talk_target.syncer.counts[(record["source"], record["entity"])]
        for key in ("unchanged", "rejected"):
            tally[key] += int(record.get(key) or 0)
        tally.setdefault("created", 0)  # so that a run with nothing to do is recorded too


class TalkTarget(Target):
    """Base class of Talk's targets; subclasses set `name`, `system`, settings and `make_client`."""

    system: ClassVar[str] = ""
    default_sink_class = TalkSink
    secret_settings: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # No secret in any log line; wrong credentials, an unreachable API (FatalApiError) end
        # the run with one line and exit status 2 instead of a traceback.
        plugin_errors.install(self)
        try:
            business.configure(self.config)  # dates and prices are written as the mapper reads them
        except business.SettingError as error:
            raise SystemExit(f"{self.name}: {error}") from None

    def make_client(self) -> SystemClient:
        raise NotImplementedError

    def get_sink_class(self, stream_name: str):
        if stream_name == model.STATS_STREAM:
            return StatsSink
        if stream_name in model.ENTITIES:
            return TalkSink
        if self.config.get("unknown_streams") == "reject":
            return UnknownStreamSink
        raise ValueError(
            f"{self.name} takes Talk-model streams ({', '.join(model.ENTITIES)}), not {stream_name!r}. "
            f"Put mapper-talk between the tap and the target: meltano run tap-X mapper-talk {self.name}"
        )

    @property
    def syncer(self) -> Syncer:
        if not hasattr(self, "_syncer"):
            secrets = [str(self.config.get(k)) for k in self.secret_settings if self.config.get(k)]
            self._rejects = RejectLog(self.config.get("reject_log"), secrets=secrets)
            dry_run = bool(self.config.get("dry_run"))
            try:
                flows.policies(self.config.get("policies"))
            except ValueError as exc:  # a setting a person wrote: say which and why, no traceback
                raise SystemExit(f"{self.name}: the policies setting: {exc}") from None
            self._syncer = Syncer(
                self.system,
                self.make_client(),
                IdentityStore(self.config.get("store_url")),
                self._rejects,
                dry_run=dry_run,
                create_from=self.config.get("create_from"),
                on_deleted=self.config.get("on_deleted") or "reject",
                preview=Preview(preview_path(self._rejects.path)) if dry_run else None,
                policies=self.config.get("policies"),
            )
        return self._syncer

    def _write_state_message(self, state: dict) -> None:
        # A dry run is a preview, not a run: the bookmark stays where the last real run left it,
        # so the first real sync reads everything the preview planned.
        if not self.config.get("dry_run"):
            super()._write_state_message(state)

    def drain_all(self, *, is_endofpipe: bool = False) -> None:
        # Records waiting for their batch are written before the state that covers them.
        if hasattr(self, "_syncer"):
            self._syncer.flush()
        super().drain_all(is_endofpipe=is_endofpipe)

    def process_endofpipe(self) -> None:
        super().process_endofpipe()
        if not hasattr(self, "_syncer"):
            return
        syncer = self._syncer
        by_source: dict[str, dict[str, dict[str, int]]] = {}
        for (source, entity), counts in syncer.counts.items():
            by_source.setdefault(source, {})[entity] = dict(counts)
        strict = bool(syncer.rejects.count and self.config.get("fail_on_reject"))
        if not syncer.dry_run:  # a preview writes nothing into the store
            run_id, source, started_at = self._pipeline_run()
            source = source or next((s for s in by_source if s != "?"), "?")  # run on its own: the records say
            failed = f"{syncer.rejects.count} record(s) rejected and fail_on_reject is set" if strict else None
            syncer.store.record_run(run_id, source, self.system, dict(syncer.counts), started_at=started_at, failed=failed)
        summary = {"destination": self.system, "dry_run": syncer.dry_run, "counts": by_source,
                   "rejected": syncer.rejects.count, "reject_log": str(syncer.rejects.path)}
        if syncer.preview is not None:
            summary["preview"] = str(syncer.preview.path)
        log.info("Talk run summary: %s", json.dumps(summary))
        syncer.client.close()
        if strict:
            self._exit_code = 3

    def _pipeline_run(self) -> tuple[str, str | None, float]:
        """This run's id, source system (None when not known from the start) and start time."""
        if not hasattr(self, "_run"):
            extractor = os.environ.get("MELTANO_EXTRACTOR_NAME")
            self._run = (str(uuid.uuid4()), run_history.system_of(extractor, "tap-") if extractor else None, time.time())
        return self._run

    def _start_run(self) -> None:
        """The run history knows a run from its start, so one that dies shows as failed. Meltano
        names the pipeline's extractor to every plugin of it; a target run on its own learns
        its source from the records and is recorded at its end only."""
        run_id, source, started_at = self._pipeline_run()
        if source and not self.config.get("dry_run"):
            run_history.start(self.syncer.store, run_id, source, self.system, started_at)

    def listen(self, file_input=None) -> None:  # noqa: ANN001
        self._start_run()
        super().listen(file_input)
        if getattr(self, "_exit_code", 0):
            sys.stderr.write(
                f"{self.name}: {self._rejects.count} record(s) rejected; see {self._rejects.path}\n"
            )
            sys.exit(self._exit_code)


def settings(*properties: th.Property) -> dict[str, Any]:
    """A target's config schema: its own connection settings plus the common Talk settings."""
    return th.PropertiesList(*properties, *COMMON_SETTINGS.wrapped.values()).to_dict()
