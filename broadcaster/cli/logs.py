"""The daemon's log, as the officer and the technician read it: the station's time ("T2
30/11/2026 07:44:59"), Vietnamese levels, and APScheduler's warnings said in Vietnamese."""

from __future__ import annotations

import logging
import re
import sys
from datetime import datetime, tzinfo

from ..base.when import show_instant

LEVELS = {
    "DEBUG": "gỡ lỗi",
    "INFO": "thông tin",
    "WARNING": "cảnh báo",
    "ERROR": "lỗi",
    "CRITICAL": "nghiêm trọng",
}
# APScheduler 3.x's warnings and errors (schedulers/base.py, executors/base.py); {0} is the
# job said in words (JOBS), {1} the rest
SCHEDULER_MESSAGES = [
    (
        r'Run time of job "(.*)" was missed by (.*)',
        "bộ hẹn giờ: việc {0} chạy trễ {1} (máy bận hoặc vừa bị treo)",
    ),
    (
        r'Execution of job "(.*)" skipped: maximum number of running instances reached',
        "bộ hẹn giờ: bỏ một lượt {0} vì lượt trước chưa xong (thường do cơ sở dữ liệu bận; "
        "việc phát "
        "không bị ảnh hưởng)",
    ),
    (r'Job "(.*)" raised an exception', "bộ hẹn giờ: việc {0} bị lỗi"),
    (r"Error running job", "bộ hẹn giờ: một việc định kỳ bị lỗi"),
    (
        r"Error (?:getting due jobs|submitting job|notifying listener)",
        "bộ hẹn giờ: lỗi nội bộ khi lấy hoặc giao việc",
    ),
]
JOBS = {
    "_heartbeat": "ghi nhịp tim và ký điểm kiểm tra hằng ngày",
    "tick": "xét lịch phát",
    "_render_ahead": "dựng trước âm thanh",
    "_sync": "gửi nhật ký lên quận",
    "_plan": "ghi kế hoạch phát",
}


def _job(text: str) -> str:
    """'Daemon._heartbeat (trigger: …)' -> what the job does, in words."""
    name = text.split(" (", 1)[0].rsplit(".", 1)[-1]
    return JOBS.get(name, "định kỳ")


class SchedulerInVietnamese(logging.Filter):
    """On the handler: rewrites APScheduler's records in Vietnamese (the technical original
    kept as a detail when no known message matches) and drops its chatter below WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("apscheduler"):
            return True
        if record.levelno < logging.WARNING:
            return False
        text = record.getMessage()
        for pattern, vietnamese in SCHEDULER_MESSAGES:
            m = re.match(pattern, text)
            if m:
                groups = m.groups()
                job = _job(groups[0]) if groups else ""
                record.msg, record.args = vietnamese.format(job, *groups[1:], "", ""), None
                return True
        record.msg, record.args = "bộ hẹn giờ gặp sự cố", None
        record.detail = text
        return True


class StationFormatter(logging.Formatter):
    """ "T2 30/11/2026 07:44:59 cảnh báo: …" in the station's time zone."""

    def __init__(self, tz: tzinfo | None):
        super().__init__()
        self.tz = tz

    def format(self, record: logging.LogRecord) -> str:
        at = datetime.fromtimestamp(record.created).astimezone(self.tz)
        level = LEVELS.get(record.levelname, record.levelname)
        line = f"{show_instant(at, at.tzinfo, seconds=True)} {level}: {record.getMessage()}"
        detail = getattr(record, "detail", "") or (
            self.formatException(record.exc_info) if record.exc_info else ""
        )
        if detail:
            line += "\n  chi tiết kỹ thuật (cho kỹ thuật viên):\n" + detail
        return line


def setup(tz: tzinfo | None, stream=None) -> None:
    """Log to stderr (journald keeps it under systemd) in the station's time."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(StationFormatter(tz))
    handler.addFilter(SchedulerInVietnamese())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
