"""The demo PKI's OCSP, CRL and timestamp services and the demo remote signing provider, started
as processes of their own for whoever needs them answering: the test run (once, by the controlling
process; xdist workers share them) and the benchmark. `make run` starts the same commands itself.

Certificates name the PKI services at 127.0.0.1:DEMO_PKI_PORT; the provider listens on
DEMO_CSC_PORT. A server already answering there (`make run` starts the same ones) is used as it is.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = "/demo-cong-vu/crls/ca/latest.crl"


SERVICES = [
    # (manage.py command, port variable, default port, a path that answers 200 when it is up)
    ("demo_pki", "DEMO_PKI_PORT", 8991, PROBE),
    ("csc_emulator", "DEMO_CSC_PORT", 8992, "/info"),
]


def answering(port, path, timeout=1.0):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as reply:
            return reply.status == 200
    except OSError:
        return False


def _start(command, port, path, env):
    if answering(port, path):
        return None
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if answering(port, path, timeout=2):
            return process
        if process.poll() is not None:
            raise RuntimeError(f"manage.py {command} stopped (exit {process.returncode})")
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"manage.py {command} did not answer on port {port}")


def start(env=None):
    """Start the services that do not answer yet; return the processes started.

    `env` is the services' environment (settings included); by default this process's own.
    """
    return [
        _start(command, int(os.environ.get(variable, default)), path, env)
        for command, variable, default, path in SERVICES
    ]


def stop(processes):
    for process in processes or []:
        if process is None:
            continue
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
