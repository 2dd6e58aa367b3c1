"""The scale dataset for benchmarks and query-count checks: 42 regions, a past and the current
programme period, experts, 2,000 requests, 500 sessions, 20,000 registrations and 5,000 mails.

    .venv/bin/python scripts/dataset.py --database-url sqlite:////tmp/big.db
    .venv/bin/python scripts/dataset.py --scale 0.01            # a hundredth of every size
    .venv/bin/python scripts/dataset.py --regions 2 --requests 20 --meetings 10 ...

The database (DATABASE_URL, or --database-url) is migrated first (`flask db upgrade`) and must
hold no rows unless --force is given, which wipes it first (as `demo load --force`). Rows go in
with bulk INSERTs, one unit of work per batch; the same --seed gives the same data (relative to
today).

The rows obey the rules the app enforces: per region and period the ledger's `granted` is the
sum of the requests' granted dagdelen and never above the quota (raised per region up to the
highest quota a coordinator may set, as the scale needs more than four); a scheduled request
has a session per granted dagdeel, a held one only held sessions; one active assignment per
expert slot (and the expert available there); confirmed and attended registrations within the
capacity, the rest on the waiting list; one active registration per e-mail address and session.
Other benchmarks import it: `from dataset import Sizes, build` (scripts/ is on their path).
"""
from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BATCH = 2000
OPEN_SHARE = 0.4  # of the sessions: open trainings (with their series parts); the rest regional
PLAN_KEYS = {"period", "booked", "cancelled", "themes", "id"}  # what a planned request row holds beside its columns


@dataclass(frozen=True)
class Sizes:
    regions: int = 42
    experts: int = 60
    requests: int = 2000
    meetings: int = 500
    registrations: int = 20000
    mails: int = 5000

    def scaled(self, factor: float) -> Sizes:
        """Every size times `factor` (at least 1; regions stay all 42 and experts at least 3)."""
        scaled = {f.name: max(1, round(getattr(self, f.name) * factor)) for f in fields(self)}
        return replace(self, **{**scaled, "regions": self.regions, "experts": max(3, scaled["experts"])})


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="the database to fill (default: DATABASE_URL)")
    parser.add_argument("--scale", type=float, default=1.0, help="factor on every default size")
    for f in fields(Sizes):
        scaled = "the first N of the CSV, not scaled" if f.name == "regions" else "times --scale"
        parser.add_argument(f"--{f.name}", type=int, help=f"default {f.default} ({scaled})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="wipe a database that holds rows first")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    return args


def sizes_from(args: argparse.Namespace) -> Sizes:
    sizes = Sizes().scaled(args.scale)
    return replace(sizes, **{f.name: getattr(args, f.name) for f in fields(Sizes)
                             if getattr(args, f.name) is not None})


def weekdays(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)
            if (first + timedelta(days=i)).weekday() < 5]


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def chunks(rows: list, size: int = BATCH):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


@dataclass
class Planned:
    """A session before it is inserted: its row, themes, expert and registration states."""

    row: dict
    themes: list[int]
    expert: int | None
    lead: int | None = None  # index of the series lead in the plan
    registrations: list[str] = field(default_factory=list)


