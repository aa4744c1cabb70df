"""What every Talk tap shares."""
from __future__ import annotations

from typing import ClassVar

from singer_sdk import Tap


class TalkTap(Tap):
    """A tap that reads its streams in the order `stream_order` gives, instead of the SDK's
    alphabetical one: records are referred to by the ones read after them (orders name
    customers and products; contact persons their organisation), so a target meets what a
    record refers to before the record and, on a first sync, finds it already linked."""

    stream_order: ClassVar[tuple[str, ...]] = ()

    def load_streams(self):
        streams = super().load_streams()
        rank = {name: n for n, name in enumerate(self.stream_order)}
        return sorted(streams, key=lambda stream: rank.get(stream.name, len(rank)))
