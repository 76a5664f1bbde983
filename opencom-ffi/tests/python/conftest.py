"""Fixtures for the Python host tests of opencom-ffi.

The tests load the real cdylib through the generated bindings (opencom-ffi/generate.sh) and run
against the server-mock binary, started per test on an ephemeral port.

Environment:
  OPENCOM_FFI_BINDINGS  directory holding opencom_ffi.py + libopencom_ffi.so
                        (default: target/opencom-ffi/bindings/python)
  SERVER_MOCK_BIN       the server-mock binary (default: target/debug/server-mock)
"""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BINDINGS = Path(
    os.environ.get("OPENCOM_FFI_BINDINGS", ROOT / "target" / "opencom-ffi" / "bindings" / "python")
)
SERVER_MOCK = Path(os.environ.get("SERVER_MOCK_BIN", ROOT / "target" / "debug" / "server-mock"))

if not (BINDINGS / "opencom_ffi.py").is_file():
    pytest.exit(f"no bindings in {BINDINGS}: run opencom-ffi/generate.sh first", returncode=2)
if not SERVER_MOCK.is_file():
    pytest.exit(f"no server-mock at {SERVER_MOCK}: cargo build -p server-mock", returncode=2)

sys.path.insert(0, str(BINDINGS))

import opencom_ffi as oc  # noqa: E402

#: Every wait in these tests is bounded by this deadline.
DEADLINE_S = 20.0


