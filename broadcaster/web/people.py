"""Người dùng: the technician adds people, gives them a role, resets a password, disables an
account; each change to a password or an account ends that person's sessions at once."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..base.errors import UserError
from ..people import sessions, users
from .console import Console, for_people, guarded


def people_view(
    console: Console, request: Request, error: str = "", values: dict | None = None, code: int = 200
):
    return console.page(
        request,
        "people.html",
        code,
        people=users.all_users(console.project),
        error=error,
        values=values or {},
        done=request.query_params.get("xong", ""),
    )


@guarded("users")
def people(console: Console, request: Request, form):
    return people_view(console, request)


@guarded("users")
def person_add(console: Console, request: Request, form):
    values = {k: str(form.get(k, "")).strip() for k in ("name", "role", "full_name", "title")}
    try:
        if values["role"] not in users.ROLES:
            raise UserError("chọn một vai trò trong danh sách")
        users.add(
            console.project,
            values["name"],
            values["role"],
            str(form.get("password", "")),
            values["full_name"],
            values["title"],
        )
    except UserError as exc:
        return people_view(console, request, for_people(exc), values, 400)
    return RedirectResponse("/nguoi-dung?xong=them", 303)


@guarded("users")
def person_change(console: Console, request: Request, form):
    name, action = request.path_params["name"], str(form.get("action", ""))
    if users.get(console.project, name) is None:
        raise HTTPException(404, f"Không có người dùng “{name}”.")
    try:
        if action == "mat-khau":
            users.set_password(console.project, name, str(form.get("password", "")))
        elif action == "khoa":
            if name == request.state.user.name:
                raise UserError("không tự khóa tài khoản của mình")
            users.disable(console.project, name)
        elif action == "dang-xuat":
            sessions.end_all(console.project, name)
        else:
            raise HTTPException(400, "Thao tác không hợp lệ.")
    except UserError as exc:
        return people_view(console, request, for_people(exc), None, 400)
    return RedirectResponse(f"/nguoi-dung?xong={action}", 303)
