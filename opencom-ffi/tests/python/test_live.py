"""Conversations from Python: create, send through the outbox, and live listeners that receive
the mock agent's reply (POST /_mock/conversations/{id}/agent-reply).

The client runs on the WebSocket, as apps do, with an hour between polls: every live test names
the transport that delivered (`via`), so a broken socket cannot hide behind polling. One test
runs in polling mode, one fails over from a dropped and refused socket to polling and back."""

from __future__ import annotations

import asyncio

import pytest

from conftest import POLL_S, Collector, DictStorage, builder, oc

CONVERSATION_FUNCTIONS = {
    "conversations:getOrCreateForVisitor",
    "conversations:createForVisitor",
    "conversations:listByVisitor",
    "conversations:getTotalUnreadForVisitor",
    "conversations:markAsRead",
    "messages:list",
    "messages:send",
}


@pytest.fixture
def conversations_mock(mock):
    mock.require(*CONVERSATION_FUNCTIONS)
    return mock


def agent_reply(mock, conversation_id: str, text: str) -> str:
    answer = mock.control("POST", f"/_mock/conversations/{conversation_id}/agent-reply", {"text": text})
    return answer["messageId"]


def has(pred):
    return lambda messages: any(pred(m) for m in messages)


def messages_matching(pred):
    """A Collector predicate: a `messages` snapshot in which some message matches `pred`."""
    return lambda item: item[0] == "messages" and any(pred(m) for m in item[1])


def polled_lists(mock, path: str = "messages:list") -> list[dict]:
    """The calls of `path` that came over plain HTTP (polls), not over the socket."""
    return [c for c in mock.calls() if c["path"] == path and c["transport"] == "http"]


async def state_reaches(states: Collector, wanted) -> None:
    await states.until(lambda item: item == ("state", wanted))


async def test_send_and_receive_the_agent_reply_live(conversations_mock):
    mock = conversations_mock
    client = await builder(mock).build()
    await client.start()
    conversations = client.conversations()
    conversation = await conversations.get_or_create()
    assert conversation.status == oc.ConversationStatus.OPEN()

    listener = Collector()
    subscription = conversations.watch_messages(conversation.id, listener)
    try:
        # The current snapshot comes first, from the server over the socket (nothing cached).
        kind, first, from_cache, via = await listener.next()
        assert kind == "messages" and not from_cache
        assert via == oc.Delivery.SOCKET
        assert all(m.conversation_id == conversation.id for m in first)

        handle = await conversations.send(conversation.id, oc.OutgoingMessage(text="Hello from Python"))
        local_id = handle.local_id()
        # The local echo shows up before the server has it: a local change, not a transport.
        _, echoed, _, via = await listener.until(messages_matching(lambda m: m.local_id == local_id))
        assert via == oc.Delivery.LOCAL
        echo = next(m for m in echoed if m.local_id == local_id)
        assert echo.content == "Hello from Python"
        assert echo.sender_type == oc.SenderType.VISITOR()

        message_id = await handle.sent()
        # The server's copy replaces the echo. (Over the socket, the server's copy can arrive a
        # snapshot before the send's answer, so one snapshot may briefly hold both: a core bug
        # reported to the lead, not asserted here. This waits for the echo to be gone.)
        _, sent, _, _ = await listener.until(
            lambda item: item[0] == "messages"
            and any(m.id == message_id and m.delivery == oc.DeliveryState.SENT() for m in item[1])
            and not any(m.local_id == local_id and m.id != message_id for m in item[1])
        )
        assert sum(1 for m in sent if m.content == "Hello from Python") == 1

        reply_id = agent_reply(mock, conversation.id, "Hi, this is Alex from support")
        _, with_reply, from_cache, via = await listener.until(messages_matching(lambda m: m.id == reply_id))
        # An hour between polls: only the socket can have delivered it.
        assert via == oc.Delivery.SOCKET and not from_cache
        reply = next(m for m in with_reply if m.id == reply_id)
        assert reply.sender_type == oc.SenderType.AGENT()
        assert reply.content == "Hi, this is Alex from support"
        # Oldest first: the visitor's message comes before the reply.
        ids = [m.id for m in with_reply]
        assert ids.index(message_id) < ids.index(reply_id)
        assert sum(1 for m in with_reply if m.content == "Hello from Python") == 1
        assert polled_lists(mock) == []
    finally:
        subscription.cancel()

    # The plain calls agree with what the listener saw.
    messages = await conversations.messages(conversation.id)
    assert [m.id for m in messages][-2:] == [message_id, reply_id]
    listed = await conversations.list()
    assert conversation.id in [c.id for c in listed]
    assert (await conversations.get(conversation.id)).id == conversation.id


