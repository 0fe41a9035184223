"""``multitrack serve`` as a user runs it: a taken port is refused in one line before any address is
printed (exit 2); a free one is served at the address printed."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.request

SERVE = [sys.executable, "-m", "multitrack", "serve", "--no-record"]


def test_a_taken_port_is_refused_in_one_line_before_any_address():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([*SERVE, "--port", str(port)], capture_output=True, text=True, timeout=120,
                              check=False)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""  # no address printed (the old code printed one, then failed)
    assert done.stderr == (f"error: cannot listen on 127.0.0.1:{port}: port {port} is already in use "
                           "(another server?); choose another with --port\n")


def test_an_address_that_is_not_this_computers_is_refused_in_one_line():
    done = subprocess.run([*SERVE, "--host", "no-such-host.invalid"], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("error: cannot listen on no-such-host.invalid:8765: no such address on this "
                           "computer; check --host\n")


def test_a_free_port_is_served_at_the_address_printed():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([*SERVE, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line == f"multitrack web app on http://127.0.0.1:{port}/ (Ctrl-C stops it)\n"
        # the socket listens before the line is printed, so the first request is answered
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as answer:
            assert answer.status == 200 and b"multitrack" in answer.read()
    finally:
        server.terminate()
        server.wait(timeout=30)
