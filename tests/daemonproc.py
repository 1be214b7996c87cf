"""A real `broadcaster run` process for the end-to-end tests, and waiting on what it logs."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import run_cli


class Daemon:
    def __init__(self, root: Path, sound):
        self.root, self.sound = root, sound
        self.log = root / "daemon.log"
        self.proc = None

    def start(self) -> "Daemon":
        exe = Path(sys.executable).parent / "broadcaster"
        started = (
            self.log.read_text("utf-8").count("bắt đầu phát theo lịch") if self.log.exists() else 0
        )
        with open(self.log, "a") as stderr:
            self.proc = subprocess.Popen(
                [str(exe), "--project", str(self.root), "run"],
                stderr=stderr,
                env={**os.environ, **self.sound.env},
            )
        wait_for(lambda: self.log.read_text("utf-8").count("bắt đầu phát theo lịch") > started, 20)
        return self

    def stop(self, sig=signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(20)


def wait_for(condition, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def log_rows(root: Path, *args: str) -> list[dict]:
    result = run_cli(root, "log", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