async def test_unread_count_follows_agent_replies_and_mark_read(conversations_mock):
    mock = conversations_mock
    client = await builder(mock).build()
    await client.start()
    conversations = client.conversations()
    conversation = await conversations.get_or_create()
    await conversations.mark_read(conversation.id)
    assert await conversations.total_unread() == 0

    badge = Collector()
    subscription = conversations.watch_unread_count(badge)
    try:
        assert await badge.until(lambda item: item[0] == "unread" and item[1] == 0)
        agent_reply(mock, conversation.id, "One")
        agent_reply(mock, conversation.id, "Two")
        _, _, _, via = await badge.until(lambda item: item[0] == "unread" and item[1] == 2)
        assert via == oc.Delivery.SOCKET
        assert await conversations.total_unread() == 2
        await conversations.mark_read(conversation.id)
        await badge.until(lambda item: item[0] == "unread" and item[1] == 0)
    finally:
        subscription.cancel()


async def test_conversations_listener_sees_a_new_conversation(conversations_mock):
    client = await builder(conversations_mock).build()
    await client.start()
    conversations = client.conversations()
    listener = Collector()
    subscription = conversations.watch_conversations(listener)
    try:
        kind, initial, _, via = await listener.next()
        assert (kind, via) == ("conversations", oc.Delivery.SOCKET)
        created = await conversations.create()
        assert created.id not in [c.id for c in initial]
        _, _, _, via = await listener.until(
            lambda item: item[0] == "conversations" and created.id in [c.id for c in item[1]]
        )
        assert via == oc.Delivery.SOCKET
        assert polled_lists(conversations_mock, "conversations:listByVisitor") == []
    finally:
        subscription.cancel()


async def test_a_cancelled_subscription_gets_nothing_more(conversations_mock):
    mock = conversations_mock
    client = await builder(mock).build()
    await client.start()
    conversations = client.conversations()
    conversation = await conversations.get_or_create()

    cancelled, witness = Collector(), Collector()
    first = conversations.watch_messages(conversation.id, cancelled)
    second = conversations.watch_messages(conversation.id, witness)
    try:
        await cancelled.next()
        await witness.next()
        first.cancel()
        assert not first.is_active()
        reply_id = agent_reply(mock, conversation.id, "Only the witness sees this")
        # Once the live subscription delivered the reply, the cancelled one would have too.
        await witness.until(messages_matching(lambda m: m.id == reply_id))
        assert cancelled.queue.empty()
    finally:
        second.cancel()


async def test_dropping_the_subscription_stops_it(conversations_mock):
    mock = conversations_mock
    client = await builder(mock).build()
    await client.start()
    conversations = client.conversations()
    conversation = await conversations.get_or_create()
    dropped, witness = Collector(), Collector()
    subscription = conversations.watch_messages(conversation.id, dropped)
    keep = conversations.watch_messages(conversation.id, witness)
    try:
        await dropped.next()
        await witness.next()
        del subscription  # the last reference: uniffi frees the object, Drop cancels it
        reply_id = agent_reply(mock, conversation.id, "after the drop")
        await witness.until(messages_matching(lambda m: m.id == reply_id))
        assert dropped.queue.empty()
    finally:
        keep.cancel()


