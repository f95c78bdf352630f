"""`make run`'s port probe (scripts/dev.py) judges the port as runserver will."""

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import dev  # noqa: E402 - scripts/ is not a package


def _port_with_time_wait() -> int:
    """A port whose listener is gone but whose closed connection lingers in TIME_WAIT, as
    after Ctrl-C of a runserver that had served requests (the side closing first waits)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    served, _address = listener.accept()
    served.close()  # the server closes first: its end of the connection enters TIME_WAIT
    client.recv(1)
    client.close()
    listener.close()
    return port


def test_port_in_time_wait_counts_as_free_like_runserver_sees_it():
    port = _port_with_time_wait()
    # What the old probe did (bind without SO_REUSEADDR) is refused here...
    with socket.socket() as naive, pytest.raises(OSError):
        naive.bind(("127.0.0.1", port))
    # ...but runserver would bind, and so the probe says free.
    assert dev.port_free(port)


def test_port_with_a_listener_is_in_use():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert not dev.port_free(port)
        assert not dev.wait_port_free(port, timeout=0)
    assert dev.wait_port_free(port, timeout=5)
