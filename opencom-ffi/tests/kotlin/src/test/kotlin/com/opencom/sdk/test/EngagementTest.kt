package com.opencom.sdk.test

import com.opencom.sdk.AdvanceInput
import com.opencom.sdk.AdvanceMode
import com.opencom.sdk.AdvanceOutcome
import com.opencom.sdk.AiAnswer
import com.opencom.sdk.AiAnswersListener
import com.opencom.sdk.AiFeedback
import com.opencom.sdk.AnswerValue
import com.opencom.sdk.Carousel
import com.opencom.sdk.CarouselAction
import com.opencom.sdk.CarouselImpression
import com.opencom.sdk.CarouselsListener
import com.opencom.sdk.ChecklistsListener
import com.opencom.sdk.ClientBuilder
import com.opencom.sdk.CompletionType
import com.opencom.sdk.Delivery
import com.opencom.sdk.DeviceInfo
import com.opencom.sdk.EligibleChecklist
import com.opencom.sdk.OpencomException
import com.opencom.sdk.OutboundAction
import com.opencom.sdk.OutboundKind
import com.opencom.sdk.OutboundMessage
import com.opencom.sdk.OutboundMessagesListener
import com.opencom.sdk.OutgoingMessage
import com.opencom.sdk.ProgressStatus
import com.opencom.sdk.QuestionKind
import com.opencom.sdk.RealtimeMode
import com.opencom.sdk.RetryPolicy
import com.opencom.sdk.SkipReason
import com.opencom.sdk.StepKind
import com.opencom.sdk.Survey
import com.opencom.sdk.SurveyAnswer
import com.opencom.sdk.SurveyImpression
import com.opencom.sdk.SurveyTrigger
import com.opencom.sdk.SurveyTriggerListener
import com.opencom.sdk.SurveysListener
import com.opencom.sdk.TaskAction
import com.opencom.sdk.TourStatus
import com.opencom.sdk.maxHandoffReasonChars
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** One snapshot of an engagement listener: the list, whether it came from the cache, and how. */
data class Snap<T>(val items: List<T>, val fromCache: Boolean, val via: Delivery)

class SurveysRecorder : SurveysListener, SurveyTriggerListener {
    val snapshots = Recorder<Snap<Survey>>()
    val triggered = Recorder<Survey>()
    val errors = Recorder<OpencomException>()
    override fun onSurveys(surveys: List<Survey>, fromCache: Boolean, via: Delivery) =
        snapshots.put(Snap(surveys, fromCache, via))
    override fun onSurveyTriggered(survey: Survey) = triggered.put(survey)
    override fun onError(error: OpencomException) = errors.put(error)
}

class CarouselsRecorder : CarouselsListener {
    val snapshots = Recorder<Snap<Carousel>>()
    override fun onCarousels(carousels: List<Carousel>, fromCache: Boolean, via: Delivery) =
        snapshots.put(Snap(carousels, fromCache, via))
    override fun onError(error: OpencomException) {}
}

class OutboundRecorder : OutboundMessagesListener {
    val snapshots = Recorder<Snap<OutboundMessage>>()
    override fun onOutboundMessages(messages: List<OutboundMessage>, fromCache: Boolean, via: Delivery) =
        snapshots.put(Snap(messages, fromCache, via))
    override fun onError(error: OpencomException) {}
}

class ChecklistsRecorder : ChecklistsListener {
    val snapshots = Recorder<Snap<EligibleChecklist>>()
    override fun onChecklists(checklists: List<EligibleChecklist>, fromCache: Boolean, via: Delivery) =
        snapshots.put(Snap(checklists, fromCache, via))
    override fun onError(error: OpencomException) {}
}

class AiAnswersRecorder : AiAnswersListener {
    val snapshots = Recorder<Snap<AiAnswer>>()
    override fun onAiAnswers(answers: List<AiAnswer>, fromCache: Boolean, via: Delivery) =
        snapshots.put(Snap(answers, fromCache, via))
    override fun onError(error: OpencomException) {}
}

/**
 * The engagement sub-clients from Kotlin against server-mock, on the WebSocket with an hour
 * between polls: content created with `POST /_mock/workspaces/{id}/engagement/{kind}`, what the
 * visitor did read back with `GET /_mock/engagement/{id}/impressions|responses|progress`.
 */
class EngagementTest {
    private lateinit var mock: MockServer

    @BeforeEach
    fun startMock() {
        mock = MockServer()
    }

    @AfterEach
    fun stopMock() {
        mock.close()
    }