async def test_the_outbox_survives_a_restart_with_python_storage(conversations_mock):
    mock = conversations_mock
    storage = DictStorage()
    client = await builder(mock, storage).build()
    await client.start()
    conversation = await client.conversations().get_or_create()
    # The server refuses sends for now: the message stays queued in the outbox.
    mock.fault(kind="status", status=503, onlyPath="messages:send", times=1000)
    handle = await client.conversations().send(conversation.id, oc.OutgoingMessage(text="survive me"))
    assert any("outbox" in key for key in storage.values), storage.values.keys()
    del handle, client

    mock.control("DELETE", "/_mock/faults")
    restarted = await builder(mock, storage).build()
    await restarted.start()  # resumes unsent messages
    listener = Collector()
    subscription = restarted.conversations().watch_messages(conversation.id, listener)
    try:
        await listener.until(
            messages_matching(
                lambda m: m.content == "survive me" and m.delivery == oc.DeliveryState.SENT()
            )
        )
    finally:
        subscription.cancel()
    sent = [m for m in await restarted.conversations().messages(conversation.id) if m.content == "survive me"]
    assert len(sent) == 1


async def test_conversation_input_is_checked_before_any_call(conversations_mock):
    mock = conversations_mock
    client = await builder(mock).build()
    await client.start()
    conversations = client.conversations()
    mock.clear_calls()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        conversations.watch_messages("not an id", Collector())
    assert err.value.field == "conversation_id"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await conversations.send("", oc.OutgoingMessage(text="hi"))
    assert err.value.field == "conversation_id"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await conversations.rate("c1", 7, None)
    assert err.value.field == "rating"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await conversations.upload(oc.AttachmentSource.BYTES(b"MZ"), "virus.exe", None)
    assert err.value.field == "file_name"
    assert mock.calls() == []


async def test_upload_then_send_an_attachment(conversations_mock):
    mock = conversations_mock
    mock.require("supportAttachments:generateUploadUrl", "supportAttachments:finalizeUpload")
    client = await builder(mock).build()
    await client.start()
    conversations = client.conversations()
    conversation = await conversations.get_or_create()
    uploaded = await conversations.upload(oc.AttachmentSource.BYTES(b"hello,world\n"), "data.csv", None)
    assert uploaded.file_name == "data.csv" and uploaded.size == 12
    handle = await conversations.send(
        conversation.id, oc.OutgoingMessage(text="see attached", attachment_ids=[uploaded.id])
    )
    message_id = await handle.sent()
    message = next(m for m in await conversations.messages(conversation.id) if m.id == message_id)
    assert [a.file_name for a in message.attachments] == ["data.csv"]


async def test_connection_state_over_websocket(conversations_mock):
    mock = conversations_mock
    assert mock.ws()["enabled"]
    client = await builder(mock).build()
    await client.start()
    states = Collector()
    subscription = client.watch_connection_state(states)
    messages = Collector()
    conversation = await client.conversations().get_or_create()
    live = client.conversations().watch_messages(conversation.id, messages)
    try:
        assert (await states.next())[0] == "state"
        await state_reaches(states, oc.ConnectionState.CONNECTED)
        assert mock.ws()["connections"] >= 1
        reply_id = agent_reply(mock, conversation.id, "over the socket")
        _, _, _, via = await messages.until(messages_matching(lambda m: m.id == reply_id))
        assert via == oc.Delivery.SOCKET
        mock.drop_ws_connections()
        await state_reaches(states, oc.ConnectionState.DISCONNECTED)
        await state_reaches(states, oc.ConnectionState.CONNECTED)
    finally:
        live.cancel()
        subscription.cancel()


