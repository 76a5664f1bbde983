"""The visitor journey from Python through the real cdylib: build, boot, identify with typed
attributes, errors as exceptions of the right variant, a Python Storage that survives a restart,
events, logout, logs."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from conftest import Collector, DictStorage, LogCollector, builder, oc, thread_name

A = oc.AttributeValue


# --- build -----------------------------------------------------------------------------------


async def test_build_checks_the_configuration():
    with pytest.raises(oc.OpencomError.Config) as insecure:
        await oc.ClientBuilder("http://example.com", "ws").build()
    assert "https" in insecure.value.detail
    with pytest.raises(oc.OpencomError.Config):
        await oc.ClientBuilder("https://x.convex.cloud", "   ").build()
    with pytest.raises(oc.OpencomError.Config):
        await oc.ClientBuilder("https://x.convex.cloud", "ws").origin("not a url").build()
    with pytest.raises(oc.OpencomError.Config):
        await (
            oc.ClientBuilder("https://x.convex.cloud", "ws")
            .request_timeout(timedelta(seconds=0))
            .build()
        )

    client = await oc.ClientBuilder("https://happy-otter-123.convex.cloud", "ws-1").build()
    assert client.workspace_id() == "ws-1"
    assert client.deployment_url() == "https://happy-otter-123.convex.cloud/"
    assert client.site_url() == "https://happy-otter-123.convex.site/"
    # Nothing happened on the network, and there is no session yet.
    assert client.session().visitor_id() is None
    assert oc.sdk_version()


async def test_a_builder_can_be_reused_for_several_clients(mock):
    b = builder(mock)
    first, second = await b.build(), await b.build()
    a = await first.start()
    c = await second.start()
    # Both use the builder's storage (here the default in-memory one): the second client
    # restores the first one's session.
    assert c.restored and c.visitor_id == a.visitor_id


# --- boot and identify -----------------------------------------------------------------------


async def test_boot_then_identify_with_typed_attributes(mock):
    client = await builder(mock).build()
    info = await client.start()
    assert info.visitor_id and info.session_id.startswith("ses_")
    assert not info.restored
    assert client.session().visitor_id() == info.visitor_id
    assert mock.called("widgetSessions:boot") == 1

    visitor = await client.visitor().identify(
        oc.User(
            email="jane@example.com",
            name="Jane",
            user_id="user-42",
            company="Acme",
            custom_attributes={
                "plan": A.TEXT("pro"),
                "seats": A.NUMBER(5),
                "beta": A.BOOL(True),
                "nothing": A.NULL(),
                "tags": A.ARRAY([A.TEXT("a"), A.NUMBER(1)]),
                "location": A.OBJECT({"city": A.TEXT("Paris"), "geo": A.OBJECT({"lat": A.NUMBER(48.8)})}),
            },
        )
    )
    assert visitor.id == info.visitor_id
    assert (visitor.email, visitor.name, visitor.user_id) == ("jane@example.com", "Jane", "user-42")
    attrs = visitor.custom_attributes
    assert attrs["plan"] == A.TEXT("pro")
    assert attrs["seats"] == A.NUMBER(5.0)
    assert attrs["beta"] == A.BOOL(True)
    assert attrs["tags"] == A.ARRAY([A.TEXT("a"), A.NUMBER(1.0)])
    assert attrs["location"].entries["geo"].entries["lat"] == A.NUMBER(48.8)
    assert attrs["company"] == A.TEXT("Acme")

    # The server stored typed JSON, not strings.
    stored = mock.control("GET", f"/_mock/visitors/{visitor.id}")
    assert stored["customAttributes"]["seats"] == 5
    assert stored["customAttributes"]["beta"] is True
    assert stored["customAttributes"]["tags"] == ["a", 1]

    me = await client.visitor().current_user()
    assert me is not None and me.email == "jane@example.com" and me.company == "Acme"
    assert me.custom_attributes["plan"] == A.TEXT("pro")


@pytest.mark.parametrize(
    ("user", "field"),
    [
        (oc.User(custom_attributes={"$plan": A.TEXT("pro")}), "customAttributes.$plan"),
        (oc.User(custom_attributes={"_id": A.NUMBER(1)}), "customAttributes._id"),
        (oc.User(custom_attributes={"n": A.NUMBER(float("nan"))}), "n"),
        (oc.User(custom_attributes={"l": A.ARRAY([A.OBJECT({})])}), "l[0]"),
        (
            oc.User(custom_attributes={"a": A.OBJECT({"b": A.OBJECT({"c": A.OBJECT({})})})}),
            "a.b.c",
        ),
        (oc.User(email="not-an-email"), "email"),
        (oc.User(user_hash="ab" * 32), "user_hash"),
        (oc.User(user_id="u", user_hash="xyz"), "user_hash"),
    ],
)
async def test_invalid_identify_input_fails_before_any_call(mock, user, field):
    client = await builder(mock).build()
    await client.start()
    mock.clear_calls()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await client.visitor().identify(user)
    assert err.value.field == field
    assert err.value.reason
    assert mock.calls() == []


# --- errors from the server, one variant each -------------------------------------------------


async def test_server_failures_surface_as_their_variants(mock):
    client = await builder(mock).build()
    await client.start()
    events = client.events()

    mock.fault(kind="rateLimited", retryAfterMs=1500, onlyPath="events:track", times=1)
    with pytest.raises(oc.OpencomError.RateLimited) as limited:
        await events.track("e", {})
    # Retry-After travels in whole seconds.
    assert timedelta(seconds=1.5) <= limited.value.retry_after <= timedelta(seconds=2)
    assert oc.error_is_transient(limited.value)

    mock.fault(kind="status", status=500, onlyPath="events:track", times=1)
    with pytest.raises(oc.OpencomError.Server):
        await events.track("e", {})

    mock.fault(kind="dropBeforeRun", onlyPath="events:track", times=1)
    with pytest.raises(oc.OpencomError.Network):
        await events.track("e", {})

    # Nothing is left over: the next call goes through.
    assert await events.track("e", {})


async def test_a_slow_server_is_a_timeout(mock):
    client = await builder(mock, request_timeout=0.3).build()
    await client.start()
    mock.fault(kind="latency", ms=3000, onlyPath="events:track", times=1)
    with pytest.raises(oc.OpencomError.Timeout) as err:
        await client.events().track("slow", {})
    assert oc.error_is_transient(err.value)


async def test_retries_are_configurable_across_the_boundary(mock):
    client = await builder(mock, max_attempts=3).build()
    await client.start()
    mock.fault(kind="status", status=503, onlyPath="visitors:heartbeat", times=2)
    await client.visitor().heartbeat()  # two 503s, then success
    assert mock.called("visitors:heartbeat") == 3


async def test_cancelling_a_call_from_python_cancels_the_sdk_work(mock):
    client = await builder(mock).build()
    await client.start()
    mock.fault(kind="latency", ms=5000, onlyPath="events:track", times=1)
    task = asyncio.ensure_future(client.events().track("cancelled", {}))
    done, _ = await asyncio.wait([task], timeout=0.3)
    assert not done
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The client still works.
    assert await client.events().track("after", {})


# --- storage implemented in Python ------------------------------------------------------------


async def test_python_storage_keeps_the_session_across_a_restart(mock):
    storage = DictStorage()
    first = await builder(mock, storage).build()
    booted = await first.start()
    await first.visitor().identify(oc.User(email="jane@example.com", user_id="user-42"))
    assert any(op == "set" for op, _ in storage.ops)
    stored = json.loads(storage.values[storage.session_key()])
    assert stored["visitor_id"] == booted.visitor_id
    del first

    mock.clear_calls()
    second = await builder(mock, storage).build()
    restored = await second.start()
    assert restored.restored
    assert restored.visitor_id == booted.visitor_id
    assert restored.session_id == booted.session_id
    # Restored without any network call.
    assert mock.calls() == []
    me = await second.visitor().current_user()
    assert me is not None and me.user_id == "user-42"
    # And the restored token works.
    assert await second.events().track("came_back", {})


async def test_storage_errors_from_python(mock):
    storage = DictStorage()
    storage.fail_get = oc.StorageError.Io("keychain locked")
    client = await builder(mock, storage).build()
    with pytest.raises(oc.OpencomError.Storage) as err:
        await client.start()
    assert "keychain locked" in err.value.detail

    # Any other exception arrives as an unexpected storage failure, not a crash.
    storage.fail_get = KeyError("boom")
    client = await builder(mock, storage).build()
    with pytest.raises(oc.OpencomError.Storage) as err:
        await client.start()
    assert "boom" in err.value.detail

    # A corrupt value is replaced by a fresh session.
    storage.fail_get = oc.StorageError.Corrupt("opencom/session")
    client = await builder(mock, storage).build()
    info = await client.start()
    assert info.discarded_corrupt_state and not info.restored


async def test_a_failing_write_keeps_the_session_in_memory(mock):
    storage = DictStorage()
    storage.fail_set = oc.StorageError.Io("disk full")
    client = await builder(mock, storage).build()
    info = await client.start()
    assert info.visitor_id
    assert storage.values == {}
    assert await client.events().track("still_works", {})


# --- events -----------------------------------------------------------------------------------


async def test_events_with_typed_properties(mock):
    client = await builder(mock).build()
    info = await client.start()
    event_id = await client.events().track(
        "purchase_completed",
        {"amount": A.NUMBER(42.5), "currency": A.TEXT("EUR"), "skus": A.ARRAY([A.TEXT("a"), A.NUMBER(2)])},
    )
    assert event_id
    outcome = await client.events().track_screen("Checkout")
    assert isinstance(outcome, oc.TrackOutcome.RECORDED) and outcome.event_id

    stored = mock.control("GET", f"/_mock/visitors/{info.visitor_id}/events")
    by_name = {e["name"]: e for e in stored}
    assert by_name["purchase_completed"]["properties"] == {
        "amount": 42.5,
        "currency": "EUR",
        "skus": ["a", 2],
    }

    mock.clear_calls()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await client.events().track("bad", {"obj": A.OBJECT({"a": A.NUMBER(1)})})
    assert err.value.field == "obj"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await client.events().track("  ", {})
    assert err.value.field == "name"
    assert mock.calls() == []


# --- logout -----------------------------------------------------------------------------------


async def test_logout_forgets_the_visitor(mock):
    storage = DictStorage()
    client = await builder(mock, storage).build()
    before = await client.start()
    await client.visitor().identify(oc.User(email="jane@example.com"))
    old_token = storage.token()

    after = await client.logout()
    assert after.visitor_id != before.visitor_id
    assert after.session_id != before.session_id
    assert await client.visitor().current_user() is None
    assert client.session().visitor_id() == after.visitor_id
    assert storage.token() != old_token
    assert old_token not in json.dumps(storage.values)
    assert mock.called("widgetSessions:revoke") == 1


# --- session ----------------------------------------------------------------------------------


async def test_session_refresh(mock):
    client = await builder(mock).build()
    first = await client.start()
    refreshed = await client.session().refresh()
    assert refreshed.visitor_id == first.visitor_id
    assert refreshed.expires_at_ms >= first.expires_at_ms
    assert mock.called("widgetSessions:refresh") == 1


async def test_discovery_and_metadata(mock):
    client = await builder(mock).build()
    found = await client.discover()
    assert found.version and found.name
    assert json.loads(await client.metadata())


# --- logs -------------------------------------------------------------------------------------


async def test_log_sink_is_level_filtered_and_never_sees_secrets(mock):
    sink = LogCollector()
    oc.set_log_sink(sink, oc.LogLevel.DEBUG)
    try:
        storage = DictStorage()
        tokens = []
        first = await builder(mock, storage).build()
        await first.start()
        tokens.append(storage.token())
        # An unreadable stored session is logged at warn by the SDK, and replaced.
        storage.fail_get = oc.StorageError.Corrupt("session")
        second = await builder(mock, storage).build()
        await second.start()
        storage.fail_get = None
        tokens.append(storage.token())
        warned = await sink.until(lambda r: r.level == oc.LogLevel.WARN and "corrupt" in r.message)
        assert warned[0].target.startswith("opencom_sdk")
        await second.visitor().identify(oc.User(email="jane@example.com"))
        await second.session().refresh()
        tokens.append(storage.token())
        await second.logout()
        tokens.append(storage.token())
        # Debug records of the SDK arrive too (batched, from the log thread).
        await sink.until(lambda r: r.level == oc.LogLevel.DEBUG)
        for record in sink.records:
            assert record.level != oc.LogLevel.TRACE
            if record.level in (oc.LogLevel.DEBUG, oc.LogLevel.INFO):
                assert record.target.startswith("opencom"), record
            for token in tokens:
                assert token not in record.message, record
    finally:
        oc.clear_log_sink()


async def test_listener_calls_come_from_sdk_threads(mock):
    client = await builder(mock).build()
    listener = Collector()
    subscription = client.watch_connection_state(listener)
    kind, state = await listener.next()
    # WebSocket mode, not started: the socket is being opened.
    assert (kind, state) == ("state", oc.ConnectionState.CONNECTING)
    assert listener.threads == {"opencom-sdk"}
    assert thread_name() != "opencom-sdk"
    assert subscription.is_active()
    subscription.cancel()
    assert not subscription.is_active()
    subscription.cancel()  # idempotent


def test_push_payloads_and_deep_links():
    route = oc.parse_push(json.dumps({"data": {"type": "new_message", "conversationId": "c1"}}))
    assert route == oc.Route.NEW_MESSAGE(conversation_id="c1")
    route = oc.parse_push(json.dumps({"type": "ticket_comment", "ticketId": "t1"}))
    assert route == oc.Route.TICKET_UPDATE(ticket_id="t1", kind=oc.TicketUpdateKind.COMMENT)
    assert oc.parse_push(json.dumps({"data": {"type": "promo"}})) is None
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        oc.parse_push("{not json")
    assert err.value.field == "payload_json"
    assert oc.parse_deep_link("opencom://article/a9") == oc.Route.ARTICLE(article_id="a9")
    assert oc.parse_deep_link("https://opencom.app/help-center") == oc.Route.HELP_CENTER()
    assert oc.parse_deep_link("https://evil.example/conversation/c1") is None

