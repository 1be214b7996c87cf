"""The web console's rules (issue 23), each tried as a dishonest or unlucky caller would: a
stale page, an old cookie, a stranger guessing passwords, a leader approving his own text."""

import re
import time

from test_web import PASSWORD, csrf_of, pending, sign_in, version_of
from test_web import client as client
from test_web import people as people

from broadcaster.people import users
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue, save_script

SID = "chi-so-hai-long"


def test_a_leader_cannot_approve_text_he_did_not_see(client, people):
    pending(people)
    token = sign_in(client, "minh")
    seen = version_of(client.get(f"/bai/{SID}").text)
    script = Catalogue(Project(people)).get(SID)
    save_script(
        Project(people),
        SID,
        script.title,
        script.topic,
        script.body + "\nGọi 0999 999 999.",
        author="Trần Thị Lan, Công chức Văn hóa - Xã hội",
    )  # the officer saves meanwhile
    r = client.post(f"/bai/{SID}/duyet", data={"csrf": token, "phien-ban": seen})
    assert r.status_code == 409 and "đã được sửa lúc" in r.text and "Trần Thị Lan" in r.text
    assert not Catalogue(Project(people)).get(SID).approved
    r = client.post(
        f"/bai/{SID}/duyet",
        data={"csrf": token, "phien-ban": version_of(client.get(f"/bai/{SID}").text)},
    )
    assert r.status_code == 303 and Catalogue(Project(people)).get(SID).approved


def test_an_edit_from_an_older_page_is_refused_not_lost(client, people):
    token = sign_in(client, "lan")
    seen = version_of(client.get(f"/bai/{SID}").text)
    script = Catalogue(Project(people)).get(SID)
    form = {
        "csrf": token,
        "title": script.title,
        "topic": script.topic,
        "campaign": script.campaign,
        "valid_from": "",
        "valid_until": "",
        "body": "Bản thứ nhất.",
    }
    assert client.post(f"/bai/{SID}", data={**form, "phien-ban": seen}).status_code == 303
    r = client.post(
        f"/bai/{SID}", data={**form, "body": "Bản thứ hai, từ trang cũ.", "phien-ban": seen}
    )
    assert r.status_code == 409 and "mở lại bài" in r.text
    assert Catalogue(Project(people)).get(SID).body.strip() == "Bản thứ nhất."
    r = client.post(
        f"/bai/{SID}",
        data={
            **form,
            "title": "Hai\ndòng",
            "phien-ban": version_of(client.get(f"/bai/{SID}").text),
        },
    )
    assert r.status_code == 400 and "một dòng" in r.text


def test_sign_out_a_new_password_and_a_disabled_account_end_old_cookies(client, people):
    project = Project(people)
    for end in ("dang-xuat", "mat-khau", "moi-noi", "khoa"):
        client.cookies.clear()
        sign_in(client, "lan")
        old = client.cookies["phien"]
        if end == "dang-xuat":
            client.get("/dang-xuat")
        elif end == "mat-khau":
            users.set_password(project, "lan", PASSWORD)
        elif end == "khoa":
            users.disable(project, "lan")
        else:
            token = csrf_of(client.get("/").text)
            assert client.post("/dang-xuat/moi-noi", data={"csrf": token}).status_code == 303
        client.cookies.clear()
        client.cookies.set("phien", old)
        assert client.get("/").status_code == 303, end  # back to the sign-in page
        token = csrf_of(client.get("/dang-nhap").text)
        assert client.post(f"/bai/{SID}/gui", data={"csrf": token}).status_code == 303
    assert client.get("/").headers["location"].startswith("/dang-nhap")


def test_every_response_carries_the_security_headers(client):
    sign_in(client, "lan")
    for path in ("/", "/bai", "/dang-nhap", "/static/site.css", "/khong-co"):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        assert (
            "frame-ancestors 'none'" in csp
            and "script-src 'self'" in csp
            and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        )
        assert (
            r.headers["x-content-type-options"] == "nosniff"
            and r.headers["referrer-policy"] == "same-origin"
        )
    assert client.get("/").headers["cache-control"] == "no-store"
    assert (
        client.post(
            "/bai/doc",
            content=b"x" * (2 * 1024 * 1024),
            headers={"content-type": "application/x-www-form-urlencoded"},
        ).status_code
        == 413
    )


def test_sign_in_answers_alike_and_strangers_cannot_lock_anyone_out(client, people):
    token = csrf_of(client.get("/dang-nhap").text)
    answers, times = {}, {}
    for name in ("lan", "khong-ai-ten-nay"):
        began = time.perf_counter()
        for _ in range(users.FREE_FAILURES + 2):
            r = client.post(
                "/dang-nhap", data={"username": name, "password": "doan-bua", "csrf": token}
            )
        times[name] = time.perf_counter() - began
        answers[name] = re.sub(
            r"\d+ giây", "N giây", re.search(r'role="alert">([^<]*)<', r.text)[1]
        )
    assert answers["lan"] == answers["khong-ai-ten-nay"] and "thử lại sau" in answers["lan"]
    assert 0.5 < times["lan"] / times["khong-ai-ten-nay"] < 2
    # the officer, from her own machine, is not locked out by the stranger above
    user, why = users.authenticate(Project(people), "lan", PASSWORD, address="192.0.2.10")
    assert user is not None and why == ""


