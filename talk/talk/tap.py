"""What every Talk tap shares."""
from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

import requests
from singer_sdk import Tap
from singer_sdk import typing as th

from . import plugin_errors
from .http import AuthFailed, Unreachable, WrongBaseUrl


# A non-negative number (seconds, a rate), also as text. Meltano hands a `decimal` setting set
# in the environment to the plugin as a Decimal it then cannot write into the config file
# (TypeError), and an `integer` one refuses "2.5"; so such settings have no kind in meltano.yml,
# arrive as text ("30", "0.5") and the code float()s them.
DECIMAL = th.CustomType({"anyOf": [{"type": "number", "minimum": 0},
                                   {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*$"}]})


class TalkTap(Tap):
    """A tap that reads its streams in the order `stream_order` gives, instead of the SDK's
    alphabetical one: records are referred to by the ones read after them (orders name
    customers and products; contact persons their organisation), so a target meets what a
    record refers to before the record and, on a first sync, finds it already linked.

    Its log never shows a secret, and wrong credentials, an API that is not there or a wrong
    base URL end the run with one line (see talk.plugin_errors)."""

    stream_order: ClassVar[tuple[str, ...]] = ()
    api_reached = False  # set by TalkStream once the API has answered a request well

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plugin_errors.install(self)

    def load_streams(self):
        streams = super().load_streams()
        rank = {name: n for n, name in enumerate(self.stream_order)}
        return sorted(streams, key=lambda stream: rank.get(stream.name, len(rank)))


class TalkStream:
    """Mixin for a Talk tap's RESTStream (put it before RESTStream in the bases): the failures
    no retry fixes become talk.http errors at once, which the tap turns into its one line.

    - A refused connection or an unknown host before the API has ever answered: nothing is
      listening at base_url, so there is nothing to wait for (after a good answer, a refused
      connection is a restart worth the SDK's retries).
    - 401 or 403: the credentials (streams call `raise_for_access` from validate_response).
    - 404 before any good answer: the base URL is missing its path or points elsewhere.
    """

    def _request(self, prepared_request: requests.PreparedRequest, context) -> requests.Response:
        try:
            response = super()._request(prepared_request, context)
        except requests.exceptions.ConnectionError as error:
            if self._tap.api_reached or not plugin_errors.nothing_listening(error):
                raise
            raise Unreachable(0, plugin_errors.connection_failure(error) or "no connection",
                              prepared_request.method or "", path_of(prepared_request.url)) from None
        self._tap.api_reached = True
        return response

    def raise_for_access(self, response: requests.Response, detail: str) -> None:
        """Raise the error that ends the run if `response` says the credentials or the base URL
        are wrong; `detail` is the API's explanation (never the request's headers or query)."""
        status, path = response.status_code, path_of(response.url)
        method = response.request.method or "" if response.request is not None else ""
        if status in (401, 403):
            raise AuthFailed(status, detail, method, path)
        if status == 404 and not self._tap.api_reached:
            raise WrongBaseUrl(404, detail, method, path)


def path_of(url: str | None) -> str:
    """A URL's path: what an error may show of a request (its query may hold credentials)."""
    return urlsplit(url or "").path
