// The official Convex JavaScript client (npm `convex`, pinned in package.json) against the
// server-mock binary: ConvexHttpClient over HTTP, ConvexClient over the sync WebSocket.
// Any console.warn/console.error from the client (and its "took more than 20s" notice) fails
// the test that caused it.
//
// Run through ./test.sh (it builds the binary and sets SERVER_MOCK_BIN).

import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";

import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { anyApi } from "convex/server";

const LIMIT_MS = 20_000;
const api = anyApi;

let mock; // the child process
let url; // http://127.0.0.1:PORT
let workspaceId;

// --- console.warn / console.error make the current test fail -------------------------------
const complaints = [];
const original = { warn: console.warn, error: console.error };
for (const level of ["warn", "error"]) {
  console[level] = (...args) => {
    complaints.push(`console.${level}: ${args.map(String).join(" ")}`);
    original[level](...args);
  };
}
// The client reports slow or huge transitions at "info" level (console.log): with
// `serverTs`/`clientClockSkew` missing or wrong every result "took more than 20s to arrive".
// Reconnect notices ("WebSocket closed …", "Attempting reconnect …") are expected.
const originalLog = console.log;
console.log = (...args) => {
  const line = args.map(String).join(" ");
  if (/took more than 20s|totaling more th/.test(line)) complaints.push(`console.log: ${line}`);
  originalLog(...args);
};
beforeEach(() => {
  complaints.length = 0;
});
afterEach(() => {
  assert.deepEqual(complaints, [], "the Convex client warned or logged an error");
});

// --- the mock ------------------------------------------------------------------------------
/** Starts the server-mock binary with `args`; resolves to `{ child, url, workspaceId, ca }`. */
async function startMock(args) {
  const bin = process.env.SERVER_MOCK_BIN;
  assert.ok(bin, "SERVER_MOCK_BIN must point at the server-mock binary (see test.sh)");
  const child = spawn(bin, ["--port", "0", "--seed", "demo", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? "warn" },
  });
  const started = { child };
  const lines = createInterface({ input: child.stdout });
  const ready = (async () => {
    for await (const line of lines) {
      if (line.startsWith("CA certificate: ")) started.ca = line.slice("CA certificate: ".length);
      if (line.startsWith("OPENCOM_URL=")) started.url = line.slice("OPENCOM_URL=".length);
      if (line.startsWith("OPENCOM_WORKSPACE_ID=")) {
        started.workspaceId = line.slice("OPENCOM_WORKSPACE_ID=".length);
      }
      if (started.url && started.workspaceId) return started;
    }
    throw new Error("server-mock exited before printing its URL");
  })();
  return withTimeout(ready, "server-mock start-up");
}

async function stopMock(child) {
  if (child && child.exitCode === null) {
    child.kill("SIGINT");
    await once(child, "exit");
  }
}

before(async () => {
  ({ child: mock, url, workspaceId } = await startMock([]));
});

after(async () => {
  await stopMock(mock);
});

// --- helpers -------------------------------------------------------------------------------
function withTimeout(promise, what, ms = LIMIT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The mock's control API (`/_mock/...`): JSON in, JSON out. */
async function control(method, route, body) {
  const response = await fetch(`${url}/_mock${route}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${method} ${route}`);
  return response.json();
}

/** Waits (bounded) until `condition()` is true, polling. */
async function eventually(condition, what) {
  const deadline = Date.now() + LIMIT_MS;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`never happened: ${what}`);
}

/** Results of a live query, with a way to wait for one that satisfies a predicate. */
function watch(client, query, args) {
  const results = [];
  const waiters = new Set();
  const unsubscribe = client.onUpdate(
    query,
    args,
    (value) => {
      results.push(value);
      for (const waiter of waiters) waiter();
    },
    (error) => complaints.push(`subscription error: ${error}`),
  );
  const until = (predicate, what) =>
    withTimeout(
      new Promise((resolve) => {
        const check = () => {
          const found = results.find(predicate);
          if (found !== undefined) {
            waiters.delete(check);
            resolve(found);
          }
        };
        waiters.add(check);
        check();
      }),
      what,
    );
  return { results, until, unsubscribe };
}

