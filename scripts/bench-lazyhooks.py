#!/usr/bin/env python3
"""The PyPI peer `lazyhooks` in its durable mode (SQLite storage), on the same receiver as
`squawk bench dispatch`: signed JSON webhooks per second, for the delivery issue's side-by-side.

    python3 -m venv /tmp/lh && /tmp/lh/bin/pip install lazyhooks
    nginx -p /tmp/nginx-bench -c "$PWD/scripts/nginx-bench.conf"
    /tmp/lh/bin/python scripts/bench-lazyhooks.py [--url http://127.0.0.1:18080] [--events 5000]

Each send is stored before it goes out and updated after, as lazyhooks does with a storage;
`--concurrency` sends are in flight at once, to `--endpoints` distinct paths (as the Squawk
benchmark does). Not a test: run it on an idle machine.
"""
import argparse
import asyncio
import os
import tempfile
import time

from lazyhooks import WebhookSender


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:18080")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--endpoints", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=128)
    args = parser.parse_args()
    base = args.url.rstrip("/")
    with tempfile.TemporaryDirectory() as tmp:
        sender = WebhookSender(signing_secret="bench-secret", storage=os.path.join(tmp, "lazyhooks.db"))
        gate = asyncio.Semaphore(args.concurrency)

        async def one(n: int) -> None:
            async with gate:
                await sender.send(f"{base}/hook/{n % args.endpoints}",
                                  {"type": "flight.takeoff", "data": {"flightId": f"flight-{n}", "callsign": f"DAL{n % 9000}",
                                                                       "airport": "KLAX", "groundSpeed": 152, "altitude": 180}})

        start = time.perf_counter()
        await asyncio.gather(*(one(n) for n in range(args.events)))
        took = time.perf_counter() - start
    print(f"lazyhooks (durable, SQLite): {args.events} signed webhooks in {took:.2f} s = {args.events / took:.0f}/s "
          f"({args.concurrency} in flight)")


if __name__ == "__main__":
    asyncio.run(main())
