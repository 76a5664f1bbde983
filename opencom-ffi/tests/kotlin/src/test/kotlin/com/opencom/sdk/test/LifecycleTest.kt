package com.opencom.sdk.test

import com.opencom.sdk.ClientBuilder
import com.opencom.sdk.DeviceInfo
import com.opencom.sdk.OpencomException
import com.opencom.sdk.RealtimeMode
import com.opencom.sdk.RetryPolicy
import com.opencom.sdk.Route
import com.opencom.sdk.parseDeepLink
import com.opencom.sdk.parseDeepLinkWithPrefixes
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Duration

/** Root certificates, pause/resume and the app's deep-link prefixes, from Kotlin. */
class LifecycleTest {
    private lateinit var mock: MockServer

    @BeforeEach
    fun startMock() {
        mock = MockServer()
    }

    @AfterEach
    fun stopMock() {
        mock.close()
    }

    private fun builder(): ClientBuilder =
        ClientBuilder(mock.url, mock.workspaceId)
            .origin("https://app.example.com")
            .device(DeviceInfo(platform = "android", os = "Android 15", deviceType = "mobile"))
            .realtime(RealtimeMode.POLLING)
            .pollInterval(Duration.ofMillis(200))
            .heartbeatInterval(null)
            .retryPolicy(RetryPolicy(maxAttempts = 1u))

    /** The `eventType`s of the `events:trackAutoEvent` calls, in order. */
    private fun autoEvents(): List<String> =
        Regex("\"eventType\"\\s*:\\s*\"(session_[a-z]+)\"").findAll(mock.control("GET", "/_mock/calls"))
            .map { it.groupValues[1] }.toList()

    @Test
    fun `a bad root PEM fails build with Config`() = runBlocking {
        val error = assertThrows<OpencomException.Config> {
            runBlocking { ClientBuilder("https://x.convex.cloud", "ws").addRootCertificatePem("not a pem").build() }
        }
        assertTrue(error.message.contains("certificate #0"), error.message)
    }

    @Test
    fun `pause sends session_end, resume session_start`() = runBlocking {
        val client = builder().build()
        client.start()
        assertFalse(client.isPaused())
        client.pause()
        assertTrue(client.isPaused())
        assertEquals(listOf("session_end"), autoEvents())
        client.resume()
        assertFalse(client.isPaused())
        assertEquals(listOf("session_end", "session_start"), autoEvents())
    }

    @Test
    fun `deep links under the app's prefixes`() {
        val prefixes = listOf("myapp://", "https://example.com/help")
        assertEquals(Route.Conversation(conversationId = "c1"), parseDeepLinkWithPrefixes("myapp://conversation/c1", prefixes))
        assertEquals(Route.Tickets, parseDeepLinkWithPrefixes("https://example.com/help/tickets", prefixes))
        assertNull(parseDeepLinkWithPrefixes("https://example.com/tickets", prefixes))
        assertNull(parseDeepLink("myapp://conversation/c1"))
        val bad = assertThrows<OpencomException.InvalidInput> { parseDeepLinkWithPrefixes("x", listOf("http://example.com")) }
        assertEquals("prefixes", bad.field)
    }
}
