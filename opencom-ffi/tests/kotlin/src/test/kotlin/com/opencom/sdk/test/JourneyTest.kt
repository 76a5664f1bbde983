package com.opencom.sdk.test

import com.opencom.sdk.AttributeValue
import com.opencom.sdk.ClientBuilder
import com.opencom.sdk.ClientEvent
import com.opencom.sdk.ClientEventListener
import com.opencom.sdk.ConnectionState
import com.opencom.sdk.ConnectionStateListener
import com.opencom.sdk.Delivery
import com.opencom.sdk.DeliveryState
import com.opencom.sdk.DeviceInfo
import com.opencom.sdk.Message
import com.opencom.sdk.MessagesListener
import com.opencom.sdk.OpencomException
import com.opencom.sdk.OutgoingMessage
import com.opencom.sdk.PushPlatform
import com.opencom.sdk.PushRegistration
import com.opencom.sdk.RealtimeMode
import com.opencom.sdk.RetryPolicy
import com.opencom.sdk.SenderType
import com.opencom.sdk.Storage
import com.opencom.sdk.StorageException
import com.opencom.sdk.User
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap

/** A host Storage in Kotlin, as an Android app would write over the Keystore. */
class MapStorage : Storage {
    val values = ConcurrentHashMap<String, String>()
    @Volatile var failGet: Exception? = null

    override suspend fun get(key: String): String? {
        failGet?.let { throw it }
        delay(1) // suspend, as a real Keystore bridge would
        return values[key]
    }

    override suspend fun set(key: String, value: String) {
        values[key] = value
    }

    override suspend fun remove(key: String) {
        values.remove(key)
    }

    override suspend fun keys(prefix: String): List<String> = values.keys.filter { it.startsWith(prefix) }.sorted()
}

/** A listener that hands every call to the test through a channel; calls come from SDK threads. */
class Recorder<T> {
    val channel = Channel<T>(Channel.UNLIMITED)
    val threads: MutableSet<String> = ConcurrentHashMap.newKeySet()

    fun put(item: T) {
        threads.add(Thread.currentThread().name)
        channel.trySend(item)
    }

    /** The first item matching [predicate], within the deadline. */
    suspend fun until(predicate: (T) -> Boolean): T = withTimeout(DEADLINE.toMillis()) {
        var item = channel.receive()
        while (!predicate(item)) item = channel.receive()
        item
    }
}

/** One `onMessages` call: the list, whether it came from the offline cache, and how it arrived. */
data class Delivered(val messages: List<Message>, val fromCache: Boolean, val via: Delivery)

class MessagesRecorder : MessagesListener {
    val snapshots = Recorder<Delivered>()
    val errors = Recorder<OpencomException>()
    override fun onMessages(messages: List<Message>, fromCache: Boolean, via: Delivery) =
        snapshots.put(Delivered(messages, fromCache, via))
    override fun onError(error: OpencomException) = errors.put(error)

    /** The first snapshot holding a message that matches [predicate], within the deadline. */
    suspend fun untilMessage(predicate: (Message) -> Boolean): Delivered =
        snapshots.until { delivered -> delivered.messages.any(predicate) }
}

/** A poll interval no test outlives: with it, a live value can only have come over the socket. */
val HOUR: Duration = Duration.ofHours(1)

/** A quick poll interval, for tests where polling delivers. */
val QUICK_POLL: Duration = Duration.ofMillis(200)

class StateRecorder : ConnectionStateListener {
    val states = Recorder<ConnectionState>()
    override fun onState(state: ConnectionState) = states.put(state)
}

class EventRecorder : ClientEventListener {
    val events = Recorder<ClientEvent>()
    override fun onEvent(event: ClientEvent) = events.put(event)
}

class JourneyTest {
    private lateinit var mock: MockServer

    @BeforeEach
    fun startMock() {
        mock = MockServer()
    }

    @AfterEach
    fun stopMock() {
        mock.close()
    }

    /**
     * A builder for the mock, as apps run it: the WebSocket with an hour between polls (so only the
     * socket can deliver a live value); in polling mode, quick polls.
     */
    private fun builder(
        storage: Storage? = null,
        realtime: RealtimeMode = RealtimeMode.WEB_SOCKET,
        pollInterval: Duration = if (realtime == RealtimeMode.WEB_SOCKET) HOUR else QUICK_POLL,
    ): ClientBuilder {
        var b = ClientBuilder(mock.url, mock.workspaceId)
            .origin("https://app.example.com")
            .device(DeviceInfo(platform = "android", os = "Android 15", deviceType = "mobile"))
            .realtime(realtime)
            .pollInterval(pollInterval)
            .heartbeatInterval(null)
            .retryPolicy(RetryPolicy(maxAttempts = 1u))
        if (storage != null) b = b.storage(storage)
        return b
    }

    @Test
    fun `build rejects a bad configuration with a typed exception`() = runBlocking {
        val insecure = assertThrows<OpencomException.Config> {
            runBlocking { ClientBuilder("http://example.com", "ws").build() }
        }
        assertTrue(insecure.message.contains("https"), insecure.message)
        val client = ClientBuilder("https://happy-otter-123.convex.cloud", "ws-1").build()
        assertEquals("ws-1", client.workspaceId())
        assertEquals("https://happy-otter-123.convex.site/", client.siteUrl())
    }

