"""`make run`: the web server, a Celery worker and beat together; Ctrl-C stops them all.

Usage: python -m emulation.devserver [--port 8000]
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _commands(port: int) -> dict[str, list[str]]:
    python = sys.executable
    var = BASE_DIR / "var"
    return {
        "web": [python, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "emulation",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--hostname",
            "worker@%h",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "emulation",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(var / "celerybeat-schedule"),
            "--pidfile",
            "",
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    (BASE_DIR / "var").mkdir(exist_ok=True)

    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print("\nĐang dừng máy chủ web, worker và beat…", flush=True)
        for proc in processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in processes.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    for name, cmd in _commands(args.port).items():
        processes[name] = subprocess.Popen(cmd, cwd=BASE_DIR)  # noqa: S603 (our own commands)
    print(
        f"Cổng thông tin đang chạy tại http://127.0.0.1:{args.port} "
        "(cùng Celery worker và beat). Nhấn Ctrl-C để dừng.",
        flush=True,
    )
    try:
        while not stopping:
            for name, proc in processes.items():
                if proc.poll() is not None:
                    print(f"Tiến trình {name} đã dừng (mã {proc.returncode}); dừng tất cả.")
                    stop()
                    return proc.returncode or 1
            time.sleep(0.5)
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
