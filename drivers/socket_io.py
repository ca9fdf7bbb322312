"""Reading a device's answer from a TCP socket, shared by the drivers that talk over TCP.

Both raise ConnectionError (an OSError) when the peer closed the connection, and let other
OSErrors through; each driver turns them into its own "link lost" error.
"""
from __future__ import annotations

import socket
import time


def recv_up_to(sock: socket.socket, count: int, timeout: float) -> bytes:
    """Up to `count` bytes, returning as soon as they are all in, or what came within `timeout`."""
    deadline = time.monotonic() + timeout
    data = bytearray()
    while len(data) < count:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            chunk = sock.recv(count - len(data))
        except socket.timeout:
            break
        if not chunk:
            raise ConnectionError("the device closed the connection")
        data += chunk
    return bytes(data)


def discard_pending(sock: socket.socket) -> None:
    """Throw away whatever the device sent that nobody asked for (a late answer, noise)."""
    sock.setblocking(False)
    try:
        while True:
            if not sock.recv(65536):
                raise ConnectionError("the device closed the connection")
    except (BlockingIOError, InterruptedError):
        pass
    finally:
        sock.setblocking(True)
