"""Errors a person can act on, and no secret in any output: real `meltano run` against the sandboxes.

Wrong credentials, an API that is not there and a base URL without its API path end a run with
one line from the plugin (system, URL, what to set), no traceback, no rejects and no state.
Every setting in meltano.yml can be set from the environment. At DEBUG, in every auth mode and
in a failing run, no secret shows up in what the runs print or in any file the project holds.
"""
from __future__ import annotations

import json
import re
import ssl
from importlib.metadata import entry_points
from pathlib import Path

import httpx
import jsonschema
import pytest
from harness import ROOT, SECRETS, Talk
from talk import meltano_files
from talk_sandbox.processes import certificate, free_port, running


def plugin_lines(result, plugin: str) -> list[str]:
    """The lines of a run's output that the plugin wrote as `PLUGIN: ...` (its failure line)."""
    return [line for line in result.stderr.splitlines() if f" {plugin}: " in line]


def saved_states(talk: Talk) -> set[str]:
    result = talk.meltano("--log-level=warning", "state", "list")
    assert result.returncode == 0, result.stderr[-2000:]
    return {line.strip() for line in result.stdout.splitlines() if line.strip()}


def assert_ended_in_one_line(talk: Talk, result, plugin: str, *expected: str) -> str:
    """The run failed with exactly one line from `plugin` holding `expected`, and nothing else
    a person would have to read past: no traceback, no rejects, no state saved."""
    assert result.returncode != 0
    lines = plugin_lines(result, plugin)
    assert len(lines) == 1, "\n".join(lines) or result.stderr[-4000:]
    line = lines[0]
    for text in expected:
        assert text in line, line
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-4000:]
    assert ("Extractor failed" if plugin.startswith("tap-") else "Loader failed") in result.stderr
    assert talk.rejects() == []
    return line


# -- errors ----------------------------------------------------------------------------------------

