"""The rest of the visitor surface from Python: help center, push, tickets, messenger, ratings
and the data export, against server-mock (content is seeded through its control API). A test
whose functions the mock does not implement fails, saying which."""

from __future__ import annotations

import json

import pytest

from conftest import builder, oc


def need(mock, *functions: str) -> None:
    """Fails, naming them, when the mock lacks functions the test calls (never skips)."""
    mock.require(*functions)


@pytest.fixture
async def started(mock):
    client = await builder(mock).build()
    await client.start()
    mock.clear_calls()
    return client


# --- help center ------------------------------------------------------------------------------


async def test_help_center_checks_input_before_any_call(mock, started):
    help_center = started.help_center()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await help_center.search("   ")
    assert err.value.field == "query"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await help_center.article("not an id")
    assert err.value.field == "article_id"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await help_center.article_by_slug(" ")
    assert err.value.field == "slug"
    # Too short to search: nothing, and no call.
    assert await help_center.suggestions("a", None) == []
    assert mock.calls() == []


async def test_help_center_collections_search_articles_feedback(mock, started):
    need(
        mock,
        "collections:listHierarchyForVisitor",
        "articles:listForVisitor",
        "articles:searchForVisitor",
        "articles:getForVisitor",
        "articles:get",
        "articles:submitFeedback",
        "suggestions:searchForWidget",
    )
    ws = mock.workspace_id
    billing = mock.control("POST", f"/_mock/workspaces/{ws}/collections", {"name": "Billing", "order": 1})[
        "collectionId"
    ]
    refunds = mock.control(
        "POST", f"/_mock/workspaces/{ws}/collections", {"name": "Refunds", "parentId": billing}
    )["collectionId"]
    article_id = mock.control(
        "POST",
        f"/_mock/workspaces/{ws}/articles",
        {"title": "How refunds work", "content": "Refunds take **5 days**.", "collectionId": refunds},
    )["articleId"]
    mock.control(
        "POST",
        f"/_mock/workspaces/{ws}/articles",
        {"title": "Refund internals", "content": "secret", "collectionId": refunds, "visibility": "internal"},
    )
    help_center = started.help_center()

    tree = await help_center.collections()
    root = next(node for node in tree if node.collection.id == billing)
    assert isinstance(root.collection, oc.ArticleCollection)
    assert [child.collection.name for child in root.children] == ["Refunds"]
    assert root.children[0].collection.parent_id == billing

    in_refunds = await help_center.articles(refunds)
    assert [a.title for a in in_refunds] == ["How refunds work"]  # not the internal one
    found = await help_center.search("refund")
    assert [a.id for a in found] == [article_id]
    article = await help_center.article(article_id)
    assert article is not None and article.collection_id == refunds
    assert "5 days" in article.rendered_content
    by_slug = await help_center.article_by_slug(article.slug)
    assert by_slug is not None and by_slug.id == article_id
    assert await help_center.article_by_slug("no-such-article") is None

    await help_center.submit_feedback(article_id, True)
    feedback = mock.control("GET", f"/_mock/articles/{article_id}/feedback")
    assert [row["helpful"] for row in feedback] == [True]

    mock.control("POST", f"/_mock/workspaces/{ws}/suggestions", {"enabled": True})
    suggestions = await help_center.suggestions("refunds", 2)
    assert suggestions and suggestions[0].id == article_id and suggestions[0].title


# --- push -------------------------------------------------------------------------------------


async def test_push_rejects_raw_device_tokens_and_needs_a_registration(mock, started):
    push = started.push()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await push.register("a1b2c3d4e5f6", oc.PushPlatform.IOS, None)
    assert err.value.field == "token"
    assert "Expo" in err.value.reason
    assert await push.registered_token() is None
    assert await push.unregister() is False
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await push.set_enabled(False)
    assert err.value.field == "token"
    assert mock.calls() == []


