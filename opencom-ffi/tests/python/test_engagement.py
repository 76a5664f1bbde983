"""Engagement from Python: surveys, carousels, outbound messages, checklists, tours and the AI
agent, through the real library against server-mock.

Content is created with the control API (`POST /_mock/workspaces/{id}/engagement/{kind}`) and
what the visitor did is read back with `GET /_mock/engagement/{id}/impressions|responses|progress`
and `GET /_mock/conversations/{id}/ai-responses`. The client runs on the WebSocket with an hour
between polls, so a live update can only have come over the socket (`via`). Validation errors
are checked to happen before the call they guard."""

from __future__ import annotations

import pytest

from conftest import Collector, builder, oc

SURVEY_FUNCTIONS = {
    "surveys:getActiveSurveys",
    "surveys:recordImpression",
    "surveys:submitResponse",
}
CAROUSEL_FUNCTIONS = {"carousels:listActive", "carousels:recordImpression"}
OUTBOUND_FUNCTIONS = {"outboundMessages:getEligible"}
CHECKLIST_FUNCTIONS = {"checklists:getEligible", "checklists:getProgress"}
TOUR_FUNCTIONS = {"tours:listAll", "tourProgress:start", "tourProgress:advance", "tourProgress:skipStep"}
AI_FUNCTIONS = {
    "aiAgent:getConversationResponses",
    "aiAgent:submitFeedback",
    "aiAgent:handoffToHuman",
    "aiAgentActions:generateResponse",
}

PAGE = "https://app.example.com/home"


def add(mock, kind: str, body: dict) -> str:
    """Creates engagement content in the mock's workspace; returns its id."""
    return mock.control("POST", f"/_mock/workspaces/{mock.workspace_id}/engagement/{kind}", body)["id"]


def records(mock, item_id: str, what: str) -> list[dict]:
    return mock.control("GET", f"/_mock/engagement/{item_id}/{what}")


def snapshot(kind: str, pred=lambda items: True):
    """A Collector predicate: a `kind` snapshot whose list matches `pred`."""
    return lambda item: item[0] == kind and pred(item[1])


def ids(items) -> set[str]:
    return {getattr(i, "id", None) or i.checklist.id for i in items}


def survey_body(name: str, **extra) -> dict:
    return {
        "name": name,
        "format": "small",
        "triggers": {"type": "immediate"},
        "questions": [
            {"id": "nps", "type": "nps", "title": "Recommend us?", "required": True},
            {
                "id": "pick",
                "type": "multiple_choice",
                "title": "Which one?",
                "options": {"choices": ["Red", "Blue"], "allowMultiple": False},
            },
        ],
        **extra,
    }


async def started(mock):
    client = await builder(mock).build()
    await client.start()
    return client


# --- surveys ------------------------------------------------------------------------------------