    private suspend fun client() = ClientBuilder(mock.url, mock.workspaceId)
        .origin("https://app.example.com")
        .device(DeviceInfo(platform = "android", os = "Android 15", deviceType = "mobile"))
        .realtime(RealtimeMode.WEB_SOCKET)
        .pollInterval(HOUR)
        .heartbeatInterval(null)
        .retryPolicy(RetryPolicy(maxAttempts = 1u))
        .build()
        .also { it.start() }

    /** Creates engagement content; returns its id. */
    private fun add(kind: String, body: String): String {
        val answer = mock.control("POST", "/_mock/workspaces/${mock.workspaceId}/engagement/$kind", body)
        return Regex("\"id\"\\s*:\\s*\"([^\"]+)\"").find(answer)?.groupValues?.get(1) ?: error("no id in $answer")
    }

    /** The `action` of each impression (or other record) of an item, oldest first. */
    private fun actions(id: String, records: String = "impressions"): List<String> =
        Regex("\"action\"\\s*:\\s*\"([^\"]+)\"").findAll(mock.control("GET", "/_mock/engagement/$id/$records"))
            .map { it.groupValues[1] }.toList()

    private fun surveyBody(name: String, trigger: String = "{\"type\": \"immediate\"}") = """
        {"name": "$name", "format": "large", "frequency": "once", "triggers": $trigger,
         "questions": [
           {"id": "nps", "type": "nps", "title": "Recommend us?", "required": true},
           {"id": "stars", "type": "star_rating", "title": "Rate us"}]}
    """

    @Test
    fun `surveys list, live, impression, validation and submission`() = runBlocking {
        val surveyId = add("surveys", surveyBody("Kotlin survey"))
        val client = client()
        val surveys = client.surveys()
        val survey = surveys.active().single { it.id == surveyId }
        assertEquals(listOf(QuestionKind.Nps, QuestionKind.StarRating(5L, null, null)), survey.questions.map { it.kind })
        assertEquals(SurveyTrigger.Immediate, survey.trigger)

        val recorder = SurveysRecorder()
        val subscription = surveys.watchActive(recorder)
        try {
            val first = recorder.snapshots.until { true }
            assertFalse(first.fromCache)
            assertEquals(Delivery.SOCKET, first.via)
            assertTrue(first.items.any { it.id == surveyId })
            val secondId = add("surveys", surveyBody("Second survey"))
            val updated = recorder.snapshots.until { snap -> snap.items.any { it.id == secondId } }
            assertEquals(Delivery.SOCKET, updated.via)

            surveys.record(surveyId, SurveyImpression.SHOWN)
            surveys.record(surveyId, SurveyImpression.SHOWN)
            assertEquals(listOf("shown"), actions(surveyId))
            recorder.snapshots.until { snap -> snap.items.none { it.id == surveyId } }
        } finally {
            subscription.cancel()
        }

        mock.clearCalls()
        val outOfRange = assertThrows<OpencomException.InvalidInput> {
            runBlocking { surveys.submit(survey, listOf(SurveyAnswer("stars", AnswerValue.Number(6L))), false) }
        }
        assertEquals("answers.stars", outOfRange.field)
        val missing = assertThrows<OpencomException.InvalidInput> {
            runBlocking { surveys.submit(survey, listOf(SurveyAnswer("stars", AnswerValue.Number(4L))), true) }
        }
        assertEquals("answers.nps", missing.field)
        assertEquals(emptyList<String>(), mock.calledPaths())

        val responseId = surveys.submit(
            survey,
            listOf(SurveyAnswer("nps", AnswerValue.Number(10L)), SurveyAnswer("stars", AnswerValue.Number(4L))),
            true,
        )
        assertTrue(responseId.isNotEmpty())
        val responses = mock.control("GET", "/_mock/engagement/$surveyId/responses")
        assertTrue(responses.contains("\"questionId\":\"nps\",\"value\":10"), responses)
    }

    @Test
    fun `a tracked event triggers its survey`() = runBlocking {
        val surveyId = add("surveys", surveyBody("On upgrade", "{\"type\": \"event\", \"eventName\": \"upgraded\"}"))
        val client = client()
        val recorder = SurveysRecorder()
        val subscription = client.surveys().watchTriggers(recorder)
        try {
            client.events().track("upgraded", emptyMap())
            val survey = recorder.triggered.until { true }
            assertEquals(surveyId, survey.id)
            assertEquals(SurveyTrigger.Event("upgraded"), survey.trigger)
        } finally {
            subscription.cancel()
        }
    }

