"""Report periods and the one aggregation every report format is made from."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from .. import evidence
from ..base import when
from ..base.errors import UserError
from ..base.labels import AIRING_STATUS, OFF_PLAN
from ..base.when import Span
from ..evidence import AiringRow, plan
from ..schedule.config import Project
from ..schedule.scripts import Catalogue
from ..schedule.timetable import Airing
from ..store.db import now, reading


def parse_period(
    period: str | None, start: str | None = None, end: str | None = None, today: date | None = None
) -> Span:
    """A report period as people write it (see when.parse_period), or --from/--to dates."""
    try:
        if period:
            return when.parse_period(period, today or date.today())
        if start and end:
            today = today or date.today()
            return when.between(
                when.parse_day(start, today, past=True), when.parse_day(end, today, past=True)
            )
    except when.WhenError as exc:
        raise UserError(f"kỳ báo cáo: {exc.problem}", hint=exc.hint) from None
    raise UserError(
        "thiếu kỳ báo cáo", hint='dùng --period "quý 2/2020" (hoặc 2020-Q2), hoặc --from và --to'
    )


@dataclass(slots=True)
class Entry:
    """One airing row as reports see it: when it aired (or was due), local, and how long."""

    id: int
    program_id: str
    program_name: str
    airing_key: str
    trigger: str
    when: datetime | None
    seconds: float
    script_id: str
    title: str
    topic: str
    campaign: str
    status: str
    error: str
    zone: str = ""
    received: str = ""


@dataclass
class Group:
    """Planned versus what happened, for one topic, campaign or program (or the whole).
    Counts are items (one script of one airing) for topics and campaigns, airings for
    programs. ``items`` and ``seconds`` are what aired, in the plan or outside it; ``queued``
    what aired from the queue (emergencies, `--now`), which no plan holds."""

    name: str
    label: str
    planned: int = 0  # due in the period; cancelled and to-come ones apart
    held: int = 0
    missed: int = 0  # missed, or no row at all
    other: int = 0  # failed, interrupted, skipped; for programs also partly aired
    cancelled: int = 0
    to_come: int = 0
    items: int = 0
    queued: int = 0
    seconds: float = 0.0
    minutes: float = 0.0  # rounded so that a table's rows add up to its total
    scripts: set = field(default_factory=set)

    def count(self, outcome: str) -> None:
        """One planned thing of this group and its outcome."""
        if outcome == "cancelled":
            self.cancelled += 1
        elif outcome == "to_come":
            self.to_come += 1
        else:
            self.planned += 1
            if outcome == "aired":
                self.held += 1
            elif outcome in ("missed", "unlogged"):
                self.missed += 1
            else:
                self.other += 1


@dataclass
class Miss:
    """A planned airing of the period that was not held, as the report lists it."""

    when: datetime
    program: str
    titles: str
    outcome: str  # Vietnamese
    reason: str


@dataclass
class ZoneTally:
    """What aired in one zone, and how many of its items every IP loudspeaker cluster heard."""

    label: str
    clusters: int = 0
    airings: int = 0
    items: int = 0
    other: int = 0  # items failed, missed, interrupted or skipped
    seconds: float = 0.0
    minutes: float = 0.0
    heard_by_all: int = 0


@dataclass
class ClusterTally:
    """How many of the items aired in its zone one cluster heard whole."""

    label: str
    zone: str
    received: int = 0
    of: int = 0


@dataclass
class ReportData:
    span: Span
    project: Project
    generated: datetime
    campaigns: tuple[str, ...]  # the campaigns reported on (empty: all)
    entries: list[Entry]
    status_counts: Counter
    airings_aired: int
    scripts_aired: int
    seconds_aired: float
    by_topic: list[Group]
    by_campaign: list[Group]
    by_program: list[Group]
    planned: int  # planned airings already due (the plan of record), cancelled ones apart
    planned_outcomes: Counter  # aired/partial/missed/failed/skipped/interrupted/unlogged
    cancelled: int
    to_come: int  # planned airings of the period not yet due ("chưa đến")
    unplanned_days: list[date]  # past days of the period with no plan of record
    misses: list[Miss]
    weekly: list[tuple[date, int]]
    problems: list[Entry]
    verified: bool
    verified_rows: int
    chain_head: str
    verify_findings: list[str]
    verify_warnings: list[str] = field(default_factory=list)  # e.g. a log with no checkpoint
    checkpoint: dict | None = None  # signed when the report is made (see evidence)
    by_zone: list[ZoneTally] = field(default_factory=list)  # a station with zones only
    by_cluster: list[ClusterTally] = field(default_factory=list)
    sheet_name: str = ""  # the XLSX of the same report, which the DOCX's annex may point to

    @property
    def compliance(self) -> float:
        return 100.0 * self.planned_outcomes["aired"] / self.planned if self.planned else 100.0

    @property
    def ongoing(self) -> bool:
        """The period is not over yet when the report is made."""
        return self.generated.date() < self.span.last_day

    @property
    def missed(self) -> int:
        """Planned airings due in the period that did not air at all (missed or never logged)."""
        return self.planned_outcomes["missed"] + self.planned_outcomes["unlogged"]

    @property
    def not_held(self) -> int:
        """Planned airings due in the period that did not air in full."""
        return self.planned - self.planned_outcomes["aired"]

    def campaign_label(self, campaign: str) -> str:
        return self.project.report.campaigns.get(campaign, campaign or "(không rõ)")


_RANK = ("aired", "interrupted", "failed", "skipped", "missed", "unlogged", "cancelled")
OUTCOME = {**AIRING_STATUS, "partial": "phát một phần", "unlogged": "bị lỡ"}
NO_ROW = "không có dòng nhật ký nào: máy hoặc phần mềm không chạy"


def _miss(p, items, outcome: str, catalogue, tz, zones: dict[str, str]) -> Miss:
    """A planned airing not held in full: the items that did not air, each with its title and
    what happened to it, and the reasons; its zone's name after the program's."""
    shown = []
    reasons = []
    for sid, row, _, _ in items:
        status = row.status if row else "unlogged"
        if status == "aired":
            continue
        script = catalogue.scripts.get(sid) if sid else None
        title = (
            (row.title if row else "")
            or (script.title if script else "")
            or sid
            or "(không có bài)"
        )
        shown.append(f"{title} ({OUTCOME[status]})" if outcome == "partial" else title)
        reasons.append(row.error if row else NO_ROW)
    reason = "; ".join(dict.fromkeys(r for r in reasons if r))
    zone = Airing.zone_of(p.key)
    program = f"{p.program_name} ({zones.get(zone, zone)})" if zone else p.program_name
    return Miss(p.start.astimezone(tz), program, "; ".join(shown), OUTCOME[outcome], reason)


def _fixed_offset(tz, start: datetime, end: datetime) -> timedelta | None:
    """The zone's offset from UTC when it is the same all through [start, end] (sampled every
    week: a clock change lasts months), else None."""
    offsets, at = set(), start
    while at <= end:
        offsets.add(at.astimezone(tz).utcoffset())
        at += timedelta(days=7)
    offsets.add(end.astimezone(tz).utcoffset())
    return offsets.pop() if len(offsets) == 1 else None


def report_campaigns(project: Project, campaign: str | None) -> tuple[str, ...]:
    """``--campaign`` ("all" for every one), or the campaigns `[report.campaigns]` names, or
    all (empty)."""
    if campaign and campaign.strip().lower() in ("all", "tat-ca", "tất cả"):
        return ()
    if campaign:
        return tuple(c.strip() for c in campaign.split(",") if c.strip())
    return tuple(project.report.campaigns)


def collect(
    project: Project, span: Span, full: bool = True, campaign: str | None = None
) -> ReportData:
    """The rows of the period and every number the reports state, for the chosen campaigns.
    ``full=False`` (for the CSV, which is rows only) leaves the numbers empty: no aggregation,
    plan or chain check."""
    from sqlalchemy import String, func, select, type_coerce

    tz = project.station.tz
    start = datetime.combine(span.start, time(), tz)
    end = datetime.combine(span.end, time(), tz)
    campaigns = report_campaigns(project, campaign)
    # Times come as the stored UTC text and are parsed here: for a year of a busy station
    # that is several times faster than converting each value through the ORM type.
    raw = [
        type_coerce(c, String).label(c.key)
        for c in (AiringRow.scheduled_at, AiringRow.started_at, AiringRow.ended_at)
    ]
    cols = (
        AiringRow.id,
        AiringRow.program_id,
        AiringRow.program_name,
        AiringRow.airing_key,
        AiringRow.trigger,
        *raw,
        AiringRow.script_id,
        AiringRow.title,
        AiringRow.topic,
        AiringRow.campaign,
        AiringRow.status,
        AiringRow.error,
        AiringRow.zone,
        AiringRow.received,
    )

    def parse(value):  # SQLite gives the stored text, PostgreSQL (the district's copy) a datetime
        if not value:
            return None
        return value if isinstance(value, datetime) else datetime.fromisoformat(value)

    offset = _fixed_offset(tz, start, end)

    def entry(r) -> Entry:
        started = parse(r.started_at)
        when = started or parse(r.scheduled_at)
        seconds = 0.0
        if started and r.status in ("aired", "interrupted") and r.ended_at:
            seconds = max(0.0, (parse(r.ended_at) - started).total_seconds())
        if when is None:
            local = None
        elif offset is not None and when.tzinfo is None:  # a zone with no clock change: add
            local = (when + offset).replace(tzinfo=tz)
        else:
            local = when.replace(tzinfo=UTC).astimezone(tz)
        return Entry(
            r.id,
            r.program_id,
            r.program_name,
            r.airing_key,
            r.trigger,
            local,
            seconds,
            r.script_id,
            r.title,
            r.topic,
            r.campaign,
            r.status,
            r.error,
            r.zone,
            r.received,
        )

    when = func.coalesce(AiringRow.started_at, AiringRow.scheduled_at)
    with reading(project) as s:
        q = select(*cols).where(when >= start, when < end, AiringRow.status != "playing")
        if campaigns:
            q = q.where(AiringRow.campaign.in_(campaigns))
        entries = [entry(r) for r in s.connection().execute(q.order_by(when, AiringRow.id))]
        # rows of airings that had no item at all belong to no campaign: fetched for any filter
        q = select(*cols).where(when >= start, when < end, AiringRow.script_id == "")
        blanks = [entry(r) for r in s.connection().execute(q)] if full and campaigns else []
    status_counts = Counter(e.status for e in entries)
    aired = [e for e in entries if e.status == "aired"]
    topics = project.station.topics
    groups: dict[str, dict[str, Group]] = {
        "topic": {k: Group(k, v) for k, v in topics.items()},
        "campaign": {c: Group(c, c) for c in campaigns},
        "program_id": {},
    }

    def group(kind: str, key: str, label: str = "") -> Group:
        return groups[kind].get(key) or groups[kind].setdefault(key, Group(key, label or key))

    names: dict[str, str] = {}
    for e in aired if full else ():
        queued = e.trigger != "timetable"
        program = e.trigger if queued else e.program_id  # the queue's airings: one line
        names[program] = OFF_PLAN.get(e.trigger) or e.program_name
        for kind in groups:
            g = group(kind, program if kind == "program_id" else getattr(e, kind), names[program])
            g.items += 1
            g.queued += queued
            g.seconds += e.seconds
            g.scripts.add(e.script_id)

    # Planned versus held, from the plan of record (never today's timetable): an item's outcome
    # is its row's status, "unlogged" with no row; an airing is held when all its items aired,
    # "partial" when some did, else it takes its items' best outcome.
    current = getattr(project, "as_of", None) or now()  # the district: as of what it received
    by_item = (
        {(e.airing_key, e.script_id): e for e in [*entries, *blanks] if e.airing_key}
        if full
        else {}
    )
    catalogue = Catalogue(project) if full else None
    zone_labels = {z.id: z.label for z in project.zoning.zones}
    planned_outcomes: Counter = Counter()
    planned = cancelled = to_come = 0
    misses: list[Miss] = []
    for p in plan.entries(project, start, end) if full else ():
        assert catalogue is not None
        items = []
        frozen = {sid: (topic, camp) for sid, topic, camp in json.loads(p.items or "[]")}
        for sid in p.script_ids:
            row = by_item.get((p.key, sid))
            script = catalogue.scripts.get(sid)
            then = frozen.get(sid) or ((script.topic, script.campaign) if script else ("", ""))
            topic, camp = (row.topic, row.campaign) if row else then
            if not campaigns or camp in campaigns:
                items.append((sid, row, topic, camp))
        if not p.script_ids:  # a rotating program with nothing approved: the daemon logs it skipped
            items = [("", by_item.get((p.key, "")), "", "")]
        elif campaigns and not items:
            continue  # an airing of other campaigns only
        if p.cancelled:
            outcome = "cancelled"
        elif p.start > current and not any(row for _, row, _, _ in items):
            outcome = "to_come"
        else:
            statuses = [row.status if row else "unlogged" for _, row, _, _ in items]
            if all(x == "aired" for x in statuses):
                outcome = "aired"
            elif "aired" in statuses:
                outcome = "partial"
            else:
                outcome = min(statuses, key=_RANK.index)
        names.setdefault(p.program_id, p.program_name)
        group("program_id", p.program_id, p.program_name).count(outcome)
        for _, row, topic, camp in items:
            item = (
                outcome
                if outcome in ("cancelled", "to_come")
                else (row.status if row else "unlogged")
            )
            group("topic", topic).count(item)
            group("campaign", camp).count(item)
        if outcome == "cancelled":
            cancelled += 1
        elif outcome == "to_come":
            to_come += 1
        else:
            planned += 1
            planned_outcomes[outcome] += 1
            if outcome != "aired":
                misses.append(_miss(p, items, outcome, catalogue, tz, zone_labels))
    today = current.astimezone(tz).date()
    unplanned = (
        plan.days_without_plan(project, span.start, min(span.last_day, today)) if full else []
    )
    weeks: Counter = Counter()
    keys_seen: set[str] = set()
    for e in aired if full else ():
        key = e.airing_key or f"row-{e.id}"
        if key not in keys_seen and e.when is not None:  # an aired row has its start
            keys_seen.add(key)
            monday = e.when.date() - timedelta(days=e.when.weekday())
            weeks[monday] += 1
    first_monday = span.start - timedelta(days=span.start.weekday())
    weekly, monday = [], first_monday
    while monday < span.end:
        weekly.append((monday, weeks.get(monday, 0)))
        monday += timedelta(days=7)
    v = evidence.verify(project, trust=True) if full else evidence.Verification(True, 0, "", [])

    def ranked(kind: str, keep_all: bool, label=None) -> list[Group]:
        out = [
            g
            for g in groups[kind].values()
            if keep_all or g.items or g.planned or g.cancelled or g.to_come
        ]
        for g in out:
            if label:
                g.label = label(g.name)
        for g, minutes in zip(out, apportion([g.seconds / 60 for g in out]), strict=True):
            g.minutes = minutes
        return sorted(out, key=lambda g: (-g.items - g.planned, g.name)) if not keep_all else out

    campaign_labels = project.report.campaigns
    by_zone, by_cluster = zone_tallies(project, entries) if full else ([], [])
    return ReportData(
        span=span,
        project=project,
        generated=datetime.now(tz),
        campaigns=campaigns,
        entries=entries,
        status_counts=status_counts,
        airings_aired=len(keys_seen),
        scripts_aired=len({e.script_id for e in aired}),
        seconds_aired=sum(e.seconds for e in aired),
        by_topic=ranked("topic", True, lambda k: topics.get(k, k or "(không rõ)")),
        by_campaign=ranked(
            "campaign", bool(campaigns), lambda k: campaign_labels.get(k, k or "(không rõ)")
        ),
        by_program=ranked("program_id", False, lambda k: names.get(k) or k),
        planned=planned,
        planned_outcomes=planned_outcomes,
        cancelled=cancelled,
        to_come=to_come,
        unplanned_days=unplanned,
        misses=misses,
        weekly=weekly,
        problems=[e for e in entries if e.status in ("missed", "failed", "interrupted", "skipped")],
        verified=v.ok,
        verified_rows=v.rows,
        chain_head=v.head,
        verify_findings=v.findings,
        verify_warnings=v.warnings,
        by_zone=by_zone,
        by_cluster=by_cluster,
    )


def _heard(received: str) -> tuple[set[str], bool]:
    """The names of the clusters a row says heard it ("2/3 cụm loa nhận: A, B; không nhận:
    C"), and whether all of them did."""
    count, _, rest = received.partition(" cụm loa nhận: ")
    heard, _, _ = rest.partition("; không nhận: ")
    k, _, n = count.partition("/")
    return set(heard.split(", ")) if rest else set(), bool(rest) and k == n


def zone_tallies(project: Project, entries: list[Entry]) -> tuple[list, list]:
    """Per zone, what aired and how much of it every cluster heard; per cluster, how many of
    its zone's aired items it heard. Empty for a station whose rows name no zone."""
    if not any(e.zone for e in entries):
        return [], []
    zoning = project.zoning
    zones = {z.id: ZoneTally(z.label, len(zoning.in_zone(z.id))) for z in zoning.zones}
    zone_label = {z.id: z.label for z in zoning.zones}
    clusters = {
        c.id: ClusterTally(c.label, zone_label.get(c.zone, c.zone)) for c in zoning.clusters
    }
    keys: dict[str, set[str]] = {}
    for e in entries:
        if not e.zone:
            continue
        t = zones.get(e.zone) or zones.setdefault(e.zone, ZoneTally(e.zone))  # a zone since removed
        if e.status == "aired":
            t.items += 1
            t.seconds += e.seconds
            keys.setdefault(e.zone, set()).add(e.airing_key)
            heard, everyone = _heard(e.received)
            t.heard_by_all += everyone
            for c in zoning.in_zone(e.zone):
                clusters[c.id].of += 1
                clusters[c.id].received += c.label in heard
        elif e.status != "cancelled":
            t.other += 1
    tallies = list(zones.values())
    for t, zone_id in zip(tallies, zones, strict=True):
        t.airings = len(keys.get(zone_id, ()))
    for t, minutes in zip(tallies, apportion([t.seconds / 60 for t in tallies]), strict=True):
        t.minutes = minutes
    return tallies, list(clusters.values())


def apportion(values: list[float], digits: int = 1) -> list[float]:
    """``values`` rounded so that they add up to their rounded sum (largest remainders get the
    last units), so a table's rows and the total it is read against agree."""
    unit = 10**digits
    scaled = [v * unit + 1e-9 for v in values]  # 292.45 is 292.4499… in binary
    floors = [math.floor(v) for v in scaled]
    short = math.floor(sum(scaled) + 0.5) - sum(floors)  # half up, as people round
    for i in sorted(range(len(values)), key=lambda i: floors[i] - scaled[i])[: max(0, short)]:
        floors[i] += 1
    return [f / unit for f in floors]


EMPTY = (
    "nhật ký trống hoặc đã mất: trong kỳ không có buổi phát nào và không có kế hoạch phát được lưu"
)


def doubts(d: ReportData) -> list[str]:
    """Why a report cannot vouch for the log: what verification found, a history no checkpoint
    vouches for, a period with nothing at all (a log lost or deleted is never 100 %)."""
    out = [] if d.verified else list(d.verify_findings)
    out += d.verify_warnings
    if not d.entries and not d.planned and not d.to_come:
        out.append(EMPTY)
    return out


def notes(d: ReportData) -> list[str]:
    """What a reader must know before the numbers: whether the log is vouched for, the period
    not over, days with no plan of record. Every format states them."""
    out = []
    if doubted := doubts(d):
        shown = "; ".join(doubted[:5])
        more = f" và {len(doubted) - 5} vấn đề khác" if len(doubted) > 5 else ""
        state = "KHÔNG toàn vẹn" if not d.verified else "KHÔNG được xác nhận"
        out.append(
            f"CẢNH BÁO: nhật ký phát sóng {state} ({shown}{more}). Các số liệu dưới đây "
            "không được xác nhận và không có điểm kiểm tra nào được ký cho báo cáo này."
        )
    if d.ongoing:
        out.append(
            f"Kỳ báo cáo chưa kết thúc: số liệu tính đến ngày {d.generated:%d/%m/%Y}; "
            f"{d.to_come} buổi theo kế hoạch chưa đến giờ phát."
        )
    if d.unplanned_days:
        days = ", ".join(f"{x:%d/%m/%Y}" for x in d.unplanned_days[:5])
        more = f" và {len(d.unplanned_days) - 5} ngày khác" if len(d.unplanned_days) > 5 else ""
        out.append(
            f"Có {len(d.unplanned_days)} ngày trong kỳ không có kế hoạch phát được lưu "
            f"({days}{more}): "
            "các ngày này không được tính vào kế hoạch."
        )
    return out


def minutes_aired(d: ReportData) -> float:
    """The total minutes aired, rounded as the tables that add up to it are."""
    return apportion([d.seconds_aired / 60])[0]


def summary_rows(d: ReportData) -> list[tuple[str, float | int | str]]:
    """The headline numbers, in the order every format shows them."""
    o = d.planned_outcomes
    return [
        ("Số buổi phát đã thực hiện", d.airings_aired),
        ("Số lượt phát bài", d.status_counts["aired"]),
        ("Số bài khác nhau đã phát", d.scripts_aired),
        ("Tổng thời lượng đã phát (phút)", minutes_aired(d)),
        ("Số buổi phát theo kế hoạch", d.planned),
        ("Buổi theo kế hoạch đã phát trọn vẹn", o["aired"]),
        ("Buổi theo kế hoạch chỉ phát được một phần", o["partial"]),
        ("Buổi theo kế hoạch bị lỡ", d.missed),
        ("Buổi theo kế hoạch bị lỗi", o["failed"]),
        ("Buổi theo kế hoạch bị ngắt", o["interrupted"]),
        ("Buổi theo kế hoạch bị bỏ qua", o["skipped"]),
        ("Buổi tạm ngừng (ngày lễ, quốc tang)", d.cancelled),
        ("Buổi theo kế hoạch chưa đến", d.to_come),
        ("Tỷ lệ thực hiện kế hoạch (%)", round(d.compliance, 1)),
        ("Lượt phát bị lỡ", d.status_counts["missed"]),
        ("Lượt phát bị lỗi", d.status_counts["failed"]),
        ("Lượt phát bị bỏ qua", d.status_counts["skipped"]),
        ("Lượt phát bị ngắt", d.status_counts["interrupted"]),
    ]


ENTRY_COLUMNS = (
    "Dòng nhật ký",
    "Ngày",
    "Giờ",
    "Chương trình",
    "Mã bài",
    "Tên bài",
    "Chủ đề",
    "Chiến dịch",
    "Thời lượng (giây)",
    "Kết quả",
    "Ghi chú",
)


def entry_values(e: Entry, topics: dict, campaigns: dict) -> tuple:
    """One airing as the CSV, XLSX and annex rows show it (date and time as Python values;
    topics and campaigns by their names)."""
    when = e.when
    return (
        e.id,
        when.date() if when else None,
        when.time().replace(microsecond=0) if when else None,
        e.program_name or e.program_id,
        e.script_id,
        e.title,
        topics.get(e.topic, e.topic),
        campaigns.get(e.campaign, e.campaign),
        round(e.seconds, 1),
        AIRING_STATUS.get(e.status, e.status),
        e.error,
    )