    @Test
    fun `boot and identify with typed attributes`() = runBlocking {
        val client = builder().build()
        val session = client.start()
        assertFalse(session.restored)
        val visitor = client.visitor().identify(
            User(
                email = "jane@example.com",
                userId = "user-42",
                customAttributes = mapOf(
                    "plan" to AttributeValue.Text("pro"),
                    "seats" to AttributeValue.Number(5.0),
                    "beta" to AttributeValue.Bool(true),
                    "tags" to AttributeValue.Array(listOf(AttributeValue.Text("a"), AttributeValue.Number(1.0))),
                    "location" to AttributeValue.Object(mapOf("city" to AttributeValue.Text("Paris"))),
                ),
            ),
        )
        assertEquals(session.visitorId, visitor.id)
        assertEquals("jane@example.com", visitor.email)
        assertEquals(AttributeValue.Number(5.0), visitor.customAttributes["seats"])
        assertEquals(
            AttributeValue.Text("Paris"),
            (visitor.customAttributes["location"] as AttributeValue.Object).entries["city"],
        )
        val stored = mock.control("GET", "/_mock/visitors/${visitor.id}")
        assertTrue(stored.contains("\"seats\":5"), stored)
    }

    @Test
    fun `invalid input is an InvalidInput exception before any call`() = runBlocking {
        val client = builder().build()
        client.start()
        mock.clearCalls()
        val bad = assertThrows<OpencomException.InvalidInput> {
            runBlocking {
                client.visitor().identify(User(customAttributes = mapOf("\$plan" to AttributeValue.Text("pro"))))
            }
        }
        assertEquals("customAttributes.\$plan", bad.field)
        val badEvent = assertThrows<OpencomException.InvalidInput> {
            runBlocking { client.events().track("e", mapOf("o" to AttributeValue.Object(emptyMap()))) }
        }
        assertEquals("o", badEvent.field)
        assertEquals(emptyList<String>(), mock.calledPaths())
    }

    @Test
    fun `server failures arrive as their variants`() = runBlocking {
        val client = builder().build()
        client.start()
        mock.control("POST", "/_mock/faults", """{"kind":"rateLimited","retryAfterMs":2000,"onlyPath":"events:track","times":1}""")
        val limited = assertThrows<OpencomException.RateLimited> {
            runBlocking { client.events().track("e", emptyMap()) }
        }
        assertEquals(Duration.ofSeconds(2), limited.retryAfter)
        mock.control("POST", "/_mock/faults", """{"kind":"status","status":500,"onlyPath":"events:track","times":1}""")
        assertThrows<OpencomException.Server> { runBlocking { client.events().track("e", emptyMap()) } }
        assertTrue(client.events().track("e", emptyMap()).isNotEmpty())
    }

    @Test
    fun `a Kotlin storage keeps the session across a restart`() = runBlocking {
        val storage = MapStorage()
        val first = builder(storage).build()
        val booted = first.start()
        first.visitor().identify(User(email = "jane@example.com", userId = "user-42"))
        first.close()

        mock.clearCalls()
        val second = builder(storage).build()
        val restored = second.start()
        assertTrue(restored.restored)
        assertEquals(booted.visitorId, restored.visitorId)
        assertEquals(emptyList<String>(), mock.calledPaths(), "restored without any network call")
        assertEquals("user-42", second.visitor().currentUser()?.userId)

        storage.failGet = StorageException.Io("keystore locked")
        val third = builder(storage).build()
        val failed = assertThrows<OpencomException.Storage> { runBlocking { third.start() } }
        assertTrue(failed.message.contains("keystore locked"), failed.message)
    }

    @Test
    fun `conversation, send, and a live listener receiving the agent reply`() = runBlocking {
        val client = builder().build()
        client.start()
        val conversations = client.conversations()
        val conversation = conversations.getOrCreate()
        val listener = MessagesRecorder()
        val subscription = conversations.watchMessages(conversation.id, listener)
        try {
            // The current snapshot first, from the server over the socket (nothing cached).
            val first = listener.snapshots.until { true }
            assertEquals(Delivery.SOCKET, first.via)
            assertFalse(first.fromCache)
            val handle = conversations.send(conversation.id, OutgoingMessage(text = "Hello from Kotlin"))
            val localId = handle.localId()
            val echoed = listener.untilMessage { it.localId == localId }
            assertEquals(Delivery.LOCAL, echoed.via, "the local echo is a local change")
            val messageId = handle.sent()
            listener.untilMessage { it.id == messageId && it.delivery == DeliveryState.Sent }

            val replyId = mock.agentReply(conversation.id, "Hi from the agent")
            val withReply = listener.untilMessage { it.id == replyId }
            // An hour between polls: only the socket can have delivered it.
            assertEquals(Delivery.SOCKET, withReply.via)
            val reply = withReply.messages.first { it.id == replyId }
            assertEquals(SenderType.Agent, reply.senderType)
            assertEquals("Hi from the agent", reply.content)
            assertFalse(Thread.currentThread().name in listener.snapshots.threads)
        } finally {
            subscription.cancel()
        }
        assertFalse(subscription.isActive())
        assertEquals(1u, conversations.totalUnread(), "the agent's reply is unread")
        conversations.markRead(conversation.id)
        assertEquals(0u, conversations.totalUnread())
    }