async def test_surveys_list_live_record_and_submit(mock):
    mock.require(*SURVEY_FUNCTIONS)
    survey_id = add(mock, "surveys", survey_body("FFI survey", frequency="once"))
    client = await started(mock)
    surveys = client.surveys()

    active = await surveys.active()
    survey = next(s for s in active if s.id == survey_id)
    assert survey.name == "FFI survey"
    assert survey.format == oc.SurveyFormat.SMALL()
    assert survey.trigger == oc.SurveyTrigger.IMMEDIATE()
    nps, pick = survey.questions
    assert nps.id == "nps" and nps.required and nps.kind == oc.QuestionKind.NPS()
    assert pick.kind == oc.QuestionKind.MULTIPLE_CHOICE(choices=["Red", "Blue"], allow_multiple=False)

    listener = Collector()
    subscription = surveys.watch_active(listener)
    try:
        kind, first, from_cache, via = await listener.next()
        assert kind == "surveys" and not from_cache and via == oc.Delivery.SOCKET
        assert survey_id in ids(first)
        # A survey added on the server arrives over the socket.
        second_id = add(mock, "surveys", survey_body("Another survey"))
        _, updated, _, via = await listener.until(snapshot("surveys", lambda s: second_id in ids(s)))
        assert via == oc.Delivery.SOCKET

        # Shown: recorded once per session, however often the app says so; a once-only survey
        # then leaves the active list.
        await surveys.record(survey_id, oc.SurveyImpression.SHOWN)
        await surveys.record(survey_id, oc.SurveyImpression.SHOWN)
        shown = records(mock, survey_id, "impressions")
        assert [r["action"] for r in shown] == ["shown"]
        await listener.until(snapshot("surveys", lambda s: survey_id not in ids(s)))
    finally:
        subscription.cancel()

    # Out-of-range or unknown answers fail before any call, naming the answer.
    mock.clear_calls()
    bad = [
        ([oc.SurveyAnswer(question_id="nps", value=oc.AnswerValue.NUMBER(value=11))], "answers.nps"),
        ([oc.SurveyAnswer(question_id="pick", value=oc.AnswerValue.CHOICE(value="Green"))], "answers.pick"),
        ([oc.SurveyAnswer(question_id="nope", value=oc.AnswerValue.TEXT(value="x"))], "answers.nope"),
        ([oc.SurveyAnswer(question_id="pick", value=oc.AnswerValue.CHOICE(value="Red"))], "answers.nps"),
    ]
    for answers, field in bad:
        with pytest.raises(oc.OpencomError.InvalidInput) as err:
            await surveys.submit(survey, answers, True)
        assert err.value.field == field, answers
        assert err.value.reason
    assert mock.called("surveys:submitResponse") == 0
    assert mock.called("surveys:getActiveSurveys") == 0
    assert records(mock, survey_id, "responses") == []

    # The shown survey is no longer active, yet its answers are still accepted (validated
    # against the survey this client delivered).
    response_id = await surveys.submit(
        survey,
        [
            oc.SurveyAnswer(question_id="nps", value=oc.AnswerValue.NUMBER(value=9)),
            oc.SurveyAnswer(question_id="pick", value=oc.AnswerValue.CHOICE(value="Blue")),
        ],
        True,
    )
    assert response_id
    (response,) = records(mock, survey_id, "responses")
    assert response["answers"] == [{"questionId": "nps", "value": 9}, {"questionId": "pick", "value": "Blue"}]
    assert response["status"] == "completed"


async def test_a_tracked_event_triggers_its_survey(mock):
    mock.require(*SURVEY_FUNCTIONS)
    survey_id = add(
        mock, "surveys", survey_body("After checkout", triggers={"type": "event", "eventName": "checkout_done"})
    )
    client = await started(mock)
    listener = Collector()
    subscription = client.surveys().watch_triggers(listener)
    try:
        await client.events().track("page_opened", {})
        await client.events().track("checkout_done", {"total": oc.AttributeValue.NUMBER(value=42.0)})
        kind, survey = await listener.until(lambda item: item[0] == "triggered")
        assert survey.id == survey_id
        assert survey.trigger == oc.SurveyTrigger.EVENT(name="checkout_done")
    finally:
        subscription.cancel()
    # A triggered survey can be answered directly.
    assert await client.surveys().submit(
        survey, [oc.SurveyAnswer(question_id="nps", value=oc.AnswerValue.NUMBER(value=10))], True
    )


# --- carousels ----------------------------------------------------------------------------------


def carousel_body(name: str) -> dict:
    return {
        "name": name,
        "priority": 5,
        "screens": [
            {"id": "one", "title": "One", "body": "First", "buttons": [{"text": "Next", "action": "next"}]},
            {
                "id": "two",
                "title": "Two",
                "imageUrl": "https://opencom.dev/two.png",
                "buttons": [
                    {"text": "Open", "action": "url", "url": "https://opencom.dev"},
                    {"text": "App", "action": "deeplink", "deepLink": "myapp://home"},
                    {"text": "Done", "action": "dismiss"},
                ],
            },
        ],
    }