async def test_polling_mode_delivers_every_value_by_polling(conversations_mock):
    mock = conversations_mock
    client = await builder(mock, realtime=oc.RealtimeMode.POLLING).build()
    await client.start()
    states = Collector()
    state_subscription = client.watch_connection_state(states)
    conversation = await client.conversations().get_or_create()
    listener = Collector()
    subscription = client.conversations().watch_messages(conversation.id, listener)
    try:
        assert await states.next() == ("state", oc.ConnectionState.POLLING)
        kind, _, from_cache, via = await listener.next()
        assert (kind, from_cache, via) == ("messages", False, oc.Delivery.POLLING)
        reply_id = agent_reply(mock, conversation.id, "polled")
        _, _, _, via = await listener.until(messages_matching(lambda m: m.id == reply_id))
        assert via == oc.Delivery.POLLING
        assert polled_lists(mock), "messages:list was polled over HTTP"
        assert mock.ws()["connections"] == 0, "polling mode opens no socket"
    finally:
        subscription.cancel()
        state_subscription.cancel()


async def test_a_dropped_and_refused_socket_fails_over_to_polling_and_back(conversations_mock):
    mock = conversations_mock
    # Quick polls, so the fallback can deliver within the deadline.
    client = await builder(mock, poll_interval=POLL_S).build()
    await client.start()
    states = Collector()
    state_subscription = client.watch_connection_state(states)
    conversation = await client.conversations().get_or_create()
    listener = Collector()
    subscription = client.conversations().watch_messages(conversation.id, listener)
    try:
        _, _, _, via = await listener.next()
        assert via == oc.Delivery.SOCKET
        await state_reaches(states, oc.ConnectionState.CONNECTED)

        # The socket goes away and stays away: upgrades are refused (503).
        assert mock.set_ws_enabled(False)["enabled"] is False
        mock.drop_ws_connections()
        await state_reaches(states, oc.ConnectionState.DISCONNECTED)
        during_id = agent_reply(mock, conversation.id, "during the outage")
        _, during, _, via = await listener.until(messages_matching(lambda m: m.id == during_id))
        assert via == oc.Delivery.POLLING, "delivered while the socket is refused"
        assert mock.ws()["connections"] == 0
        assert polled_lists(mock)

        # Back on the socket: the next reply comes over it, nothing missed or repeated.
        mock.set_ws_enabled(True)
        await state_reaches(states, oc.ConnectionState.CONNECTED)
        after_id = agent_reply(mock, conversation.id, "after the outage")
        _, after, _, via = await listener.until(messages_matching(lambda m: m.id == after_id))
        assert via == oc.Delivery.SOCKET
        ids = [m.id for m in after]
        assert ids[-2:] == [during_id, after_id]
        assert len(ids) == len(set(ids)), "no message repeated"
    finally:
        subscription.cancel()
        state_subscription.cancel()


async def test_the_event_stream_reports_a_reply_an_unread_change_and_a_tracked_event(conversations_mock):
    mock = conversations_mock
    client = await builder(mock).build()
    await client.start()
    conversation = await client.conversations().create()
    events = Collector()
    subscription = client.watch_events(events)
    try:
        # The current unread total comes first.
        _, first = await events.until(lambda item: item[0] == "event" and isinstance(item[1], oc.ClientEvent.UNREAD_CHANGED))
        assert first == oc.ClientEvent.UNREAD_CHANGED(total=0)
        reply_id = agent_reply(mock, conversation.id, "an event")
        received = oc.ClientEvent.MESSAGE_RECEIVED(conversation_id=conversation.id, message_id=reply_id)
        # Both, in either order: they come from two live queries (messages, unread total).
        pending = [("event", received), ("event", oc.ClientEvent.UNREAD_CHANGED(total=1))]
        while pending:
            pending.remove(await events.until(lambda item: item in pending))
        await client.events().track("profile_completed", {})
        await events.until(lambda item: item == ("event", oc.ClientEvent.EVENT_TRACKED(name="profile_completed")))
        assert events.threads == {"opencom-sdk"}
    finally:
        subscription.cancel()
