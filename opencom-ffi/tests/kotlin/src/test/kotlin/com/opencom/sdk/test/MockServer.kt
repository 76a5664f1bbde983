package com.opencom.sdk.test

import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** Every wait in these tests is bounded by this deadline. */
val DEADLINE: Duration = Duration.ofSeconds(20)

/** The server-mock binary on an ephemeral port, and its JSON control API (`/_mock/...`). */
class MockServer : AutoCloseable {
    private val process: Process
    val url: String
    val workspaceId: String
    private val http = HttpClient.newBuilder().connectTimeout(DEADLINE).build()

    init {
        val bin = System.getProperty("server.mock.bin") ?: error("server.mock.bin is not set")
        check(File(bin).canExecute()) { "no server-mock at $bin" }
        process = ProcessBuilder(bin, "--port", "0", "--seed", "demo")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .apply { environment()["RUST_LOG"] = "warn" }
            .start()
        // Read the `KEY=value` banner on another thread, so waiting for it has a deadline.
        val lines = LinkedBlockingQueue<String>()
        Thread {
            process.inputStream.bufferedReader().useLines { all -> all.forEach { lines.put(it) } }
        }.apply { isDaemon = true }.start()
        val env = mutableMapOf<String, String>()
        val deadline = System.nanoTime() + DEADLINE.toNanos()
        while ("OPENCOM_WORKSPACE_ID" !in env) {
            val left = deadline - System.nanoTime()
            val line = lines.poll(maxOf(left, 0), TimeUnit.NANOSECONDS)
            if (line == null) {
                process.destroyForcibly()
                error("server-mock did not print its URL in time")
            }
            val (key, value) = line.split("=", limit = 2).let { it[0] to it.getOrElse(1) { "" } }
            if (key.startsWith("OPENCOM_")) env[key] = value
        }
        url = env.getValue("OPENCOM_URL")
        workspaceId = env.getValue("OPENCOM_WORKSPACE_ID")
    }

    /** Calls the control API; returns the raw JSON answer. */
    fun control(method: String, path: String, body: String? = null): String {
        val request = HttpRequest.newBuilder(URI.create(url + path))
            .timeout(DEADLINE)
            .header("content-type", "application/json")
            .method(
                method,
                if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body),
            )
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "$method $path: ${response.statusCode()} ${response.body()}" }
        return response.body()
    }

    fun clearCalls() {
        control("DELETE", "/_mock/calls")
    }

    /** The function paths called since the last [clearCalls]. */
    fun calledPaths(): List<String> =
        Regex("\"path\"\\s*:\\s*\"([^\"]+)\"").findAll(control("GET", "/_mock/calls")).map { it.groupValues[1] }.toList()

    fun functions(): String = control("GET", "/_mock/info")

    /** Accepts (`true`) or refuses (`false`: 503 before the upgrade) sync WebSockets. */
    fun setWsEnabled(enabled: Boolean) {
        control("POST", "/_mock/ws", "{\"enabled\": $enabled}")
    }

    /** Closes every open sync WebSocket abruptly, as a network loss would. */
    fun dropWsConnections() {
        control("POST", "/_mock/ws/drop", "{}")
    }

    /** The number of open sync WebSockets. */
    fun wsConnections(): Int =
        Regex("\"connections\"\\s*:\\s*(\\d+)").find(control("GET", "/_mock/ws"))?.groupValues?.get(1)?.toInt()
            ?: error("no connections count in /_mock/ws")

    /** Makes the mock agent answer in a conversation; returns the message id. */
    fun agentReply(conversationId: String, text: String): String {
        val answer = control("POST", "/_mock/conversations/$conversationId/agent-reply", "{\"text\": \"$text\"}")
        return Regex("\"messageId\"\\s*:\\s*\"([^\"]+)\"").find(answer)?.groupValues?.get(1)
            ?: error("no messageId in $answer")
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(DEADLINE.seconds, TimeUnit.SECONDS)) process.destroyForcibly()
    }
}