async def test_push_register_toggle_and_logout_unregisters(mock):
    need(mock, "visitorPushTokens:register", "visitorPushTokens:unregister", "visitorPushTokens:setNotificationsEnabled")
    client = await builder(mock).build()
    info = await client.start()
    push = client.push()
    token = "ExponentPushToken[abcdefghijklmnopqrstuv]"
    assert await push.register(token, oc.PushPlatform.ANDROID, "device-1") == oc.PushRegistration.CREATED
    assert await push.register(token, oc.PushPlatform.ANDROID, "device-1") == oc.PushRegistration.UPDATED
    assert await push.registered_token() == token
    rows = mock.control("GET", f"/_mock/visitors/{info.visitor_id}/push-tokens")
    assert [(r["token"], r["platform"]) for r in rows] == [(token, "android")]
    await push.set_enabled(False)
    assert mock.called("visitorPushTokens:setNotificationsEnabled") == 1

    await client.logout()
    assert mock.control("GET", f"/_mock/visitors/{info.visitor_id}/push-tokens") == []
    assert await client.push().registered_token() is None


# --- tickets ----------------------------------------------------------------------------------


async def test_tickets_check_input_before_any_call(mock, started):
    tickets = started.tickets()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await tickets.create(oc.NewTicket(subject="  "))
    assert err.value.field == "subject"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await tickets.create(oc.NewTicket(subject="Refund", attachment_ids=[f"a{i}" for i in range(6)]))
    assert err.value.field == "attachments"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await tickets.add_comment("t1", "   ", [])
    assert err.value.field == "content"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await tickets.get("not an id")
    assert err.value.field == "ticket_id"
    assert mock.calls() == []


async def test_tickets_with_the_default_form_and_public_comments_only(mock, started):
    need(
        mock,
        "ticketForms:getDefaultForVisitor",
        "tickets:create",
        "tickets:listByVisitor",
        "tickets:get",
        "tickets:getComments",
        "tickets:addComment",
    )
    mock.control(
        "POST",
        f"/_mock/workspaces/{mock.workspace_id}/ticket-form",
        {
            "fields": [
                {"id": "order", "type": "text", "label": "Order number", "required": True},
                {"id": "area", "type": "select", "label": "Area", "required": False, "options": ["billing", "tech"]},
            ]
        },
    )
    tickets = started.tickets()
    form = await tickets.default_form()
    assert form is not None
    assert [(f.id, f.kind, f.required) for f in form.fields] == [
        ("order", oc.FieldKind.TEXT(), True),
        ("area", oc.FieldKind.SELECT(), False),
    ]
    assert form.fields[1].options == ["billing", "tech"]

    mock.clear_calls()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await tickets.create(oc.NewTicket(subject="Refund"))
    assert err.value.field == "form_data.order"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await tickets.create(
            oc.NewTicket(
                subject="Refund",
                form_data={"order": oc.FormValue.TEXT("A-1"), "area": oc.FormValue.TEXT("sales")},
            )
        )
    assert err.value.field == "form_data.area"
    assert mock.called("tickets:create") == 0

    ticket_id = await tickets.create(
        oc.NewTicket(
            subject="Refund request",
            description="Charged twice",
            priority=oc.TicketPriority.HIGH,
            form_data={"order": oc.FormValue.TEXT("A-1001"), "area": oc.FormValue.TEXT("billing")},
        )
    )
    listed = await tickets.list()
    assert [t.id for t in listed] == [ticket_id]
    assert listed[0].status == oc.TicketStatus.SUBMITTED()
    assert listed[0].priority == oc.TicketPriority.HIGH
    assert mock.control("GET", f"/_mock/tickets/{ticket_id}")["formData"]["order"] == "A-1001"

    await tickets.add_comment(ticket_id, "More details", [])
    mock.control("POST", f"/_mock/tickets/{ticket_id}/comments", {"text": "escalate, angry customer", "internal": True})
    mock.control("POST", f"/_mock/tickets/{ticket_id}/comments", {"text": "We are on it"})
    detail = await tickets.get(ticket_id)
    assert detail.ticket.subject == "Refund request"
    contents = [c.content for c in detail.comments]
    assert contents == ["More details", "We are on it"]
    assert [c.content for c in await tickets.comments(ticket_id)] == contents


# --- messenger --------------------------------------------------------------------------------