async def test_carousels_list_live_and_impressions(mock):
    mock.require(*CAROUSEL_FUNCTIONS)
    carousel_id = add(mock, "carousels", carousel_body("FFI carousel"))
    client = await started(mock)
    carousels = client.carousels()

    carousel = next(c for c in await carousels.active() if c.id == carousel_id)
    assert carousel.priority == 5
    one, two = carousel.screens
    assert one.buttons == [oc.CarouselButton(text="Next", action=oc.CarouselAction.NEXT())]
    assert two.image_url == "https://opencom.dev/two.png"
    assert [b.action for b in two.buttons] == [
        oc.CarouselAction.URL(url="https://opencom.dev"),
        oc.CarouselAction.DEEP_LINK(link="myapp://home"),
        oc.CarouselAction.DISMISS(),
    ]

    listener = Collector()
    subscription = carousels.watch_active(listener)
    try:
        kind, first, from_cache, via = await listener.next()
        assert kind == "carousels" and not from_cache and via == oc.Delivery.SOCKET
        assert carousel_id in ids(first)
        second_id = add(mock, "carousels", carousel_body("Second carousel"))
        _, _, _, via = await listener.until(snapshot("carousels", lambda c: second_id in ids(c)))
        assert via == oc.Delivery.SOCKET
    finally:
        subscription.cancel()

    await carousels.record(carousel_id, oc.CarouselImpression.SHOWN(screen_index=0))
    await carousels.record(carousel_id, oc.CarouselImpression.SHOWN(screen_index=0))
    await carousels.record(carousel_id, oc.CarouselImpression.SHOWN(screen_index=1))
    await carousels.record(carousel_id, oc.CarouselImpression.COMPLETED())
    rows = records(mock, carousel_id, "impressions")
    assert [(r["action"], r.get("screenIndex")) for r in rows] == [
        ("shown", 0),
        ("shown", 1),
        ("completed", None),
    ]

    mock.clear_calls()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await carousels.record("", oc.CarouselImpression.DISMISSED())
    assert err.value.field == "carousel_id"
    assert mock.called("carousels:recordImpression") == 0


# --- outbound messages --------------------------------------------------------------------------


def post_body(name: str) -> dict:
    return {
        "type": "post",
        "name": name,
        "priority": 9,
        "triggers": {"type": "immediate"},
        "content": {
            "title": "Hello",
            "body": "From the FFI test",
            "buttons": [
                {"text": "Read", "action": "url", "url": "https://opencom.dev/read"},
                {"text": "Chat", "action": "open_new_conversation"},
                {"text": "Later", "action": "dismiss"},
            ],
        },
    }


async def test_outbound_messages_eligible_live_and_impressions(mock):
    mock.require(*OUTBOUND_FUNCTIONS)
    message_id = add(mock, "outbound-messages", post_body("FFI post"))
    client = await started(mock)
    outbound = client.outbound()

    message = next(m for m in await outbound.eligible(PAGE) if m.id == message_id)
    assert message.kind == oc.OutboundKind.POST()
    assert message.name == "FFI post"
    assert message.content.title == "Hello"
    assert [b.action for b in message.content.buttons] == [
        oc.OutboundAction.URL(url="https://opencom.dev/read"),
        oc.OutboundAction.OPEN_NEW_CONVERSATION(),
        oc.OutboundAction.DISMISS(),
    ]

    listener = Collector()
    subscription = outbound.watch_eligible(PAGE, listener)
    try:
        kind, first, from_cache, via = await listener.next()
        assert kind == "outbound" and not from_cache and via == oc.Delivery.SOCKET
        assert message_id in ids(first)
        second_id = add(mock, "outbound-messages", post_body("Second post"))
        _, _, _, via = await listener.until(snapshot("outbound", lambda m: second_id in ids(m)))
        assert via == oc.Delivery.SOCKET
    finally:
        subscription.cancel()

    await outbound.shown(message_id)
    await outbound.shown(message_id)
    await outbound.clicked(message_id, 0)
    await outbound.dismissed(message_id)
    rows = records(mock, message_id, "impressions")
    assert [(r["action"], r.get("buttonIndex")) for r in rows] == [
        ("shown", None),
        ("clicked", 0),
        ("dismissed", None),
    ]

    mock.clear_calls()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await outbound.eligible("  ")
    assert err.value.field == "current_url"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        outbound.watch_eligible("", Collector())
    assert err.value.field == "current_url"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await outbound.shown("")
    assert err.value.field == "message_id"
    assert mock.called("outboundMessages:getEligible") == 0


# --- checklists ---------------------------------------------------------------------------------


