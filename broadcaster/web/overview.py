"""Tổng quan: what plays, what comes, and what someone must do (each alert a link to where)."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

from starlette.requests import Request

from .. import evidence
from ..air import onair
from ..base import when
from ..base.labels import show_number
from ..schedule.scripts import Catalogue
from .console import Console, guarded, titles


@guarded()
def overview(console: Console, request: Request, form):

    project, user = console.project, request.state.user
    s = onair.status(project)
    since = datetime.now(project.station.tz) - timedelta(days=1)
    bad = [
        evidence.as_dict(r, project.station.tz)
        for r in evidence.query(project, since)
        if r.status in ("failed", "missed")
    ]
    catalogue = Catalogue(project)
    names = titles(catalogue)
    alerts: list[tuple] = []  # (kind, what, what to do, where or [(name, link)])
    if not s["running"]:
        alerts.append(
            (
                "bad",
                "Đài KHÔNG chạy: không có gì được phát.",
                "Nhờ kỹ thuật viên bật đài trên máy phát (dịch vụ broadcaster).",
                "",
            )
        )
    alerts += [
        (
            "bad",
            f"#{q['id']} {names.get(q['script_id'], q['script_id'])} quá giờ mà chưa phát.",
            "Kiểm tra đài có chạy và có loa.",
            "/hang-doi",
        )
        for q in s["queue"]
        if q["overdue"]
    ]
    alerts += [
        (
            "bad",
            f"Mất kết nối cụm loa: {c['name']} ({c['zone_name']}).",
            "Kiểm tra điện và mạng của cụm loa.",
            "",
        )
        for c in s["clusters"]
        if c["alert"]
    ]
    alerts += [
        (
            "bad",
            f"Bản tin {b['priority']} của {b['source']} chưa phát: {b['title']}.",
            "Lãnh đạo duyệt bài rồi xếp phát ngay.",
            f"/bai/{b['script_id']}",
        )
        for b in s["bulletins"]
    ]
    today = datetime.now(project.station.tz).date()
    for q in s["queue"]:
        script = catalogue.scripts.get(q["script_id"])
        why = "không có bài này" if script is None else script.airable(today)
        if why:
            alerts.append(
                (
                    "bad",
                    f"#{q['id']} {names.get(q['script_id'], q['script_id'])} sẽ không được "
                    f"phát: {why}.",
                    "Sửa hoặc duyệt lại bài, hoặc hủy mục này.",
                    "/hang-doi",
                )
            )
    mine = [
        sc
        for sc in catalogue.scripts.values()
        if sc.review_note and sc.status == "draft" and user.signature in (sc.author, sc.edited_by)
    ]
    alerts += [
        (
            "warn",
            f"Lãnh đạo trả lại bài “{sc.title}”: {sc.review_note}",
            "Sửa rồi gửi lại.",
            f"/bai/{sc.id}",
        )
        for sc in mine
    ]
    if s["unanchored"]:
        alerts.append(
            (
                "warn",
                f"{s['unanchored'][:1].upper()}{s['unanchored'][1:]}.",
                "Báo kỹ thuật viên.",
                "",
            )
        )
    if bad:
        alerts.append(
            (
                "warn",
                f"{len(bad)} buổi lỗi hoặc bị lỡ từ hôm qua.",
                "Xem trang Nhật ký.",
                "/nhat-ky",
            )
        )
    stale = [sc for sc in catalogue.scripts.values() if sc.stale]
    if stale:
        alerts.append(
            (
                "warn",
                f"{len(stale)} bài đã sửa sau khi duyệt, cần duyệt lại.",
                "Lãnh đạo duyệt lại ở trang Bài phát thanh.",
                "/bai",
            )
        )
    pending = [sc for sc in catalogue.scripts.values() if sc.status == "pending"]
    if pending:
        alerts.append(
            (
                "warn",
                f"{len(pending)} bài đang chờ duyệt.",
                "Lãnh đạo duyệt ở trang Bài phát thanh.",
                "/bai",
            )
        )
    if s["espeak"]:  # one alert, each script a link to where its reading is recorded
        alerts.append(
            (
                "warn",
                f"{len(s['espeak'])} bài sắp phát bằng giọng máy đọc (espeak), người nghe khó "
                "hiểu.",
                "Ghi âm giọng đọc ở trang của bài (phần Ghi âm), hoặc nhờ kỹ thuật viên cài "
                "giọng đọc:",
                [
                    (
                        f"/bai/{i['script_id']}#ghi-am",
                        f"{i['title']} ({when.show_instant(i['at'], i['at'].tzinfo)})",
                    )
                    for i in s["espeak"]
                ],
            )
        )
    free = shutil.disk_usage(project.root).free / 1e9
    if free < 1.0:
        alerts.append(
            (
                "bad",
                f"Ổ đĩa chỉ còn {show_number(free)} GB.",
                "Nhờ kỹ thuật viên dọn bớt tệp âm thanh cũ.",
                "",
            )
        )
    if not alerts:
        alerts.append(("good", "Mọi thứ bình thường.", "", ""))
    return console.page(request, "overview.html", s=s, alerts=alerts, bad=bad, titles=names)