def test_wrong_credentials_of_a_tap_end_the_run_in_one_line(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    result = talk.run("tap-poweroffice", "mapper-talk", "target-shopify", expect_ok=False,
                      env={"TAP_POWEROFFICE_CLIENT_KEY": "wrong-client-key"})
    assert_ended_in_one_line(
        talk, result, "tap-poweroffice",
        f"tap-poweroffice: PowerOffice GO refused the credentials at {talk.api_url('poweroffice')} (401",
        "check application_key, client_key and subscription_key", "TAP_POWEROFFICE_CLIENT_KEY",
    )
    assert talk.writes("shopify") == []
    assert "sandbox:tap-poweroffice-to-target-shopify" not in saved_states(talk)


def test_credentials_a_target_no_longer_has_end_the_run_in_one_line_without_rejects(talk: Talk):
    """The shop's token was rotated elsewhere: the tap reads everything, the target's first
    request is refused, and not one record is rejected for it."""
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    talk.settings("shopify", access_token="shpat_rotated_elsewhere")
    try:
        result = talk.run("tap-poweroffice", "mapper-talk", "target-shopify", expect_ok=False)
    finally:
        talk.settings("shopify", access_token=SECRETS["shopify"][0])
    assert_ended_in_one_line(
        talk, result, "target-shopify",
        f"target-shopify: Shopify refused the credentials at {talk.api_url('shopify')} (401",
        "check access_token (TARGET_SHOPIFY_ACCESS_TOKEN)",
    )
    assert [entry["status"] for entry in talk.log("shopify")] == [401]  # one request, refused
    # The tap finished and sent its state; the target never passed it on, so nothing is saved.
    assert "sandbox:tap-poweroffice-to-target-shopify" not in saved_states(talk)


def test_an_api_that_is_not_running_ends_the_run_in_one_line_at_once(talk: Talk):
    closed = f"http://127.0.0.1:{free_port()}"
    # Query-string keys: the URL a failed request names must not carry them either.
    result = talk.run("tap-woocommerce", "mapper-talk", "target-poweroffice", expect_ok=False,
                      env={"TAP_WOOCOMMERCE_BASE_URL": closed, "TAP_WOOCOMMERCE_AUTH_METHOD": "query"})
    assert_ended_in_one_line(
        talk, result, "tap-woocommerce",
        f"tap-woocommerce: cannot reach WooCommerce at {closed} (connection refused): is it running",
        "TAP_WOOCOMMERCE_BASE_URL", "For the local sandboxes: talk sandbox start",
    )
    assert "Backing off" not in result.stderr  # nothing listens there: no retries to wait out
    assert not any(secret in result.stderr for secret in SECRETS["woocommerce"])
    assert "sandbox:tap-woocommerce-to-target-poweroffice" not in saved_states(talk)


def test_a_base_url_without_its_api_path_says_what_to_add(talk: Talk):
    root = talk.urls["customwebshop"]
    result = talk.run("tap-customwebshop", "mapper-talk", "target-shopify", expect_ok=False,
                      env={"TAP_CUSTOMWEBSHOP_BASE_URL": root})
    assert_ended_in_one_line(
        talk, result, "tap-customwebshop",
        f"tap-customwebshop: Custom Webshop has no API at {root} (GET /customers answered 404)",
        f"base_url must end in /api/v1: did you mean {root}/api/v1?", "TAP_CUSTOMWEBSHOP_BASE_URL",
    )
    assert "sandbox:tap-customwebshop-to-target-shopify" not in saved_states(talk)


def test_a_target_whose_api_is_stopped_or_whose_base_url_lacks_its_path_ends_in_one_line(talk: Talk):
    """The target side of the two cases above: the tap reads, the target's first request fails;
    no record is rejected for it and the bookmark stays where it was."""
    talk.load_fixture("customwebshop-flows/webshop.json")
    closed = f"http://127.0.0.1:{free_port()}/v2"
    result = talk.run("tap-customwebshop", "mapper-talk", "target-poweroffice", expect_ok=False,
                      env={"TARGET_POWEROFFICE_BASE_URL": closed, "TARGET_POWEROFFICE_TOKEN_URL": closed + "/token"})
    assert_ended_in_one_line(talk, result, "target-poweroffice", "target-poweroffice: cannot reach PowerOffice GO",
                             "(connection refused)", "talk sandbox start")

    root = talk.urls["customwebshop"]
    talk.load("poweroffice", "customers", [{"Id": 901, "IsPerson": True, "FirstName": "Una", "LastName": "Url",
                                             "EmailAddress": "una@example.no"}])
    result = talk.run("tap-poweroffice", "mapper-talk", "target-customwebshop", expect_ok=False,
                      env={"TARGET_CUSTOMWEBSHOP_BASE_URL": root, "TARGET_CUSTOMWEBSHOP_CREATE_FROM": '["poweroffice"]'})
    assert_ended_in_one_line(talk, result, "target-customwebshop",
                             f"target-customwebshop: Custom Webshop has no API at {root}",
                             f"did you mean {root}/api/v1?")
    assert talk.store.queue.entries() == []
    assert not {"sandbox:tap-customwebshop-to-target-poweroffice",
                "sandbox:tap-poweroffice-to-target-customwebshop"} & saved_states(talk)


# -- every setting from the environment ---------------------------------------------------------------

def plugin_class(executable: str):
    """The singer-sdk class behind a plugin's executable (its console script `module:Class.cli`)."""
    (script,) = entry_points(group="console_scripts", name=executable)
    module, _, attribute = script.value.partition(":")
    return getattr(__import__(module, fromlist=["_"]), attribute.removesuffix(".cli"))


def sample(setting: dict, schema: dict) -> str:
    """A value for `setting` as a person would write it in an environment variable."""
    if setting.get("kind") == "options":
        return setting["options"][-1]["value"]
    text = json.dumps(schema)
    if '"array"' in text:
        return '["shopify"]'
    if '"object"' in text:
        return '{"product": {"stock": "two-way"}}'
    if '"boolean"' in text:
        return "true"
    if '"integer"' in text:
        return "7"
    if '"number"' in text:
        return "2.5"
    if "date-time" in text:
        return "2024-01-02T03:04:05Z"
    return f"from-env-{setting['name']}"


def same(value, text: str) -> bool:
    return str(value).lower() == text.lower() or json.dumps(value) == text or (
        isinstance(value, (int, float)) and float(value) == float(text))


def test_every_setting_in_meltano_yml_can_be_set_from_the_environment(talk: Talk):
    project = meltano_files.read(ROOT)  # meltano.yml and each system's plugins file
    plugins = [p for kind in ("extractors", "mappers", "loaders") for p in project["plugins"][kind]]
    for plugin in plugins:
        name = plugin["name"]
        cls = plugin_class(plugin["executable"])
        schema = cls.config_jsonschema
        wanted = {setting["name"]: sample(setting, schema["properties"].get(setting["name"], {}))
                  for setting in plugin["settings"]}
        prefix = name.upper().replace("-", "_")
        env = {f"{prefix}_{setting}".upper(): text for setting, text in wanted.items()}
        # What Meltano writes into the plugin's config file when it runs it.
        result = talk.meltano("--log-level=warning", "invoke", "--dump=config", name, env=env)
        assert result.returncode == 0, f"{name}: {result.stderr[-3000:]}"
        config = json.loads(result.stdout)
        for setting, text in wanted.items():
            assert same(config.get(setting), text), f"{name}.{setting}: {text!r} became {config.get(setting)!r}"
        validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
        problems = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(config)]
        assert not problems, f"{name} refuses settings from the environment: {problems}"


# -- no secret in any output ------------------------------------------------------------------------