def checklist_body(name: str) -> dict:
    return {
        "name": name,
        "description": "From the FFI test",
        "tasks": [
            {"id": "hello", "title": "Say hello", "completionType": "manual"},
            {
                "id": "plan",
                "title": "Choose a plan",
                "action": {"type": "url", "url": "https://opencom.dev/pricing"},
                "completionType": "auto_attribute",
                "completionAttribute": {"key": "plan", "operator": "equals", "value": "pro"},
            },
            {
                "id": "profile",
                "title": "Complete your profile",
                "action": {"type": "event", "eventName": "profile_completed"},
                "completionType": "auto_event",
                "completionEvent": "profile_completed",
            },
        ],
    }


async def test_checklists_eligible_live_and_task_completion(mock):
    mock.require(*CHECKLIST_FUNCTIONS)
    checklist_id = add(mock, "checklists", checklist_body("FFI checklist"))
    client = await started(mock)
    checklists = client.checklists()

    item = next(c for c in await checklists.eligible(None) if c.checklist.id == checklist_id)
    assert item.progress is None
    hello, plan, profile = item.checklist.tasks
    assert hello.completion == oc.CompletionType.MANUAL() and hello.action is None
    assert plan.action == oc.TaskAction.URL(url="https://opencom.dev/pricing")
    assert plan.completion == oc.CompletionType.AUTO_ATTRIBUTE(
        condition=oc.AttributeCondition(key="plan", operator="equals", value=oc.AttributeValue.TEXT(value="pro"))
    )
    assert profile.completion == oc.CompletionType.AUTO_EVENT(event="profile_completed")
    assert profile.action == oc.TaskAction.EVENT(event_name="profile_completed")

    listener = Collector()
    subscription = checklists.watch_eligible(listener)
    try:
        kind, first, from_cache, via = await listener.next()
        assert kind == "checklists" and not from_cache and via == oc.Delivery.SOCKET
        assert checklist_id in ids(first)
        second_id = add(mock, "checklists", checklist_body("Second checklist"))
        _, _, _, via = await listener.until(snapshot("checklists", lambda c: second_id in ids(c)))
        assert via == oc.Delivery.SOCKET

        progress = await checklists.complete_task(checklist_id, "hello")
        assert progress.checklist_id == checklist_id
        assert progress.completed_task_ids == ["hello"]
        # The listener follows the visitor's progress too.
        await listener.until(
            snapshot(
                "checklists",
                lambda c: any(
                    i.checklist.id == checklist_id and i.progress and i.progress.completed_task_ids == ["hello"]
                    for i in c
                ),
            )
        )
    finally:
        subscription.cancel()

    (row,) = records(mock, checklist_id, "progress")
    assert row["completedTaskIds"] == ["hello"]
    assert (await checklists.progress(checklist_id)).completed_task_ids == ["hello"]
    assert (await checklists.uncomplete_task(checklist_id, "hello")).completed_task_ids == []

    mock.clear_calls()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await checklists.eligible(0)
    assert err.value.field == "limit"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await checklists.complete_task(checklist_id, "")
    assert err.value.field == "task_id"
    assert mock.calls() == []


# --- tours --------------------------------------------------------------------------------------