class Builder:
    """Builds the dataset in the app context of the target database; `say` prints progress."""

    def __init__(self, sizes: Sizes, seed: int, say) -> None:
        from ontwikkelbijeenkomsten.core.time import today_local

        self.sizes, self.rng, self.say = sizes, random.Random(seed), say
        self.today = today_local()
        self.now = datetime.now(timezone.utc)
        self.serial = itertools.count(1)

    # ---- writing ---------------------------------------------------------------------------
    def insert(self, model, rows: list[dict], ids: bool = False) -> list[int]:
        """Insert `rows` in batches, each its own unit of work; the new ids when asked."""
        from sqlalchemy import insert

        from ontwikkelbijeenkomsten.core.extensions import db
        from ontwikkelbijeenkomsten.core.uow import unit_of_work

        made: list[int] = []
        for batch in chunks(rows):
            with unit_of_work():
                if ids:
                    made += db.session.scalars(
                        insert(model).returning(model.id, sort_by_parameter_order=True), batch).all()
                else:
                    db.session.execute(insert(model), batch)
        return made

    # ---- the steps -------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        self.reference()
        self.people_and_experts()
        self.requests()
        self.meetings()
        self.registrations()
        self.mails()
        return self.counts

    def reference(self) -> None:
        from sqlalchemy import select

        from ontwikkelbijeenkomsten.core.extensions import db
        from ontwikkelbijeenkomsten.core.models import Theme
        from ontwikkelbijeenkomsten.core.themes import THEMES
        from ontwikkelbijeenkomsten.core.uow import unit_of_work
        from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod, Region
        from ontwikkelbijeenkomsten.regions.services import import_regions, school_year_containing

        lines = resources.files("ontwikkelbijeenkomsten.data").joinpath("jeugdregios-2025.csv") \
            .read_text("utf-8").splitlines()
        with unit_of_work():
            import_regions("\n".join(lines[:1 + self.sizes.regions]))
        self.regions = db.session.scalars(select(Region.id).order_by(Region.code)).all()
        self.themes = self.insert(Theme, [dict(slug=slug, name=name, position=i)
                                          for i, (slug, name) in enumerate(THEMES)], ids=True)
        _, current_start, current_end = school_year_containing(self.today)
        self.periods = {}
        for key, day in (("past", current_start - timedelta(days=1)), ("current", self.today)):
            name, starts, ends = school_year_containing(day)
            self.periods[key] = self.insert(
                ProgrammePeriod, [dict(name=name, starts_on=starts, ends_on=ends, default_quota=4)], ids=True)[0]
        past_start, past_end = school_year_containing(current_start - timedelta(days=1))[1:]
        self.days = {  # (period, past or future) -> weekdays
            ("past", "past"): weekdays(past_start, past_end), ("past", "future"): [],
            ("current", "past"): weekdays(current_start, self.today - timedelta(days=1)),
            ("current", "future"): weekdays(self.today + timedelta(days=1), current_end),
        }
        self.counts = Counter(regions=len(self.regions), themes=len(self.themes), periods=2)
        self.say(f"{len(self.regions)} regions, {len(self.themes)} themes, periods past and current")

    def people_and_experts(self) -> None:
        from ontwikkelbijeenkomsten.accounts.models import Role, User
        from ontwikkelbijeenkomsten.experts.models import ExpertProfile, expert_regions, expert_themes

        rng = self.rng
        self.coordinators = self.insert(User, [
            dict(email=f"dataset-coordinator{i}@example.org", name=f"Coördinator {i}", role=Role.COORDINATOR)
            for i in (1, 2)], ids=True)
        self.experts = self.insert(User, [
            dict(email=f"dataset-expert{i}@example.org", name=f"Expert {i}", role=Role.EXPERT)
            for i in range(1, self.sizes.experts + 1)], ids=True)
        self.expert_themes, self.expert_regions = {}, {}
        profiles, theme_rows, region_rows = [], [], []
        for expert in self.experts:
            everywhere = rng.random() < 0.2
            self.expert_themes[expert] = rng.sample(self.themes, rng.randint(2, 4))
            self.expert_regions[expert] = None if everywhere else set(
                rng.sample(self.regions, min(len(self.regions), rng.randint(3, 10))))
            profiles.append(dict(user_id=expert, bio="Adviseur onderwijs en jeugd.", organisation="Expertbureau",
                                 serves_all_regions=everywhere,
                                 max_dagdelen_per_month=rng.choice([None, None, 6, 8]),
                                 feed_token=f"dataset-feed-{expert}"))
            theme_rows += [dict(expert_id=expert, theme_id=t) for t in self.expert_themes[expert]]
            region_rows += [dict(expert_id=expert, region_id=r) for r in sorted(self.expert_regions[expert] or ())]
        self.insert(ExpertProfile, profiles)
        self.insert(expert_themes, theme_rows)
        self.insert(expert_regions, region_rows)
        self.counts.update(experts=len(self.experts))
        self.say(f"{len(self.experts)} experts with themes and regions")

    def requests(self) -> None:
        from ontwikkelbijeenkomsten.core.models import AuditEvent
        from ontwikkelbijeenkomsten.core.time import Dagdeel
        from ontwikkelbijeenkomsten.regions.models import OrganisationType, QuotaLedger
        from ontwikkelbijeenkomsten.regions.services import QUOTA_MAX
        from ontwikkelbijeenkomsten.requests.models import (
            LocationKind,
            PreferredMoment,
            Request,
            RequestState,
            request_themes,
        )

        rng = self.rng
        current = {"submitted": 18, "in_review": 12, "granted": 20, "rejected": 12, "withdrawn": 13}
        if self.days["current", "future"]:
            current["scheduled"] = 15
        if self.days["current", "past"]:
            current["held"] = 10
        past = {"held": 45, "granted": 15, "rejected": 20, "withdrawn": 20}
        used: Counter = Counter()
        sessions_left = self.sizes.meetings - round(self.sizes.meetings * OPEN_SHARE)
        rows, themes_of = [], []
        for i in range(1, self.sizes.requests + 1):
            period = "past" if rng.random() < 0.3 else "current"
            mix = past if period == "past" else current
            state = rng.choices(list(mix), weights=list(mix.values()))[0]
            region = rng.choice(self.regions)
            wanted = rng.choices([1, 2, 3, 4], weights=[30, 35, 15, 20])[0]
            granted, reason = 0, ""
            booked = cancelled = 0
            bookable = period == "current" and bool(self.days["current", "future"])
            if state in ("granted", "scheduled", "held"):
                fewer = 1 if wanted > 1 and rng.random() < 0.15 else 0
                granted = min(wanted - fewer, QUOTA_MAX - used[region, period])
                reason = "" if granted == wanted else "Minder dagdelen: het maximum van de regio is bijna bereikt."
                if granted == 0:
                    state, reason = "rejected", "De regio heeft in deze periode geen dagdelen meer over."
                elif state in ("scheduled", "held") and granted > sessions_left:
                    state = "granted"  # the sessions are all given out
                if state in ("scheduled", "held"):
                    booked = granted
                elif state == "granted" and bookable and granted > 1 and rng.random() < 0.3:
                    booked = min(rng.randint(1, granted - 1), sessions_left)
                if granted and bookable and rng.random() < 0.1:
                    cancelled = min(1, sessions_left - booked)
                sessions_left -= booked + cancelled
            elif state == "rejected":
                reason = "De vraag past niet bij de werkagenda."
            used[region, period] += granted
            created = self.today - timedelta(days=rng.randint(1, 60) if period == "current"
                                             else rng.randint(370, 700))
            rows.append(dict(
                region_id=region, period_id=self.periods[period], state=state,
                organisation_name=f"Samenwerkingsverband {i}", organisation_type=rng.choice(list(OrganisationType)),
                participating_organisations="Gemeente, jeugdhulpaanbieder", contact_name=f"Contactpersoon {i}",
                contact_email=f"contact{i}@example.org", contact_phone="06 12345678",
                contact_function="Beleidsmedewerker",
                dagdelen_wanted=wanted, dagdelen_granted=granted, preferred_dagdelen=[],
                expected_participants=rng.randint(10, 60),
                sectors=rng.sample(["onderwijs", "jeugdhulp", "gemeente"], 2),
                goal="Samen werken aan doorgaande lijnen.", location_kind=LocationKind.ADDRESS,
                location=f"Stadhuis {i}", consent_at=at(created), decision_reason=reason,
                assigned_coordinator_id=None if state == "submitted" else rng.choice(self.coordinators),
                submission_key=None, created_at=at(created), updated_at=at(created),
                period=period, booked=booked, cancelled=cancelled,
            ))
        self.request_rows = rows
        ids = self.insert(Request, [{**{k: v for k, v in r.items() if k not in PLAN_KEYS},
                                     "state": RequestState(r["state"])} for r in rows], ids=True)
        moments, audits = [], []
        for request_id, row in zip(ids, rows):
            row["id"] = request_id
            row["themes"] = rng.sample(self.themes, rng.randint(1, 3))
            themes_of += [dict(request_id=request_id, theme_id=t) for t in row["themes"]]
            days = self.days[row["period"], "future"] or self.days[row["period"], "past"]
            picked = sorted({(d, p) for d, p in zip(rng.sample(days, min(len(days), 4)),
                                                    rng.choices(list(Dagdeel), k=4))}, key=lambda m: (m[0], m[1].value))
            moments += [dict(request_id=request_id, date=d, dagdeel=p, rank=n)
                        for n, (d, p) in enumerate(picked, 1)]
            audits.append(dict(occurred_at=row["created_at"], actor_label=row["contact_email"],
                               action="request.submitted", subject_type="requests", subject_id=request_id,
                               to_state="submitted", details={}))
            if row["state"] != "submitted":
                audits.append(dict(occurred_at=row["created_at"] + timedelta(days=3), actor_label="coordinator",
                                   actor_id=row["assigned_coordinator_id"], action=f"request.{row['state']}",
                                   subject_type="requests", subject_id=request_id, from_state="submitted",
                                   to_state=row["state"], details={}))
        self.insert(request_themes, themes_of)
        self.insert(PreferredMoment, moments)
        self.insert(AuditEvent, audits)
        self.insert(QuotaLedger, [dict(region_id=region, period_id=self.periods[period], granted=n, quota=max(4, n))
                                  for (region, period), n in sorted(used.items())])
        self.counts.update(requests=len(ids), preferred_moments=len(moments))
        states = Counter(r["state"] for r in rows)
        self.say(f"{len(ids)} requests ({', '.join(f'{n} {s}' for s, n in sorted(states.items()))}), "
                 f"{len(moments)} preferred moments, {len(used)} quota ledgers")

    def meetings(self) -> None:
        from ontwikkelbijeenkomsten.meetings.models import Meeting, meeting_themes

        plan: list[Planned] = []
        self.taken: set[tuple] = set()
        for request in self.request_rows:
            future = request["state"] != "held"
            for n in range(request["booked"] + request["cancelled"]):
                if n >= request["booked"]:
                    state = "cancelled"
                else:
                    state = self.rng.choice(["planned", "planned", "changed"]) if future else "held"
                days = self.days[request["period"], "future" if future else "past"]
                plan.append(self.session(state, days, request["region_id"], request["themes"], request=request,
                                         title=f"Ontwikkelbijeenkomst {request['organisation_name']}"))
        regional = len(plan)
        while len(plan) < self.sizes.meetings:
            plan += self.training(self.sizes.meetings - len(plan), number=len(plan))
        leads = [p for p in plan if p.lead is None]
        ids = self.insert(Meeting, [p.row for p in leads], ids=True)
        for planned, meeting_id in zip(leads, ids):
            planned.row["id"] = meeting_id
        parts = [p for p in plan if p.lead is not None]
        for planned in parts:
            planned.row["series_id"] = plan[planned.lead].row["id"]
        for planned, meeting_id in zip(parts, self.insert(Meeting, [p.row for p in parts], ids=True)):
            planned.row["id"] = meeting_id
        self.insert(meeting_themes, [dict(meeting_id=p.row["id"], theme_id=t) for p in plan for t in p.themes])
        self.plan = plan
        self.assignments_and_availability()
        states = Counter(p.row["state"].value for p in plan)
        self.counts.update(meetings=len(plan))
        self.say(f"{len(plan)} sessions ({regional} regional, {len(plan) - regional} of open trainings, "
                 f"{len(parts)} of them series parts; {', '.join(f'{n} {s}' for s, n in sorted(states.items()))})")

    def session(self, state: str, days: list[date], region: int | None, themes: list[int], *,
                request: dict | None = None, title: str, day: date | None = None) -> Planned:
        """One session with an expert on a free slot (who serves the region, by preference with a
        shared theme); a cancelled one has its expert's assignment released, so no slot."""
        from ontwikkelbijeenkomsten.core.time import Dagdeel
        from ontwikkelbijeenkomsten.meetings.models import MeetingKind, MeetingState

        rng = self.rng
        for _ in range(100):
            when = day or rng.choice(days)
            dagdeel = rng.choices(list(Dagdeel), weights=[45, 45, 10])[0]
            free = [e for e in self.experts if (e, when, dagdeel) not in self.taken
                    and (region is None or self.expert_regions[e] is None or region in self.expert_regions[e])]
            fitting = [e for e in free if set(self.expert_themes[e]) & set(themes)]
            if free:
                break
        else:
            raise RuntimeError("no free expert slot left: give more --experts")
        expert = rng.choice(fitting or free)
        if state != "cancelled":
            self.taken.add((expert, when, dagdeel))
        starts_at, ends_at = dagdeel.bounds(when)
        row = dict(
            kind=MeetingKind.REGIONAL if request else MeetingKind.OPEN_TRAINING, state=MeetingState(state),
            request_id=request["id"] if request else None, series_id=None, region_id=region, title=title,
            description="Samen leren over onderwijs en jeugd.", target_groups="Onderwijs en jeugdhulp",
            date=when, dagdeel=dagdeel, starts_at=starts_at, ends_at=ends_at,
            location=request["location"] if request else rng.choice(["Jaarbeurs Utrecht", "", "Provinciehuis"]),
            online_url="", capacity=None, confirmed_count=0, waiting_list_enabled=True,
            registration_opens_at=None if request else starts_at - timedelta(days=60),
            registration_closes_at=None if request else starts_at,
            cancel_reason="Te weinig aanmeldingen." if state == "cancelled" else "",
            reminded_at=starts_at - timedelta(days=2) if starts_at < self.now and state != "cancelled" else None,
            uid=f"dataset-{next(self.serial)}@ontwikkelbijeenkomsten", sequence=int(state != "planned"),
            created_at=starts_at - timedelta(days=rng.randint(14, 90)),
        )
        if not row["location"]:
            row["online_url"] = "https://meet.example.org/training"
        return Planned(row, themes=sorted(set(themes)), expert=expert)

    def training(self, room: int, number: int) -> list[Planned]:
        """An open training of one dagdeel, or a series of two or three a week apart (at most
        `room` sessions)."""
        rng = self.rng
        size = min(room, rng.choice([2, 3])) if rng.random() < 0.2 else 1
        past = [("past", "past"), ("current", "past")]
        key = rng.choice(past) if rng.random() < 0.4 or not self.days["current", "future"] else ("current", "future")
        if not self.days[key]:
            key = ("past", "past")
        days = self.days[key]
        first = rng.randrange(max(1, len(days) - 5 * (size - 1)))
        moments = [days[min(first + 5 * n, len(days) - 1)] for n in range(size)]
        if key[1] == "past":
            state = "held" if rng.random() < 0.85 else "cancelled"
        else:
            state = rng.choices(["planned", "changed", "cancelled"], weights=[75, 15, 10])[0]
        region = rng.choice(self.regions) if rng.random() < 0.5 else None
        themes = rng.sample(self.themes, rng.randint(1, 2))
        title = f"Training {number}: samen leren over {'een leergang' if size > 1 else 'de praktijk'}"
        parts = [self.session(state, days, region, themes, title=title, day=moment) for moment in moments]
        for part in parts[1:]:
            part.lead = number
        return parts

    def assignments_and_availability(self) -> None:
        from ontwikkelbijeenkomsten.core.time import Dagdeel
        from ontwikkelbijeenkomsten.experts.models import Availability
        from ontwikkelbijeenkomsten.meetings.models import AssignmentState, MeetingExpert, MeetingState

        rng = self.rng
        assignments = []
        for planned in self.plan:
            row = planned.row
            if row["state"] is MeetingState.CANCELLED:
                state = AssignmentState.RELEASED
            elif row["starts_at"] < self.now:
                state = AssignmentState.ACCEPTED
            else:
                state = rng.choice([AssignmentState.ACCEPTED, AssignmentState.ACCEPTED, AssignmentState.ASSIGNED])
            assignments.append(dict(meeting_id=row["id"], expert_id=planned.expert, date=row["date"],
                                    dagdeel=row["dagdeel"], state=state, decline_reason=""))
        slots = set(self.taken)
        future = self.days["current", "future"]
        for expert in self.experts:
            slots.update((expert, day, rng.choice(list(Dagdeel))) for day in rng.sample(future, len(future) // 4))
        self.insert(MeetingExpert, assignments)
        self.insert(Availability, [dict(expert_id=e, date=d, dagdeel=p)
                                   for e, d, p in sorted(slots, key=lambda s: (s[0], s[1], s[2].value))])
        self.counts.update(assignments=len(assignments), availability=len(slots))

    def registrations(self) -> None:
        """People registered while places lasted (then the waiting list), some cancelled; at
        held sessions most places attended, with attendance per part and some evaluations."""
        from sqlalchemy import update

        from ontwikkelbijeenkomsten.core.extensions import db
        from ontwikkelbijeenkomsten.core.sectors import Sector
        from ontwikkelbijeenkomsten.core.uow import unit_of_work
        from ontwikkelbijeenkomsten.meetings.models import (
            Attendance,
            Evaluation,
            Meeting,
            MeetingKind,
            MeetingState,
            Registration,
            RegistrationState,
        )

        rng, total = self.rng, self.sizes.registrations
        leads = [p for p in self.plan if p.lead is None]
        big = next((p for p in leads if p.row["kind"] is MeetingKind.OPEN_TRAINING
                    and p.row["state"] is MeetingState.PLANNED), leads[0])  # the participants-list benchmark's
        counts = Counter(rng.choices(range(len(leads)), k=total - min(1000, total // 20)))
        counts[leads.index(big)] += min(1000, total // 20)
        sectors = list(Sector)
        people = [(f"Deelnemer {n}", f"deelnemer{n}@example.org", sectors[n % len(sectors)])
                  for n in range(max(10, total // 3, max(counts.values(), default=0)))]
        by_sector = {s: [p for p in people if p[2] is s] for s in sectors}
        rows, parts_of, capacities = [], defaultdict(list), []
        for planned in self.plan:
            if planned.lead is not None:
                parts_of[self.plan[planned.lead].row["id"]].append(planned.row["id"])
        for index, planned in enumerate(leads):
            row, n = planned.row, counts[index]
            one_sector = by_sector[sectors[index % len(sectors)]]  # some sessions are not joint
            pool = one_sector if rng.random() < 0.3 and n <= len(one_sector) else people
            cancelled_session = row["state"] is MeetingState.CANCELLED
            held = row["state"] is MeetingState.HELD
            capacity = None if planned is big else max(1, round(n * rng.uniform(0.7, 1.3)))
            placed = 0
            for name, email, sector in rng.sample(pool, n):
                if cancelled_session or rng.random() < 0.08:
                    state = RegistrationState.CANCELLED
                elif capacity is None or placed < capacity:
                    placed += 1
                    state = RegistrationState.ATTENDED if held and rng.random() < 0.85 else RegistrationState.CONFIRMED
                else:
                    state = RegistrationState.WAITING
                created = row["starts_at"] - timedelta(days=rng.randint(1, 50))
                rows.append(dict(
                    meeting_id=row["id"], state=state, name=name, email=email, organisation="Organisatie",
                    sector=sector, function="Professional", needs="", locale="nl", consent_at=created,
                    created_at=created,
                    cancelled_at=created + timedelta(hours=5) if state is RegistrationState.CANCELLED else None,
                    evaluation_requested_at=row["ends_at"] if state is RegistrationState.ATTENDED else None,
                ))
            capacities.append(dict(id=row["id"], capacity=capacity, confirmed_count=placed))
        with unit_of_work():
            db.session.execute(update(Meeting), capacities)
        ids = self.insert(Registration, rows, ids=True)
        attendances, evaluations = [], []
        for registration_id, row in zip(ids, rows):
            if row["state"] is RegistrationState.ATTENDED:
                attendances += [dict(registration_id=registration_id, meeting_id=m,
                                     marked_at=row["evaluation_requested_at"])
                                for m in (row["meeting_id"], *parts_of[row["meeting_id"]])]
                if rng.random() < 0.4:
                    evaluations.append(dict(registration_id=registration_id, meeting_id=row["meeting_id"],
                                            score=rng.choices([1, 2, 3, 4, 5], weights=[2, 5, 15, 45, 33])[0],
                                            went_well="Concrete voorbeelden.", to_improve="",
                                            created_at=row["evaluation_requested_at"] + timedelta(days=1)))
        self.insert(Attendance, attendances)
        self.insert(Evaluation, evaluations)
        states = Counter(r["state"].value for r in rows)
        self.counts.update(registrations=len(ids), attendances=len(attendances), evaluations=len(evaluations))
        self.say(f"{len(ids)} registrations ({', '.join(f'{n} {s}' for s, n in sorted(states.items()))}), "
                 f"{len(attendances)} attendances, {len(evaluations)} evaluations")

    def mails(self) -> None:
        from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail

        rng = self.rng
        kinds = ["request_received", "request_granted", "session_scheduled", "registration_confirmed",
                 "registration_waiting", "session_changed", "reminder"]
        rows = []
        for n in range(1, self.sizes.mails + 1):
            state = rng.choices([MailState.SENT, MailState.QUEUED, MailState.FAILED], weights=[85, 10, 5])[0]
            created = self.now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
            rows.append(dict(
                recipient=f"deelnemer{n}@example.org", subject=f"Bericht {n} over uw bijeenkomst",
                text_body="Beste deelnemer,\n\nDit is een bericht van Ontwikkelbijeenkomsten.\n",
                html_body="<p>Beste deelnemer,</p><p>Dit is een bericht van Ontwikkelbijeenkomsten.</p>",
                calendar=None, calendar_method=None, kind=rng.choice(kinds), template=None, context=None,
                locale="nl", state=state, attempts={MailState.SENT: 1, MailState.QUEUED: 0, MailState.FAILED: 8}[state],
                next_attempt_at=created, locked_at=None,
                sent_at=created + timedelta(seconds=30) if state is MailState.SENT else None,
                last_error="550 mailbox unavailable" if state is MailState.FAILED else "", created_at=created,
            ))
        self.insert(OutboxMail, rows)
        self.counts.update(mails=len(rows))
        states = Counter(r["state"].value for r in rows)
        self.say(f"{len(rows)} outbox mails ({', '.join(f'{n} {s}' for s, n in sorted(states.items()))})")


def build(database_url: str, sizes: Sizes = Sizes(), *, seed: int = 1, force: bool = False,
          say=print) -> dict[str, int]:
    """Migrate the database, then fill it; returns the number of rows made per kind."""
    import flask_migrate

    from ontwikkelbijeenkomsten import create_app
    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.core.uow import unit_of_work
    from ontwikkelbijeenkomsten.demo.services import clear_all, is_empty

    started = perf_counter()

    def progress(text: str) -> None:
        say(f"{perf_counter() - started:7.2f} s  {text}")

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": os.environ.get("SECRET_KEY", "dataset")})
    with app.app_context():
        flask_migrate.upgrade()
        progress("schema migrated")
        if not is_empty():
            if not force:
                raise SystemExit("The database is not empty; give --force to wipe it first.")
            with unit_of_work():
                clear_all()
            progress("emptied the database (--force)")
        counts = Builder(sizes, seed, progress).run()
        progress("done")
        db.engine.dispose()
    return dict(counts)


def main(argv=None) -> None:
    args = parse_args(argv)
    sizes = sizes_from(args)
    print(f"Building {sizes} with seed {args.seed}", flush=True)
    build(args.database_url, sizes, seed=args.seed, force=args.force, say=lambda text: print(text, flush=True))


if __name__ == "__main__":
    main()