# Credential-looking text that is not masked: an Authorization value, a token in JSON, a key
# in a query string. Catches what no configured value would (tokens the sandboxes issue).
UNMASKED = re.compile(
    r"""(?ix) \b(?:bearer|basic)\s+(?!\*\*\*)[a-z0-9._~+/=-]{8,}
    | (?:consumer_key|consumer_secret|oauth_signature|access_token|api_key)["']?\s*[:=]\s*["']?(?!\*\*\*)[a-z0-9%._~+/=-]{6,}"""
)


def everything_written(talk: Talk) -> str:
    """What the runs printed, the reject log and every file in the project's directory (Meltano's
    run directory, logs and system database, the identity store)."""
    text = talk.outputs()
    for path in Path(talk.workdir).rglob("*"):
        if path.is_file():
            text += path.read_bytes().decode("utf-8", "replace")
    return text


def assert_no_secret(talk: Talk, *more: str) -> None:
    text = everything_written(talk)
    for secret in [value for values in SECRETS.values() for value in values] + list(more):
        assert secret not in text, f"{secret!r} appears in the output"
    leaks = UNMASKED.findall(text)
    assert not leaks, leaks[:5]


@pytest.fixture(scope="module")
def https_shop(tmp_path_factory):
    directory = tmp_path_factory.mktemp("woocommerce-https")
    with running(["woocommerce"], directory, tls=True) as urls:
        yield urls["woocommerce"], certificate(directory)


def test_no_secret_at_debug_in_a_run_of_every_plugin_and_auth_mode(talk: Talk, https_shop):
    """WooCommerce over HTTPS: the tap with the keys in the query string (retried after 500s,
    which logs the request again), the target with Basic auth; PowerOffice's OAuth token,
    Shopify's token header and the webshop's API key header both ways."""
    url, ca_file = https_shop
    trusted = ssl.create_default_context(cafile=str(ca_file))
    for step in ("reset", "seed"):
        httpx.post(f"{url}/_sandbox/{step}", timeout=30, verify=trusted).raise_for_status()
    httpx.post(f"{url}/_sandbox/faults", json={"path_prefix": "/wp-json/wc/v3/products", "status": 500, "times": 2},
               timeout=30, verify=trusted).raise_for_status()
    for system in ("poweroffice", "customwebshop", "shopify"):
        httpx.post(f"{talk.urls[system]}/_sandbox/seed", timeout=30).raise_for_status()
    env = {"TAP_WOOCOMMERCE_AUTH_METHOD": "query", "TARGET_WOOCOMMERCE_AUTH_METHOD": "basic"}
    for plugin in ("TAP_WOOCOMMERCE", "TARGET_WOOCOMMERCE"):
        env.update({f"{plugin}_BASE_URL": url, f"{plugin}_CA_BUNDLE": str(ca_file)})

    result = talk.meltano(
        "--log-level=debug", "run",
        "tap-woocommerce", "mapper-talk", "target-poweroffice",
        "tap-poweroffice", "mapper-talk", "target-woocommerce",
        "tap-customwebshop", "mapper-talk", "target-shopify",
        "tap-shopify", "mapper-talk", "target-customwebshop",
        env=env,
    )

    assert result.returncode == 0, result.stderr[-6000:]
    assert "consumer_key=***" in result.stderr  # the query-string keys were there, masked
    assert "Backing off" in result.stderr  # and logged again with the retries
    assert_no_secret(talk)


def test_no_secret_at_debug_in_a_failing_run(talk: Talk):
    """target-woocommerce signs with OAuth 1.0a on plain HTTP; then tap-woocommerce puts the keys
    in the query string over plain HTTP, which the shop refuses after a 500 the tap retried: the
    run ends with the tap's one line, and the keys in every logged request URL stay masked."""
    talk.load_fixture("woocommerce-poweroffice/first-contact.json")
    signed = talk.meltano("--log-level=debug", "run", "tap-poweroffice", "mapper-talk", "target-woocommerce",
                          env={"TARGET_WOOCOMMERCE_AUTH_METHOD": "oauth1"})
    assert signed.returncode == 0, signed.stderr[-6000:]
    talk.fault("woocommerce", path_prefix="/wp-json/wc/v3/customers", status=500, times=1)

    result = talk.meltano("--log-level=debug", "run", "tap-woocommerce", "mapper-talk", "target-poweroffice",
                          env={"TAP_WOOCOMMERCE_AUTH_METHOD": "query"})

    assert result.returncode != 0
    (line,) = plugin_lines(result, "tap-woocommerce")
    assert "WooCommerce refused the credentials" in line, line
    assert "Backing off" in result.stderr  # the 500 was retried and logged
    assert "consumer_secret=***" in result.stderr  # the refused request was logged, masked
    assert_no_secret(talk)