/** A fresh visitor with an open conversation, over HTTP: `{ token, visitorId, conversationId }`. */
async function visitorWithConversation(http, sessionId) {
  const boot = await http.mutation(api.widgetSessions.boot, { workspaceId, sessionId });
  const token = boot.sessionToken;
  const visitorId = boot.visitor._id;
  const conversation = await http.mutation(api.conversations.createForVisitor, {
    workspaceId,
    sessionToken: token,
  });
  return { token, visitorId, conversationId: conversation._id };
}

const contents = (messages) => messages.map((m) => m.content);

// --- tests ---------------------------------------------------------------------------------
test("ConvexHttpClient: boot, open a conversation, send and list messages", async () => {
  const http = new ConvexHttpClient(url);
  const { token, visitorId, conversationId } = await visitorWithConversation(http, "js-http");
  assert.match(token, /^wst_/);

  const sent = await http.mutation(api.messages.send, {
    conversationId,
    senderId: visitorId,
    senderType: "visitor",
    content: "Hello from convex-js",
    sessionToken: token,
  });
  assert.equal(typeof sent, "string");

  const messages = await http.query(api.messages.list, { conversationId, sessionToken: token });
  assert.deepEqual(contents(messages), ["Hi! How can we help you today?", "Hello from convex-js"]);
  assert.equal(messages.at(-1)._id, sent);

  // A consistent read (`/api/query_ts` then `/api/query_at_ts`) and `/api/function`.
  const consistent = await http.consistentQuery(api.messages.list, {
    conversationId,
    sessionToken: token,
  });
  assert.equal(consistent.length, 2);
  const viaFunction = await http.function(api.messages.list, undefined, {
    conversationId,
    sessionToken: token,
  });
  assert.deepEqual(contents(viaFunction), contents(messages));

  // A thrown error arrives as Convex's error, with the function's message.
  await assert.rejects(
    http.query(api.messages.list, { conversationId: "nope", sessionToken: token }),
    /ArgumentValidationError|Server Error/,
  );
});

test("ConvexClient: a messages:list subscription receives the agent's reply", async () => {
  const http = new ConvexHttpClient(url);
  const { token, conversationId } = await visitorWithConversation(http, "js-live");
  const client = new ConvexClient(url);
  try {
    const live = watch(client, api.messages.list, { conversationId, sessionToken: token });
    await live.until((m) => m.length === 1, "the initial result");
    await control("POST", `/conversations/${conversationId}/agent-reply`, {
      text: "Hello from support",
    });
    const updated = await live.until(
      (m) => contents(m).includes("Hello from support"),
      "the agent reply",
    );
    assert.equal(updated.at(-1).senderType, "agent");
    assert.equal(updated.at(-1).senderName, "Alex from Support");
    live.unsubscribe();
  } finally {
    await client.close();
  }
});

test("ConvexClient: resumes after the server drops the socket", async () => {
  const http = new ConvexHttpClient(url);
  const { token, conversationId } = await visitorWithConversation(http, "js-drop");
  const client = new ConvexClient(url);
  try {
    const live = watch(client, api.messages.list, { conversationId, sessionToken: token });
    await live.until((m) => m.length === 1, "the initial result");
    assert.equal((await control("GET", "/ws")).connections, 1);

    const before = client.connectionState().connectionCount;
    await control("POST", "/ws/drop");
    // The client reconnects by itself …
    await eventually(
      async () =>
        client.connectionState().connectionCount > before &&
        client.connectionState().isWebSocketConnected &&
        (await control("GET", "/ws")).connections === 1,
      "a new socket",
    );
    // … and the subscription still delivers.
    await control("POST", `/conversations/${conversationId}/agent-reply`, {
      text: "after the drop",
    });
    await live.until((m) => contents(m).includes("after the drop"), "the reply after the drop");
    live.unsubscribe();
  } finally {
    await client.close();
  }
});

