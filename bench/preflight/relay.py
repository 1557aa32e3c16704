#!/usr/bin/env python3
"""A DNS relay that adds a fixed delay to every answer (UDP and TCP), for benchmarks.

    relay.py LISTEN_IP LISTEN_PORT UPSTREAM_IP UPSTREAM_PORT DELAY_MS

Loopback only: it refuses to listen on or forward to anything outside 127.0.0.0/8.
"""
import asyncio
import sys

listen_ip, listen_port, up_ip, up_port, delay_ms = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
assert listen_ip.startswith("127.") and up_ip.startswith("127."), "loopback only"
DELAY = delay_ms / 1000.0


class Upstream(asyncio.DatagramProtocol):
    def __init__(self, relay, client, query):
        self.relay, self.client, self.query = relay, client, query

    def connection_made(self, transport):
        self.transport = transport
        transport.sendto(self.query)

    def datagram_received(self, data, addr):
        loop = asyncio.get_running_loop()
        loop.call_later(DELAY, self.relay.transport.sendto, data, self.client)
        self.transport.close()


class Relay(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        loop = asyncio.get_running_loop()
        loop.create_task(loop.create_datagram_endpoint(lambda: Upstream(self, addr, data), remote_addr=(up_ip, up_port)))


async def tcp_client(reader, writer):
    try:
        while True:
            head = await reader.readexactly(2)
            query = await reader.readexactly(int.from_bytes(head, "big"))
            ur, uw = await asyncio.open_connection(up_ip, up_port)
            uw.write(head + query)
            await uw.drain()
            ahead = await ur.readexactly(2)
            answer = await ur.readexactly(int.from_bytes(ahead, "big"))
            uw.close()
            await asyncio.sleep(DELAY)
            writer.write(ahead + answer)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Relay, local_addr=(listen_ip, listen_port))
    server = await asyncio.start_server(tcp_client, listen_ip, listen_port)
    print(f"relay {listen_ip}:{listen_port} -> {up_ip}:{up_port} +{delay_ms} ms", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