    @Test
    fun `the event stream reports a reply, the unread change and a tracked event`() = runBlocking {
        val client = builder().build()
        client.start()
        val conversation = client.conversations().create()
        val recorder = EventRecorder()
        val subscription = client.watchEvents(recorder)
        try {
            assertEquals(ClientEvent.UnreadChanged(0u), recorder.events.until { it is ClientEvent.UnreadChanged })
            val replyId = mock.agentReply(conversation.id, "an event")
            // Both, in either order: they come from two live queries (messages, unread total).
            val pending = mutableListOf<ClientEvent>(
                ClientEvent.MessageReceived(conversation.id, replyId),
                ClientEvent.UnreadChanged(1u),
            )
            while (pending.isNotEmpty()) pending.remove(recorder.events.until { it in pending })
            client.events().track("profile_completed", emptyMap())
            recorder.events.until { it == ClientEvent.EventTracked("profile_completed") }
            assertFalse(Thread.currentThread().name in recorder.events.threads)
        } finally {
            subscription.close()
        }
    }

    @Test
    fun `connection state listener gets the current state first`() = runBlocking {
        val client = builder(realtime = RealtimeMode.POLLING).build()
        val listener = StateRecorder()
        val subscription = client.watchConnectionState(listener)
        assertEquals(ConnectionState.POLLING, listener.states.until { true })
        subscription.close()
    }

    @Test
    fun `in polling mode the agent reply arrives by polling`() = runBlocking {
        val client = builder(realtime = RealtimeMode.POLLING).build()
        client.start()
        val conversation = client.conversations().getOrCreate()
        val listener = MessagesRecorder()
        val subscription = client.conversations().watchMessages(conversation.id, listener)
        try {
            assertEquals(Delivery.POLLING, listener.snapshots.until { true }.via)
            val replyId = mock.agentReply(conversation.id, "polled")
            assertEquals(Delivery.POLLING, listener.untilMessage { it.id == replyId }.via)
            assertEquals(0, mock.wsConnections(), "polling mode opens no socket")
        } finally {
            subscription.cancel()
        }
    }

    @Test
    fun `a dropped and refused socket fails over to polling`() = runBlocking {
        val client = builder(pollInterval = QUICK_POLL).build()
        client.start()
        val states = StateRecorder()
        val stateSubscription = client.watchConnectionState(states)
        val conversation = client.conversations().getOrCreate()
        val listener = MessagesRecorder()
        val subscription = client.conversations().watchMessages(conversation.id, listener)
        try {
            assertEquals(Delivery.SOCKET, listener.snapshots.until { true }.via)
            states.states.until { it == ConnectionState.CONNECTED }
            mock.setWsEnabled(false)
            mock.dropWsConnections()
            states.states.until { it == ConnectionState.DISCONNECTED }
            val replyId = mock.agentReply(conversation.id, "during the outage")
            assertEquals(Delivery.POLLING, listener.untilMessage { it.id == replyId }.via)
            assertEquals(0, mock.wsConnections())
        } finally {
            subscription.cancel()
            stateSubscription.close()
        }
    }

    @Test
    fun `help center search and push registration`() = runBlocking {
        val articleId = Regex("\"articleId\"\\s*:\\s*\"([^\"]+)\"").find(
            mock.control(
                "POST",
                "/_mock/workspaces/${mock.workspaceId}/articles",
                """{"title": "How refunds work", "content": "Refunds take 5 days."}""",
            ),
        )!!.groupValues[1]
        val client = builder().build()
        client.start()
        val found = client.helpCenter().search("refund")
        assertEquals(listOf(articleId), found.map { it.id })
        assertThrows<OpencomException.InvalidInput> { runBlocking { client.helpCenter().search(" ") } }

        val token = "ExponentPushToken[kotlinkotlinkotlin]"
        assertEquals(PushRegistration.CREATED, client.push().register(token, PushPlatform.ANDROID, null))
        assertEquals(token, client.push().registeredToken())
        val raw = assertThrows<OpencomException.InvalidInput> {
            runBlocking { client.push().register("fcm-raw-token", PushPlatform.ANDROID, null) }
        }
        assertEquals("token", raw.field)
        assertTrue(client.push().unregister())
    }

    @Test
    fun `logout forgets the visitor`() = runBlocking {
        val storage = MapStorage()
        val client = builder(storage).build()
        val before = client.start()
        client.visitor().identify(User(email = "jane@example.com"))
        val after = client.logout()
        assertNotEquals(before.visitorId, after.visitorId)
        assertNotEquals(before.sessionId, after.sessionId)
        assertEquals(null, client.visitor().currentUser())
        assertNotNull(client.session().visitorId())
        assertTrue(mock.calledPaths().contains("widgetSessions:revoke"))
    }
}
