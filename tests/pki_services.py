"""The demo PKI's OCSP, CRL and timestamp services for the test run, started once by the
controlling process (xdist workers share them) and stopped at the end.

Certificates name these services at 127.0.0.1:DEMO_PKI_PORT. A server already answering there
(`make run` starts the same services) is used as it is.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "/demo-cong-vu/crls/ca/latest.crl"


def _port():
    return int(os.environ.get("DEMO_PKI_PORT", "8991"))


def answering(port, timeout=1.0):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{PROBE}", timeout=timeout) as reply:
            return reply.status == 200
    except OSError:
        return False


def start():
    """Start the services unless they answer already; return the process (or None)."""
    port = _port()
    if answering(port):
        return None
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "pki_services"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if answering(port, timeout=2):
            return process
        if process.poll() is not None:
            raise RuntimeError(f"manage.py pki_services stopped (exit {process.returncode})")
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"The demo PKI services did not answer on port {port}")


def stop(process):
    if process is not None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
