"""Zones and IP loudspeaker clusters: `[[zone]]`, `[[cluster]]` and `[icecast]` of
`schedules.toml`.

A zone (a khu phố, say) is where an airing is heard: the PC's wired loudspeakers, an Icecast
mount its IP loudspeaker clusters (cụm loa) pull from, or both. A station that declares no
zone airs as before, on the PC's sound output only. A cluster belongs to one zone and is known
by the address it connects from. Passwords never live in `schedules.toml`: they come from the
environment or from a file the setting names.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..base.errors import Problem, UserError
from ..store.schema import Field, Place, boolean, integer, number, read, setting, settings, text
from ..store.tomlfile import Locator

ZONE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MOUNT = re.compile(r"/?[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
SOURCE_PASSWORD_ENV = "BROADCASTER_ICECAST_PASSWORD"
ADMIN_PASSWORD_ENV = "BROADCASTER_ICECAST_ADMIN_PASSWORD"


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    speakers: bool  # the PC's own sound output (the wired loudspeakers)
    mount: str  # an Icecast mount ("/kp1.mp3"), or ""
    line: int = 0

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Cluster:
    id: str
    name: str
    zone: str
    address: str  # the IP address or host name it connects from
    line: int = 0

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Icecast:
    """The Icecast server the zones' mounts are on (started by the station's service file, or
    an existing one), and how its passwords are found."""

    url: str = setting("", "địa chỉ máy chủ Icecast")
    password_file: str = setting("", "tệp mật khẩu nguồn Icecast")
    admin_user: str = setting("admin", "tài khoản quản trị Icecast")
    admin_password_file: str = setting("", "tệp mật khẩu quản trị Icecast")
    bitrate_kbps: int = setting(64, "tốc độ bit của luồng, kbps", integer(16, 320))
    cluster_alert_minutes: float = setting(10, "báo động khi cụm loa mất kết nối quá, phút")
    poll_seconds: float = setting(5, "hỏi trạng thái cụm loa mỗi, giây", number(1, 300))

    def password(self, root: Path) -> str:
        return _secret(SOURCE_PASSWORD_ENV, self.password_file, root, "mật khẩu nguồn Icecast")

    def admin_password(self, root: Path) -> str:
        return _secret(
            ADMIN_PASSWORD_ENV, self.admin_password_file, root, "mật khẩu quản trị Icecast"
        )


def _secret(env: str, file: str, root: Path, what: str) -> str:
    if os.environ.get(env):
        return os.environ[env]
    if not file:
        raise UserError(
            f"chưa có {what}",
            hint=f"đặt biến môi trường {env}, hoặc ghi tên tệp chứa nó vào [icecast]",
        )
    path = Path(file) if Path(file).is_absolute() else root / file
    try:
        return path.read_text("utf-8").strip()
    except OSError:
        raise UserError(
            f"không đọc được {what}", path, hint="kiểm tra tên tệp và quyền đọc"
        ) from None


ZONE = (
    Field("id", "mã vùng", text, "", required=True, hint='thêm id = "kp1"'),
    Field("name", "tên vùng", text, ""),
    Field("speakers", "loa dây của máy phát", boolean, False),
    Field("mount", "điểm phát Icecast", text, ""),
)
CLUSTER = (
    Field("id", "mã cụm loa", text, "", required=True, hint='thêm id = "kp1-cho"'),
    Field("name", "tên cụm loa", text, ""),
    Field("zone", "vùng của cụm loa", text, "", required=True, hint='thêm zone = "kp1"'),
    Field(
        "address",
        "địa chỉ của cụm loa",
        text,
        "",
        required=True,
        hint='địa chỉ IP hoặc tên máy mà cụm loa kết nối từ, ví dụ address = "10.0.1.21"',
    ),
)


@dataclass
class Zoning:
    """What `schedules.toml` says about zones; ``zones`` is empty on a station without any."""

    icecast: Icecast
    zones: tuple[Zone, ...] = ()
    clusters: tuple[Cluster, ...] = ()

    def zone(self, zone_id: str) -> Zone | None:
        return next((z for z in self.zones if z.id == zone_id), None)

    def in_zone(self, zone_id: str) -> list[Cluster]:
        return [c for c in self.clusters if c.zone == zone_id]


def asked_zones(zoning: Zoning, zones: tuple[str, ...]) -> str:
    """The zones a queue item or a live announcement asks for, as stored (space-separated,
    "" for every zone); an unknown one is refused naming the station's zones."""
    declared = [z.id for z in zoning.zones]
    for zone in zones:
        if zone not in declared:
            raise UserError(
                f"không có vùng `{zone}`",
                hint="các vùng của đài: " + (", ".join(declared) or "chưa khai báo [[zone]] nào"),
            )
    return " ".join(dict.fromkeys(zones))