async def test_messenger_configuration(mock, started):
    need(
        mock,
        "messengerSettings:getPublicSettings",
        "messengerSettings:getPublicHomeConfig",
        "officeHours:isCurrentlyOpen",
        "officeHours:getExpectedReplyTime",
        "automationSettings:getOrCreate",
        "commonIssueButtons:list",
        "aiAgent:getPublicSettings",
    )
    mock.control("POST", f"/_mock/workspaces/{mock.workspace_id}/common-issue-buttons", {"label": "Talk to us"})
    messenger = started.messenger()
    settings = await messenger.settings()
    assert settings.primary_color.startswith("#")
    assert isinstance(json.loads(settings.raw_json), dict)
    assert (await messenger.office_hours()).is_open in (True, False)
    automation = await messenger.automation_settings()
    assert isinstance(automation.collect_email_enabled, bool)
    buttons = await messenger.common_issue_buttons()
    assert [b.label for b in buttons] == ["Talk to us"]
    assert isinstance(json.loads(await messenger.home_config(False)), (dict, list, type(None)))
    # The binary's demo seed (`--seed demo`, the default) turns the AI agent on.
    assert json.loads(await messenger.ai_settings())["enabled"] is True
    reply_time = await messenger.expected_reply_time()
    assert reply_time is None or isinstance(reply_time, str)
    discovery = await messenger.discovery()
    assert discovery.convex_url


# --- ratings and the data export --------------------------------------------------------------


async def test_rate_a_closed_conversation(mock, started):
    need(mock, "reporting:getCsatEligibility", "reporting:submitCsatResponse", "conversations:getOrCreateForVisitor")
    mock.control("POST", f"/_mock/workspaces/{mock.workspace_id}/csat", {"enabled": True})
    conversations = started.conversations()
    conversation = await conversations.get_or_create()
    assert not (await conversations.csat_eligibility(conversation.id)).eligible
    mock.control("POST", f"/_mock/conversations/{conversation.id}/close", {})
    eligibility = await conversations.csat_eligibility(conversation.id)
    assert eligibility.eligible and eligibility.reason == "eligible"
    await conversations.rate(conversation.id, 5, "Great help")
    assert (await conversations.csat_eligibility(conversation.id)).reason == "already_submitted"
    assert (await conversations.get(conversation.id)).status == oc.ConversationStatus.CLOSED()


async def test_export_my_data_to_a_file(mock, started, tmp_path):
    need(mock, "conversations:listByVisitor", "messages:list", "tickets:listByVisitor", "events:list")
    conversation = await started.conversations().get_or_create()
    handle = await started.conversations().send(conversation.id, oc.OutgoingMessage(text="export me"))
    await handle.sent()
    await started.events().track("exported", {})
    path = tmp_path / "my-data.json"
    summary = await started.export_my_data(str(path))
    document = json.loads(path.read_text())
    assert summary.conversations == 1 and summary.messages >= 2  # the greeting and ours
    assert summary.events >= 1
    assert summary.bytes == path.stat().st_size
    assert "export me" in json.dumps(document)

    with pytest.raises(oc.OpencomError.Storage):
        await started.export_my_data(str(tmp_path / "no-such-dir" / "x.json"))


# --- host-side helpers ------------------------------------------------------------------------


def test_limits_mirror_the_core():
    limits = oc.sdk_limits()
    assert limits.max_attachment_bytes == 10 * 1024 * 1024
    assert limits.max_attachments_per_message == 5
    assert "png" in limits.allowed_extensions and "exe" not in limits.allowed_extensions
    assert limits.outbox_max_failures > 0
    assert limits.export_schema_version >= 1


async def test_file_storage_from_the_host(mock, tmp_path):
    first = await builder(mock).file_storage(str(tmp_path / "opencom")).build()
    booted = await first.start()
    del first
    second = await builder(mock).file_storage(str(tmp_path / "opencom")).build()
    restored = await second.start()
    assert restored.restored and restored.visitor_id == booted.visitor_id
    assert any((tmp_path / "opencom").iterdir())

    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(oc.OpencomError.Storage):
        await builder(mock).file_storage(str(blocker / "opencom")).build()