    @Test
    fun `carousels list, live, impressions and validation`() = runBlocking {
        val body = { name: String ->
            """{"name": "$name", "screens": [
                 {"id": "a", "title": "A", "buttons": [{"text": "Next", "action": "next"}]},
                 {"id": "b", "title": "B", "buttons": [{"text": "Go", "action": "url", "url": "https://opencom.dev"}]}]}"""
        }
        val carouselId = add("carousels", body("Kotlin carousel"))
        val client = client()
        val carousels = client.carousels()
        val carousel = carousels.active().single { it.id == carouselId }
        assertEquals(
            listOf(CarouselAction.Next, CarouselAction.Url("https://opencom.dev")),
            carousel.screens.flatMap { s -> s.buttons.map { it.action } },
        )

        val recorder = CarouselsRecorder()
        val subscription = carousels.watchActive(recorder)
        try {
            val first = recorder.snapshots.until { true }
            assertEquals(Delivery.SOCKET, first.via)
            assertTrue(first.items.any { it.id == carouselId })
            val secondId = add("carousels", body("Second carousel"))
            assertEquals(Delivery.SOCKET, recorder.snapshots.until { snap -> snap.items.any { it.id == secondId } }.via)
        } finally {
            subscription.cancel()
        }

        carousels.record(carouselId, CarouselImpression.Shown(0u))
        carousels.record(carouselId, CarouselImpression.Shown(0u))
        carousels.record(carouselId, CarouselImpression.Dismissed)
        assertEquals(listOf("shown", "dismissed"), actions(carouselId))

        mock.clearCalls()
        val bad = assertThrows<OpencomException.InvalidInput> {
            runBlocking { carousels.record(" ", CarouselImpression.Completed) }
        }
        assertEquals("carousel_id", bad.field)
        assertEquals(emptyList<String>(), mock.calledPaths())
    }

    @Test
    fun `outbound messages eligible, live, impressions and validation`() = runBlocking {
        val body = { name: String ->
            """{"type": "post", "name": "$name", "triggers": {"type": "immediate"},
                "content": {"title": "Hi", "buttons": [
                  {"text": "Article", "action": "open_help_article", "articleId": "a1"},
                  {"text": "Tab", "action": "open_widget_tab", "tabId": "help"}]}}"""
        }
        val page = "https://app.example.com/home"
        val messageId = add("outbound-messages", body("Kotlin post"))
        val client = client()
        val outbound = client.outbound()
        val message = outbound.eligible(page).single { it.id == messageId }
        assertEquals(OutboundKind.Post, message.kind)
        assertEquals(
            listOf(OutboundAction.OpenHelpArticle("a1"), OutboundAction.OpenWidgetTab("help")),
            message.content.buttons.map { it.action },
        )

        val recorder = OutboundRecorder()
        val subscription = outbound.watchEligible(page, recorder)
        try {
            val first = recorder.snapshots.until { true }
            assertEquals(Delivery.SOCKET, first.via)
            assertTrue(first.items.any { it.id == messageId })
            val secondId = add("outbound-messages", body("Second post"))
            assertEquals(Delivery.SOCKET, recorder.snapshots.until { snap -> snap.items.any { it.id == secondId } }.via)
        } finally {
            subscription.cancel()
        }

        outbound.shown(messageId)
        outbound.shown(messageId)
        outbound.clicked(messageId, 1u)
        assertEquals(listOf("shown", "clicked"), actions(messageId))

        mock.clearCalls()
        val bad = assertThrows<OpencomException.InvalidInput> { runBlocking { outbound.eligible("") } }
        assertEquals("current_url", bad.field)
        assertEquals(emptyList<String>(), mock.calledPaths())
    }

    @Test
    fun `checklists eligible, live, task completion and validation`() = runBlocking {
        val body = { name: String ->
            """{"name": "$name", "tasks": [
                 {"id": "t1", "title": "First", "completionType": "manual",
                  "action": {"type": "tour", "tourId": "tour-1"}},
                 {"id": "t2", "title": "Second", "completionType": "auto_event", "completionEvent": "done"}]}"""
        }
        val checklistId = add("checklists", body("Kotlin checklist"))
        val client = client()
        val checklists = client.checklists()
        val item = checklists.eligible(10u).single { it.checklist.id == checklistId }
        assertNull(item.progress)
        assertEquals(TaskAction.Tour("tour-1"), item.checklist.tasks[0].action)
        assertEquals(CompletionType.AutoEvent("done"), item.checklist.tasks[1].completion)

        val recorder = ChecklistsRecorder()
        val subscription = checklists.watchEligible(recorder)
        try {
            val first = recorder.snapshots.until { true }
            assertEquals(Delivery.SOCKET, first.via)
            val secondId = add("checklists", body("Second checklist"))
            assertEquals(
                Delivery.SOCKET,
                recorder.snapshots.until { snap -> snap.items.any { it.checklist.id == secondId } }.via,
            )
            assertEquals(listOf("t1"), checklists.completeTask(checklistId, "t1").completedTaskIds)
            recorder.snapshots.until { snap ->
                snap.items.any { it.checklist.id == checklistId && it.progress?.completedTaskIds == listOf("t1") }
            }
        } finally {
            subscription.cancel()
        }
        val progress = mock.control("GET", "/_mock/engagement/$checklistId/progress")
        assertTrue(progress.contains("\"completedTaskIds\":[\"t1\"]"), progress)

        mock.clearCalls()
        val bad = assertThrows<OpencomException.InvalidInput> { runBlocking { checklists.eligible(0u) } }
        assertEquals("limit", bad.field)
        assertEquals(emptyList<String>(), mock.calledPaths())
    }

