"""The Python side of the host-overhead bench: times `conversations().total_unread()` through
the FFI (generated bindings + the cdylib) against a running server-mock; prints JSON.
Run through `opencom-ffi/bench/run.sh`.

    python3 total_unread.py <bindings-dir> <deployment-url> <workspace-id> <iterations> <warmup>
"""

import asyncio
import json
import sys
import time


async def main(url: str, workspace_id: str, iterations: int, warmup: int) -> None:
    import opencom_ffi as oc

    oc.uniffi_set_event_loop(asyncio.get_running_loop())
    client = await (
        oc.ClientBuilder(url, workspace_id)
        .origin("https://app.example.com")
        .heartbeat_interval(None)
        .build()
    )
    await client.start()
    conversations = client.conversations()
    for _ in range(warmup):
        await conversations.total_unread()
    samples = []
    for _ in range(iterations):
        started = time.perf_counter_ns()
        await conversations.total_unread()
        samples.append((time.perf_counter_ns() - started) / 1e3)
    print(json.dumps({"samples_us": [round(s, 1) for s in samples]}))


if __name__ == "__main__":
    bindings, url, workspace_id, iterations, warmup = sys.argv[1:6]
    sys.path.insert(0, bindings)
    asyncio.run(main(url, workspace_id, int(iterations), int(warmup)))
