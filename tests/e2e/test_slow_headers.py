"""Issue 14: clients that drip their request line and headers are cut off like slow bodies.

aiohttp's server closed a connection that never completed its headers only after its keep-alive
timeout (an hour by default): the probe's 20 dripping connections were all held for 20 s.
"""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from bot.web import HEADER_TIMEOUT, WebServer
from tests.support.app import BotHarness

CLIENTS = 20


async def _drip(port: int, stop_after: float) -> float:
    """Send a request's headers one byte at a time; seconds until the server hung up."""
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = loop.time()
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000
    try:
        for byte in head:
            if loop.time() - started > stop_after:
                break
            writer.write(bytes([byte]))
            await writer.drain()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.1):
                    if await reader.read(1) == b"":  # the server closed the connection
                        break
    except ConnectionError:
        pass
    finally:
        writer.close()
    return loop.time() - started


async def test_dripping_headers_are_cut_off_after_a_short_timeout(bot: BotHarness) -> None:
    assert HEADER_TIMEOUT <= 10  # the production value: a slow client is not held for long
    server = WebServer(bot.services, host="127.0.0.1", port=0)
    server.header_timeout = 0.5
    await server.start()
    try:
        held = await asyncio.gather(*(_drip(server.port, stop_after=5.0) for _ in range(CLIENTS)))
        assert max(held) < 2.0, sorted(held)
        # A client that sends its request at once is served as before.
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{server.port}/healthz") as response,
        ):
            assert response.status in (200, 503)
    finally:
        await server.stop()