def test_the_workflow_a_leader_expects(client, people):
    project = Project(people)
    token = sign_in(client, "minh")
    assert "Duyệt bài này" not in client.get(f"/bai/{SID}").text  # approved already, not sent
    assert client.post(f"/bai/{SID}/duyet", data={"csrf": token}).status_code == 403
    script = Catalogue(project).get(SID)
    save_script(
        project,
        SID,
        script.title,
        script.topic,
        script.body + "\nThêm một câu.",
        author="Nguyễn Văn Minh, Phó Chủ tịch UBND phường",
    )  # the leader edited it himself
    pending(people)
    page = client.get(f"/bai/{SID}").text
    assert "nhờ một lãnh đạo khác duyệt" in page and "Duyệt bài này" not in page
    r = client.post(f"/bai/{SID}/duyet", data={"csrf": token, "phien-ban": version_of(page)})
    assert r.status_code == 403
    (people / "schedules.toml").write_text(
        (people / "schedules.toml").read_text("utf-8") + "\n[web]\nallow_self_approval = true\n",
        "utf-8",
    )
    page = client.get(f"/bai/{SID}").text
    assert (
        client.post(
            f"/bai/{SID}/duyet", data={"csrf": token, "phien-ban": version_of(page)}
        ).status_code
        == 303
    )
    # a returned script is an alert, with the note and a link, on its author's overview
    other = "van-hoa-cong-vu"
    s = Catalogue(project).get(other)
    save_script(
        project,
        other,
        s.title,
        s.topic,
        s.body + "\n.",
        author="Trần Thị Lan, Công chức Văn hóa - Xã hội",
    )
    pending(people, other)
    page = client.get(f"/bai/{other}").text
    client.post(
        f"/bai/{other}/tra-lai",
        data={"csrf": token, "note": "Ghi rõ giờ tiếp dân.", "phien-ban": version_of(page)},
    )
    client.cookies.clear()
    sign_in(client, "lan")
    overview = client.get("/").text
    assert (
        f'<a href="/bai/{other}"><strong>Lãnh đạo trả lại bài' in overview
        and "Ghi rõ giờ tiếp dân." in overview
    )


def test_a_queued_item_that_cannot_air_says_why_at_once(client, people):
    from datetime import datetime, timedelta

    from broadcaster.schedule import airqueue

    project = Project(people)
    airqueue.add(project, SID, datetime.now(project.station.tz) + timedelta(hours=2))
    script = Catalogue(project).get(SID)
    save_script(project, SID, script.title, script.topic, script.body + "\nSửa sau khi duyệt.")
    sign_in(client, "lan")
    assert "sẽ không được phát" in client.get("/hang-doi").text
    assert "sẽ không được phát" in client.get("/").text


def test_the_technician_manages_people_and_others_cannot(client, people):
    token = sign_in(client, "lan")
    assert client.get("/nguoi-dung").status_code == 403
    assert (
        client.post(
            "/nguoi-dung/them",
            data={"csrf": token, "name": "x", "role": "ky-thuat", "password": "mat-khau-dai-9"},
        ).status_code
        == 403
    )
    client.cookies.clear()
    token = sign_in(client, "hung")
    assert "Người dùng" in client.get("/").text
    r = client.post(
        "/nguoi-dung/them",
        data={
            "csrf": token,
            "name": "thu",
            "role": "soan-thao",
            "full_name": "Lê Thị Thu",
            "title": "Cộng tác viên",
            "password": "mat-khau-dai-9",
        },
    )
    assert r.status_code == 303 and users.get(Project(people), "thu").role == "soan-thao"
    r = client.post(
        "/nguoi-dung/them",
        data={"csrf": token, "name": "thu2", "role": "vua", "password": "mat-khau-dai-9"},
    )
    assert r.status_code == 400 and "vai trò" in r.text
    assert (
        client.post(
            "/nguoi-dung/thu", data={"csrf": token, "action": "mat-khau", "password": "ngan"}
        ).status_code
        == 400
    )
    assert client.post("/nguoi-dung/thu", data={"csrf": token, "action": "khoa"}).status_code == 303
    assert users.get(Project(people), "thu").disabled
    assert (
        client.post("/nguoi-dung/hung", data={"csrf": token, "action": "khoa"}).status_code == 400
    )
    assert (
        client.post("/nguoi-dung/khong-co", data={"csrf": token, "action": "khoa"}).status_code
        == 404
    )


def test_bad_dates_long_texts_and_messages_for_people(client, people):
    sign_in(client, "lan")
    r = client.get("/nhat-ky?den=31/12/9999")
    assert r.status_code == 200 and "ngoài khoảng" in r.text
    token = csrf_of(client.get("/").text)
    r = client.post(
        "/bai/doc", data={"csrf": token, "title": "Dài", "body": "Bà con chú ý. " * 3000}
    )
    assert r.status_code == 200 and "chỉ cho xem cách đọc" in r.text
    r = client.post("/bai/doc", data={"csrf": token, "title": "T", "body": "Hội XYZQ họp."})
    assert "lexicon.toml" not in r.text and "từ điển của đài" in r.text