class Mock:
    """A running server-mock process and its JSON control API."""

    def __init__(self, *args: str) -> None:
        self.log = open(os.devnull, "wb")
        self.proc = subprocess.Popen(
            [str(SERVER_MOCK), "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=self.log,
            env={**os.environ, "RUST_LOG": "warn"},
        )
        self.env: dict[str, str] = {}
        self._read_banner()
        self.url = self.env["OPENCOM_URL"]
        self.workspace_id = self.env["OPENCOM_WORKSPACE_ID"]

    def _read_banner(self) -> None:
        """Reads the `KEY=value` lines printed at start-up, within the deadline."""
        assert self.proc.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(self.proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + DEADLINE_S
        buffer = b""
        while "OPENCOM_WORKSPACE_ID" not in self.env:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                self.stop()
                raise RuntimeError("server-mock did not print its URL in time")
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                self.stop()
                raise RuntimeError(f"server-mock exited with {self.proc.wait()}")
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                key, _, value = line.decode().strip().partition("=")
                if key.startswith("OPENCOM_"):
                    self.env[key] = value
        selector.close()

    def control(self, method: str, path: str, body: object | None = None) -> object:
        """Calls the control API (`/_mock/...`) and returns the decoded JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=DEADLINE_S) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def functions(self) -> set[str]:
        return set(self.control("GET", "/_mock/info")["functions"])

    def calls(self) -> list[dict]:
        return self.control("GET", "/_mock/calls")

    def clear_calls(self) -> None:
        self.control("DELETE", "/_mock/calls")

    def called(self, path: str) -> int:
        return sum(1 for c in self.calls() if c["path"] == path)

    def fault(self, **fault: object) -> None:
        self.control("POST", "/_mock/faults", fault)

    def set_ws_enabled(self, enabled: bool) -> dict:
        """Accepts (True) or refuses (False: 503 before the upgrade) sync WebSockets."""
        return self.control("POST", "/_mock/ws", {"enabled": enabled})

    def drop_ws_connections(self) -> dict:
        """Closes every open sync WebSocket abruptly, as a network loss would."""
        return self.control("POST", "/_mock/ws/drop", {})

    def ws(self) -> dict:
        """The sync socket's state: `enabled`, open `connections`, …"""
        return self.control("GET", "/_mock/ws")

    def require(self, *functions: str) -> None:
        """Fails (never skips) when the mock lacks a function a test needs."""
        missing = sorted(set(functions) - self.functions())
        assert not missing, f"server-mock does not implement {missing}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


@pytest.fixture
def mock():
    server = Mock("--seed", "demo")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session", autouse=True)
async def uniffi_event_loop():
    """Async host callbacks (Storage) are scheduled on the test loop from SDK threads."""
    oc.uniffi_set_event_loop(asyncio.get_running_loop())
    yield


def thread_name() -> str:
    """The OS name of the calling thread (Python calls foreign threads `Dummy-N`)."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/comm") as comm:
            return comm.read().strip()
    except OSError:
        return threading.current_thread().name


class DictStorage(oc.Storage):
    """A host `Storage` in Python: what an app does over the Keychain/Keystore."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.ops: list[tuple[str, str]] = []
        self.fail_get: Exception | None = None
        self.fail_set: Exception | None = None

    async def get(self, key: str):
        self.ops.append(("get", key))
        if self.fail_get is not None:
            raise self.fail_get
        return self.values.get(key)

    async def set(self, key: str, value: str) -> None:
        self.ops.append(("set", key))
        if self.fail_set is not None:
            raise self.fail_set
        # Suspend once, as a real Keychain/Keystore bridge would.
        await asyncio.sleep(0)
        self.values[key] = value

    async def remove(self, key: str) -> None:
        self.ops.append(("remove", key))
        self.values.pop(key, None)

    async def keys(self, prefix: str):
        self.ops.append(("keys", prefix))
        return sorted(k for k in self.values if k.startswith(prefix))

    def session_key(self) -> str:
        keys = [k for k in self.values if k.endswith("/session")]
        assert len(keys) == 1, keys
        return keys[0]

    def token(self) -> str:
        return json.loads(self.values[self.session_key()])["token"]


class Collector(
    oc.MessagesListener,
    oc.ConversationsListener,
    oc.UnreadCountListener,
    oc.ConnectionStateListener,
    oc.ClientEventListener,
    oc.SurveysListener,
    oc.SurveyTriggerListener,
    oc.CarouselsListener,
    oc.OutboundMessagesListener,
    oc.ChecklistsListener,
    oc.AiAnswersListener,
):
    """A listener that hands every call to the test's event loop, for `await next(...)`.

    Listener methods are called on SDK threads: they only enqueue, with call_soon_threadsafe.
    """

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue = asyncio.Queue()
        self.threads: set[str] = set()

    def _put(self, item) -> None:
        self.threads.add(thread_name())
        self.loop.call_soon_threadsafe(self.queue.put_nowait, item)

    # MessagesListener / ConversationsListener / UnreadCountListener / ConnectionStateListener:
    # snapshots arrive as (kind, value, from_cache, via).
    def on_messages(self, messages, from_cache, via):
        self._put(("messages", messages, from_cache, via))

    def on_conversations(self, conversations, from_cache, via):
        self._put(("conversations", conversations, from_cache, via))

    def on_unread_count(self, count, from_cache, via):
        self._put(("unread", count, from_cache, via))

    def on_state(self, state):
        self._put(("state", state))

    def on_error(self, error):
        self._put(("error", error))

    # ClientEventListener: ("event", ClientEvent).
    def on_event(self, event):
        self._put(("event", event))

    # The engagement listeners: snapshots as (kind, list, from_cache, via).
    def on_surveys(self, surveys, from_cache, via):
        self._put(("surveys", surveys, from_cache, via))

    def on_carousels(self, carousels, from_cache, via):
        self._put(("carousels", carousels, from_cache, via))

    def on_outbound_messages(self, messages, from_cache, via):
        self._put(("outbound", messages, from_cache, via))

    def on_checklists(self, checklists, from_cache, via):
        self._put(("checklists", checklists, from_cache, via))

    def on_ai_answers(self, answers, from_cache, via):
        self._put(("ai_answers", answers, from_cache, via))

    # SurveyTriggerListener: ("triggered", Survey).
    def on_survey_triggered(self, survey):
        self._put(("triggered", survey))

    async def next(self, timeout: float = DEADLINE_S):
        return await asyncio.wait_for(self.queue.get(), timeout)

    async def until(self, predicate, timeout: float = DEADLINE_S):
        """Returns the first delivered item matching `predicate`, within the deadline."""

        async def scan():
            while True:
                item = await self.queue.get()
                if predicate(item):
                    return item

        return await asyncio.wait_for(scan(), timeout)


class LogCollector(oc.LogSink):
    """A host LogSink."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.records: list = []
        self.arrived = asyncio.Event()

    def log(self, records):
        self.loop.call_soon_threadsafe(self._add, list(records))

    def _add(self, records) -> None:
        self.records.extend(records)
        self.arrived.set()

    async def until(self, predicate, timeout: float = DEADLINE_S):
        async def scan():
            while True:
                found = [r for r in self.records if predicate(r)]
                if found:
                    return found
                self.arrived.clear()
                await self.arrived.wait()

        return await asyncio.wait_for(scan(), timeout)


#: A poll interval no test outlives: with it, a live value can only have come over the socket.
HOUR_S = 3600.0
#: A quick poll interval, for tests where polling delivers.
POLL_S = 0.2


def builder(mock: Mock, storage=None, **options) -> "oc.ClientBuilder":
    """A builder for the mock, as apps run it: the WebSocket (with an hour between polls, so
    polling cannot deliver unless a test asks for quick polls), no retries unless asked, no
    heartbeat. `realtime=oc.RealtimeMode.POLLING` polls every `POLL_S` unless told otherwise."""
    realtime = options.get("realtime", oc.RealtimeMode.WEB_SOCKET)
    default_poll = HOUR_S if realtime == oc.RealtimeMode.WEB_SOCKET else POLL_S
    b = (
        oc.ClientBuilder(mock.url, mock.workspace_id)
        .origin("https://app.example.com")
        .device(oc.DeviceInfo(platform="ios", os="iOS 18.1", device_type="mobile"))
        .realtime(realtime)
        .poll_interval(timedelta(seconds=options.get("poll_interval", default_poll)))
        .heartbeat_interval(None)
        .retry_policy(oc.RetryPolicy(max_attempts=options.get("max_attempts", 1)))
        .request_timeout(timedelta(seconds=options.get("request_timeout", 10.0)))
    )
    if storage is not None:
        b = b.storage(storage)
    return b
