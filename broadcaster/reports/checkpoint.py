"""The checkpoint a report carries, read back from the file the district holds (JSON, DOCX
or XLSX), so `log verify --against` can check the log against what was sent."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from ..base.errors import UserError, in_words
from .docx import read_checkpoint_property
from .xlsx import CHECKPOINT_JSON, CHECKPOINT_SHEET


def read_checkpoint(path) -> dict:
    """The checkpoint in an exported checkpoint (.json) or in a report (.json, .docx, .xlsx)."""
    path = Path(path)
    hint = (
        "dùng báo cáo .docx/.xlsx/.json do broadcaster xuất, "
        "hoặc tệp của `broadcaster log checkpoint`"
    )
    if path.suffix.lower() == ".csv":
        raise UserError(
            f"{path.name} là báo cáo CSV: loại này chỉ có danh sách lượt phát, không mang "
            "điểm kiểm tra",
            hint=hint,
        )
    try:
        if path.suffix.lower() == ".docx":
            text = read_checkpoint_property(path)
        elif path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True)
            text = next(
                str(r[1])
                for r in wb[CHECKPOINT_SHEET].iter_rows(values_only=True)
                if r[0] in (CHECKPOINT_JSON, "json")
            )
        else:
            text = path.read_text("utf-8")
        data = json.loads(text)
        return data.get("checkpoint", data) if isinstance(data, dict) else {}
    except OSError as exc:
        raise UserError(f"không đọc được tệp {path.name} ({in_words(exc)})", hint=hint) from None
    except (ValueError, KeyError, StopIteration, zipfile.BadZipFile):
        raise UserError(
            f"không tìm thấy điểm kiểm tra trong {path.name}: tệp không phải báo cáo do "
            "broadcaster xuất, hoặc đã bị sửa",
            hint=hint,
        ) from None