    @Test
    fun `tours list, start, advance, skip and validation`() = runBlocking {
        val tourId = add(
            "tours",
            """{"tour": {"name": "Kotlin tour"}, "steps": [
                 {"type": "post", "title": "Hello", "content": "Welcome"},
                 {"type": "pointer", "content": "Here", "elementSelector": "#x", "advanceOn": "elementClick"}]}""",
        )
        val client = client()
        val tours = client.tours()
        val listed = tours.list().single { it.tour.id == tourId }
        assertEquals(TourStatus.New, listed.status)
        assertEquals(listOf(StepKind.Post, StepKind.Pointer), listed.tour.steps.map { it.kind })
        assertEquals(AdvanceMode.ElementClick, listed.tour.steps[1].advanceOn)

        assertTrue(tours.start(tourId, false).isNotEmpty())
        val click = AdvanceInput(AdvanceMode.Click, null, null, null, null)
        assertEquals(AdvanceOutcome.Advanced(ProgressStatus.InProgress, 1u), tours.advance(tourId, click))
        val blocked = tours.advance(tourId, click)
        assertTrue(blocked is AdvanceOutcome.Blocked, blocked.toString())
        tours.skipStep(tourId, SkipReason.SELECTOR_MISSING)
        val progress = mock.control("GET", "/_mock/engagement/$tourId/progress")
        assertTrue(progress.contains("\"tourId\":\"$tourId\""), progress)

        mock.clearCalls()
        val bad = assertThrows<OpencomException.InvalidInput> { runBlocking { tours.dismiss("") } }
        assertEquals("tour_id", bad.field)
        assertEquals(emptyList<String>(), mock.calledPaths())
    }

    @Test
    fun `the AI agent answers live, takes feedback and hands off`() = runBlocking {
        mock.control("POST", "/_mock/workspaces/${mock.workspaceId}/ai", "{\"enabled\": true}")
        val client = client()
        val conversation = client.conversations().getOrCreate()
        val ai = client.aiAgent()
        val recorder = AiAnswersRecorder()
        val subscription = ai.watchResponses(conversation.id, recorder)
        val answer = try {
            val first = recorder.snapshots.until { true }
            assertEquals(Delivery.SOCKET, first.via)
            assertEquals(emptyList<AiAnswer>(), first.items)
            client.conversations().send(conversation.id, OutgoingMessage("Where is my invoice?")).sent()
            val answered = recorder.snapshots.until { it.items.isNotEmpty() }
            assertEquals(Delivery.SOCKET, answered.via)
            val answer = answered.items.single()
            assertEquals("Where is my invoice?", answer.query)
            assertTrue(answer.response.isNotEmpty())
            ai.feedback(answer.id, AiFeedback.NotHelpful)
            recorder.snapshots.until { snap -> snap.items.single().feedback == AiFeedback.NotHelpful }
            answer
        } finally {
            subscription.cancel()
        }
        val stored = mock.control("GET", "/_mock/conversations/${conversation.id}/ai-responses")
        assertTrue(stored.contains("\"feedback\":\"not_helpful\""), stored)

        mock.clearCalls()
        val tooLong = assertThrows<OpencomException.InvalidInput> {
            runBlocking { ai.handoffToHuman(conversation.id, "x".repeat(maxHandoffReasonChars().toInt() + 1)) }
        }
        assertEquals("reason", tooLong.field)
        val unknown = assertThrows<OpencomException.InvalidInput> {
            runBlocking { ai.feedback(answer.id, AiFeedback.Other("meh")) }
        }
        assertEquals("feedback", unknown.field)
        assertEquals(emptyList<String>(), mock.calledPaths())

        val handoff = ai.handoffToHuman(conversation.id, null)
        assertTrue(handoff.handoffMessage.isNotEmpty())
        val messages = mock.control("GET", "/_mock/conversations/${conversation.id}/messages")
        assertTrue(messages.contains(handoff.messageId), messages)
    }
}