test("ConvexClient: a mutation whose response was lost runs exactly once", async () => {
  const http = new ConvexHttpClient(url);
  const { token, visitorId, conversationId } = await visitorWithConversation(http, "js-once");
  const client = new ConvexClient(url);
  try {
    const live = watch(client, api.messages.list, { conversationId, sessionToken: token });
    await live.until((m) => m.length === 1, "the initial result");
    const armed = await control("POST", "/ws/drop-next-mutation-response", {
      onlyPath: "messages:send",
    });
    assert.equal(armed.pendingResponseDrops, 1);

    // The mutation runs, the socket dies instead of answering, the client reconnects with
    // the same sessionId and re-sends requestId: the original result, no second run.
    const id = await withTimeout(
      client.mutation(api.messages.send, {
        conversationId,
        senderId: visitorId,
        senderType: "visitor",
        content: "exactly once",
        sessionToken: token,
      }),
      "the mutation",
    );
    const stored = await control("GET", `/conversations/${conversationId}/messages`);
    const once = stored.filter((m) => m.content === "exactly once");
    assert.equal(once.length, 1, "ran exactly once");
    assert.equal(once[0]._id, id);
    assert.equal((await control("GET", "/ws/faults")).pendingResponseDrops, 0);
    const sends = (await control("GET", "/calls")).filter(
      (c) => c.path === "messages:send" && c.transport === "websocket",
    );
    assert.equal(sends.length, 2, "sent twice, answered once from the session record");
    assert.ok(client.connectionState().connectionCount >= 2, "it did reconnect");
    // The subscription shows it once too.
    const shown = await live.until((m) => contents(m).includes("exactly once"), "the message");
    assert.equal(contents(shown).filter((c) => c === "exactly once").length, 1);
    live.unsubscribe();
  } finally {
    await client.close();
  }
});

test("over https:// and wss:// with only the mock's CA trusted (TLS mode of the binary)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "server-mock-js-tls-"));
  const tls = await startMock(["--tls", "--tls-ca-out", join(dir, "ca.pem")]);
  try {
    assert.match(tls.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(tls.ca, join(dir, "ca.pem"));
    // Node reads NODE_EXTRA_CA_CERTS only at start-up: the client runs in a child process.
    const runChild = (env) =>
      withTimeout(
        new Promise((resolve) => {
          execFile(
            process.execPath,
            ["tls-child.mjs", tls.url, tls.workspaceId],
            { env: { ...process.env, ...env }, timeout: LIMIT_MS },
            (error, stdout, stderr) => resolve({ error, stdout, stderr }),
          );
        }),
        "the TLS client",
      );
    const trusted = await runChild({ NODE_EXTRA_CA_CERTS: tls.ca });
    assert.equal(trusted.error, null, trusted.stderr);
    assert.equal(trusted.stderr, "", "no warnings or errors from the client");
    const result = JSON.parse(trusted.stdout.trim().split("\n").at(-1));
    assert.deepEqual(result.contents, ["Hi! How can we help you today?"]);

    // What the TLS mock recorded: the HTTP calls and the socket's subscription, on HTTP/1.1
    // (Node's fetch does not offer h2; the upgrade is HTTP/1.1).
    const calls = await new Promise((resolve, reject) => {
      httpsGet(`${tls.url}/_mock/calls`, { ca: readFileSync(tls.ca) }, (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve(JSON.parse(body)));
      }).on("error", reject);
    });
    const seen = calls.map((c) => `${c.transport} ${c.path} ${c.httpVersion}`);
    assert.deepEqual(seen, [
      "http widgetSessions:boot HTTP/1.1",
      "http conversations:createForVisitor HTTP/1.1",
      "websocket messages:list HTTP/1.1",
    ]);

    // Without the CA the same client cannot connect.
    const untrusted = await runChild({ NODE_EXTRA_CA_CERTS: "" });
    assert.notEqual(untrusted.error, null, "the client must fail without the CA");
    assert.match(untrusted.stderr, /certificate|self.signed|UNABLE_TO_VERIFY|fetch failed/i);
  } finally {
    await stopMock(tls.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