async def test_tours_list_start_advance_and_skip(mock):
    mock.require(*TOUR_FUNCTIONS)
    tour_id = add(
        mock,
        "tours",
        {
            "tour": {"name": "FFI tour", "displayMode": "until_dismissed", "priority": 3, "allowSnooze": True},
            "steps": [
                {"type": "post", "title": "Welcome", "content": "Hello!"},
                {
                    "type": "pointer",
                    "title": "Here",
                    "content": "Tap it.",
                    "elementSelector": "#go",
                    "advanceOn": "elementClick",
                },
                {"type": "video", "content": "Watch", "mediaUrl": "https://opencom.dev/v.mp4"},
            ],
        },
    )
    client = await started(mock)
    tours = client.tours()

    listed = next(t for t in await tours.list() if t.tour.id == tour_id)
    assert listed.status == oc.TourStatus.NEW()
    tour = listed.tour
    assert tour.display_mode == oc.DisplayMode.UNTIL_DISMISSED()
    assert tour.allow_snooze
    assert [s.kind for s in tour.steps] == [oc.StepKind.POST(), oc.StepKind.POINTER(), oc.StepKind.VIDEO()]
    assert tour.steps[1].advance_on == oc.AdvanceMode.ELEMENT_CLICK()
    assert tour.steps[1].selector == "#go"

    assert await tours.start(tour_id, False)
    active = next(a for a in await tours.active() if a.tour.id == tour_id)
    assert active.progress.status == oc.ProgressStatus.IN_PROGRESS()
    assert active.progress.current_step == 0

    def click(mode, matched=None):
        return oc.AdvanceInput(mode=mode, target_matched=matched, field_value=None, selector=None, current_url=None)

    outcome = await tours.advance(tour_id, click(oc.AdvanceMode.CLICK()))
    assert outcome == oc.AdvanceOutcome.ADVANCED(status=oc.ProgressStatus.IN_PROGRESS(), next_step=1)
    # The pointer step needs a click on its element: a refusal, not an error.
    blocked = await tours.advance(tour_id, click(oc.AdvanceMode.CLICK()))
    assert isinstance(blocked, oc.AdvanceOutcome.BLOCKED)
    assert blocked.step == 1
    skipped = await tours.skip_step(tour_id, oc.SkipReason.SELECTOR_MISSING)
    assert skipped.next_step == 2
    (row,) = records(mock, tour_id, "progress")
    assert row["currentStep"] == 2
    assert [d["reason"] for d in records(mock, tour_id, "diagnostics")][-1] == "selector_missing"
    await tours.complete(tour_id)
    assert records(mock, tour_id, "progress")[0]["status"] == "completed"

    mock.clear_calls()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await tours.start("", False)
    assert err.value.field == "tour_id"
    assert mock.calls() == []


# --- the AI agent -------------------------------------------------------------------------------


async def test_ai_answer_live_feedback_and_handoff(mock):
    mock.require(*AI_FUNCTIONS)
    mock.control("POST", f"/_mock/workspaces/{mock.workspace_id}/ai", {"enabled": True})
    client = await started(mock)
    conversations = client.conversations()
    conversation = await conversations.get_or_create()
    ai = client.ai_agent()

    listener = Collector()
    subscription = ai.watch_responses(conversation.id, listener)
    try:
        kind, first, from_cache, via = await listener.next()
        assert kind == "ai_answers" and first == [] and not from_cache and via == oc.Delivery.SOCKET

        handle = await conversations.send(conversation.id, oc.OutgoingMessage(text="How do I reset my password?"))
        await handle.sent()
        _, answers, _, via = await listener.until(snapshot("ai_answers", lambda a: len(a) > 0))
        assert via == oc.Delivery.SOCKET
        (answer,) = answers
        assert answer.conversation_id == conversation.id
        assert answer.query == "How do I reset my password?"
        assert answer.response
        assert answer.confidence == pytest.approx(0.8)
        assert not answer.handed_off and answer.feedback is None

        await ai.feedback(answer.id, oc.AiFeedback.HELPFUL())
        (row,) = mock.control("GET", f"/_mock/conversations/{conversation.id}/ai-responses")
        assert row["feedback"] == "helpful"
        await listener.until(snapshot("ai_answers", lambda a: a[0].feedback == oc.AiFeedback.HELPFUL()))
    finally:
        subscription.cancel()
    assert [a.id for a in await ai.responses(conversation.id)] == [answer.id]

    # Invalid input fails before any call.
    mock.clear_calls()
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await ai.handoff_to_human(conversation.id, "x" * (oc.max_handoff_reason_chars() + 1))
    assert err.value.field == "reason"
    with pytest.raises(oc.OpencomError.InvalidInput) as err:
        await ai.feedback(answer.id, oc.AiFeedback.OTHER(value="meh"))
    assert err.value.field == "feedback"
    assert mock.called("aiAgent:handoffToHuman") == 0
    assert mock.called("aiAgent:submitFeedback") == 0

    handoff = await ai.handoff_to_human(conversation.id, "billing question")
    assert handoff.handoff_message
    messages = mock.control("GET", f"/_mock/conversations/{conversation.id}/messages")
    posted = next(m for m in messages if m["_id"] == handoff.message_id)
    assert posted["content"] == handoff.handoff_message