def read_zoning(data: dict, path: Path, loc: Locator, problems: list[Problem]) -> Zoning:
    def place(table: str, index: int | None = None) -> Place:
        return Place(path, loc, table, index, problems)

    icecast = settings(Icecast, data.get("icecast", {}), place("icecast"))
    zones: list[Zone] = []
    for index, t in enumerate(_tables(data, "zone", path, loc, problems)):
        at = place("zone", index)
        v, ok = read(t, ZONE, at)
        if v["id"] and not ZONE_ID.fullmatch(v["id"]):
            ok = False
            at.add("id", f"mã vùng không hợp lệ: `{v['id']}`", "dùng chữ thường không dấu, số, -")
        if any(z.id == v["id"] for z in zones):
            ok = False
            at.add("id", f"trùng mã vùng `{v['id']}`", "mỗi vùng một mã riêng")
        mount = v["mount"].strip()
        if mount and not MOUNT.fullmatch(mount):
            ok = False
            at.add("mount", f"điểm phát không hợp lệ: `{mount}`", 'ví dụ mount = "/kp1.mp3"')
        if mount and any(z.mount == "/" + mount.lstrip("/") for z in zones):
            ok = False
            at.add("mount", f"hai vùng cùng điểm phát `{mount}`", "mỗi vùng một điểm phát")
        if v["speakers"] and any(z.speakers for z in zones):
            ok = False
            at.add(
                "speakers",
                "hai vùng cùng dùng loa dây của máy phát",
                "loa dây là một vùng: chỉ một [[zone]] có speakers = true",
            )
        if ok and not (v["speakers"] or mount):
            ok = False
            at.add(
                None,
                f"vùng `{v['id']}` không phát ra đâu cả",
                'thêm speakers = true (loa dây của máy) hoặc mount = "/kp1.mp3"',
            )
        if ok:
            mount = "/" + mount.lstrip("/") if mount else ""
            zones.append(Zone(v["id"], v["name"], v["speakers"], mount, at.line()))
    if any(z.mount for z in zones) and not icecast.url:
        problems.append(
            Problem(
                path,
                loc.line("icecast") if "icecast" in data else loc.line("zone", index=0),
                "có vùng phát qua Icecast nhưng chưa có địa chỉ máy chủ",
                'thêm [icecast] url = "http://127.0.0.1:8000"',
            )
        )
    clusters: list[Cluster] = []
    for index, t in enumerate(_tables(data, "cluster", path, loc, problems)):
        at = place("cluster", index)
        v, ok = read(t, CLUSTER, at)
        if any(c.id == v["id"] for c in clusters):
            ok = False
            at.add("id", f"trùng mã cụm loa `{v['id']}`", "mỗi cụm loa một mã riêng")
        zone = next((z for z in zones if z.id == v["zone"]), None)
        if ok and (zone is None or not zone.mount):
            ok = False
            at.add(
                "zone",
                f"không có vùng phát qua Icecast mã `{v['zone']}`",
                "ghi mã của một [[zone]] có mount",
            )
        if ok:
            clusters.append(Cluster(v["id"], v["name"], v["zone"], v["address"], at.line()))
    return Zoning(icecast, tuple(zones), tuple(clusters))


def _tables(data: dict, key: str, path: Path, loc: Locator, problems: list[Problem]) -> list:
    tables = data.get(key, [])
    if isinstance(tables, list) and all(isinstance(t, dict) for t in tables):
        return tables
    problems.append(
        Problem(path, loc.line(key), f"`{key}` phải là [[{key}]]", f"viết mỗi mục trong [[{key}]]")
    )
    return []
