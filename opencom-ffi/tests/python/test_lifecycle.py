"""Root certificates, pause/resume and the app's deep-link prefixes, through the real cdylib.

Pause/resume is observed on server-mock: the `events:trackAutoEvent` calls it records (with
`eventType` `session_end` / `session_start`) and the `visitors:heartbeat` calls."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from conftest import DEADLINE_S, builder, oc

# A self-signed test root (EC P-256, CA:TRUE, no key kept): a private CA as a self-hosted
# backend would have.
TEST_ROOT_PEM = """-----BEGIN CERTIFICATE-----
MIIBpzCCAU2gAwIBAgIUVUn+sAjmdntDUEmLlemQupLUyy8wCgYIKoZIzj0EAwIw
IDEeMBwGA1UEAwwVT3BlbmNvbSBGRkkgdGVzdCByb290MCAXDTI2MTIwMTIzMDE1
NFoYDzIxMjYxMTA3MjMwMTU0WjAgMR4wHAYDVQQDDBVPcGVuY29tIEZGSSB0ZXN0
IHJvb3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQuM3WJgKVzBMAJAdByZX50
ubmSjB2UJbCdpEBlZHe98ate+33mWp3/8GZwnLfMSsCWtxATd68PV67cJwolwz7n
o2MwYTAdBgNVHQ4EFgQUvaqkBFBT37mjEVY+DuVI6u8hcvIwHwYDVR0jBBgwFoAU
vaqkBFBT37mjEVY+DuVI6u8hcvIwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8E
BAMCAQYwCgYIKoZIzj0EAwIDSAAwRQIgFdxlMTUOs/JjSsYrvmDnakHAdmg0dbhx
KG+ynbEe+l8CIQDAsAkmqMQgZ6Ovxqnt6Y36hIMtVWqeuUSLtqZa6qcZNA==
-----END CERTIFICATE-----
"""

HEARTBEAT = "visitors:heartbeat"
AUTO_EVENT = "events:trackAutoEvent"


async def wait_for(predicate, what: str, timeout: float = DEADLINE_S):
    """Polls `predicate` until it is truthy, within the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def auto_events(mock) -> list[str]:
    return [c["args"].get("eventType") for c in mock.calls() if c["path"] == AUTO_EVENT]


# --- root certificates ---------------------------------------------------------------------------


async def test_a_bad_root_pem_fails_build_with_config_naming_the_certificate():
    b = oc.ClientBuilder("https://x.convex.cloud", "ws").add_root_certificate_pem(TEST_ROOT_PEM)
    assert (await b.build()).workspace_id() == "ws"

    for bad in ["", "not a pem", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"]:
        with pytest.raises(oc.OpencomError.Config) as err:
            await (
                oc.ClientBuilder("https://x.convex.cloud", "ws")
                .add_root_certificate_pem(TEST_ROOT_PEM)
                .add_root_certificate_pem(bad)
                .build()
            )
        # The second call (index 1) is the bad one.
        assert "certificate #1" in err.value.detail, err.value.detail


async def test_a_client_with_an_extra_root_still_talks_to_its_backend(mock):
    client = await builder(mock).add_root_certificate_pem(TEST_ROOT_PEM).build()
    info = await client.start()
    assert info.visitor_id
    assert mock.called("widgetSessions:boot") == 1


# --- pause / resume ------------------------------------------------------------------------------


async def test_pause_ends_the_session_and_stops_the_heartbeat_resume_starts_both(mock):
    client = await builder(mock).heartbeat_interval(timedelta(milliseconds=100)).build()
    await client.start()
    assert not client.is_paused()
    await wait_for(lambda: mock.called(HEARTBEAT) >= 2, "heartbeats before the pause")

    await client.pause()
    assert client.is_paused()
    assert auto_events(mock).count("session_end") == 1
    assert "session_start" not in auto_events(mock)

    # Pausing again changes nothing: no second session_end.
    await client.pause()
    assert auto_events(mock).count("session_end") == 1

    # An observation window of ten heartbeat intervals (not a synchronisation): while paused
    # no heartbeat may arrive. Calls already in flight at the pause are cleared first.
    mock.clear_calls()
    await asyncio.sleep(1.0)
    assert mock.called(HEARTBEAT) == 0

    await client.resume()
    assert not client.is_paused()
    assert auto_events(mock) == ["session_start"]
    await wait_for(lambda: mock.called(HEARTBEAT) >= 2, "heartbeats after the resume")

    # The client works as before.
    conversation = await client.conversations().get_or_create()
    assert conversation.id


async def test_resume_without_pause_sends_no_session_start(mock):
    client = await builder(mock).build()
    await client.start()
    mock.clear_calls()
    await client.resume()
    assert not client.is_paused()
    assert "session_start" not in auto_events(mock)


async def test_session_events_are_stored_for_the_visitor(mock):
    client = await builder(mock).build()
    info = await client.start()
    await client.pause()
    await client.resume()
    stored = mock.control("GET", f"/_mock/visitors/{info.visitor_id}/events")
    kinds = [e.get("eventType") for e in stored]
    assert kinds.count("session_end") == 1 and kinds.count("session_start") == 1
    assert kinds.index("session_end") < kinds.index("session_start")


# --- deep-link prefixes --------------------------------------------------------------------------


def test_deep_links_under_the_apps_own_prefixes():
    prefixes = ["myapp://", "https://example.com/help"]
    parse = oc.parse_deep_link_with_prefixes
    assert parse("myapp://conversation/c1", prefixes) == oc.Route.CONVERSATION(conversation_id="c1")
    assert parse("https://example.com/help/article/a1", prefixes) == oc.Route.ARTICLE(article_id="a1")
    assert parse("https://example.com/article/a1", prefixes) is None
    assert parse("opencom://tickets", prefixes) == oc.Route.TICKETS()
    assert parse("otherapp://tickets", prefixes) is None
    # Without the prefix, the app's scheme is not the messenger's.
    assert oc.parse_deep_link("myapp://conversation/c1") is None
    assert parse("myapp://conversation/c1", []) is None

    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        parse("http://example.com/help/tickets", ["http://example.com/help"])
    assert err.value.field == "prefixes"
    assert "https" in err.value.reason
