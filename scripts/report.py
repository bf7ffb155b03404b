"""`make report`: what the help-center team sees, read from the assistant's own tracker store.

Reads Rasa's `events` table where the assistant keeps its conversations: SQLite at TRACKER_DB
(var/tracker.db by default), or PostgreSQL when the scale-out variables are set (DB_HOST,
DB_PORT, DB_DATABASE, DB_USER, DB_PASSWORD, as deploy/endpoints.scale.yml reads them). Writes
to reports/conversations/ (REPORT_DIR):

- summary.json: conversations, user messages, the questions asked (conversations per FAQ
  intent), the answers given (times per answer key), fallbacks, feedback, the unrecognised
  messages (most frequent first) and where forms were abandoned (the slot being asked);
- index.html: one self-contained page (inline SVG drawn by matplotlib, no script, no CDN);
- unrecognised.yml: the unrecognised messages as a Rasa NLU file, intent left to fill in.

REPORT_SINCE / REPORT_UNTIL (YYYY-MM-DD, UTC, both days included) bound the events read.
Sender ids never leave the database: conversations are only counted. The events are read in
one pass, in batches, with progress on stderr.

`--prune` deletes the conversations whose latest event is older than TRACKER_RETENTION_DAYS
days (unset or 0: nothing is deleted), for `make prune-conversations`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions import knowledge  # noqa: E402

DEFAULT_DB = ROOT / "var" / "tracker.db"
DEFAULT_OUT = ROOT / "reports" / "conversations"
FORM = "faq_form"
DECLINED = ("nlu_fallback", "out_of_scope")
BATCH = 20_000
PROGRESS_EVERY = 200_000
CHOICES = ("helpful", "unhelpful")


class ReportError(Exception):
    """A setting or a store the report cannot use: said in one line, no traceback."""


def database_url(environ: Mapping[str, str]) -> str:
    """PostgreSQL from the scale-out variables when DB_HOST is set, else SQLite at TRACKER_DB."""
    if environ.get("DB_HOST"):
        url = sa.engine.URL.create(
            "postgresql",
            username=environ.get("DB_USER") or None,
            password=environ.get("DB_PASSWORD") or None,
            host=environ["DB_HOST"],
            port=int(environ["DB_PORT"]) if environ.get("DB_PORT") else None,
            database=environ.get("DB_DATABASE") or "rasa",
        )
        return url.render_as_string(hide_password=False)
    path = Path(environ.get("TRACKER_DB") or DEFAULT_DB)
    if not path.is_file():
        raise ReportError(f"no tracker store at {path} (set TRACKER_DB, or DB_HOST for PostgreSQL)")
    return f"sqlite:///{path}"


def day_bound(value: str | None, name: str, end: bool) -> float | None:
    """A REPORT_SINCE / REPORT_UNTIL date as a timestamp (UTC; the until day is included)."""
    if not value:
        return None
    try:
        day = dt.datetime.strptime(value.strip(), "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise ReportError(f"{name}={value!r} is not a date like 2026-11-30") from None
    return (day + dt.timedelta(days=1 if end else 0)).timestamp()


@dataclass
class Conversation:
    """What the report keeps of one conversation while reading it: nothing that names it."""

    questions: set[str] = field(default_factory=set)
    days: set[int] = field(default_factory=set)  # days (since 1970, UTC) with a user message
    form_active: bool = False
    requested: str | None = None


@dataclass
class Report:
    conversations: int = 0
    user_messages: int = 0
    questions: Counter = field(default_factory=Counter)
    answers: Counter = field(default_factory=Counter)
    fallbacks: int = 0
    feedback: Counter = field(default_factory=Counter)
    feedback_by_answer: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    unrecognised: Counter = field(default_factory=Counter)
    abandoned: Counter = field(default_factory=Counter)
    conversations_per_day: Counter = field(default_factory=Counter)
    messages_per_day: Counter = field(default_factory=Counter)
    fallbacks_per_day: Counter = field(default_factory=Counter)
    events: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "user_messages": self.user_messages,
            "questions": dict(self.questions.most_common()),
            "answers": dict(self.answers.most_common()),
            "fallbacks": self.fallbacks,
            "feedback": {"helpful": self.feedback["helpful"], "unhelpful": self.feedback["unhelpful"]},
            "unrecognised": [{"text": t, "count": c} for t, c in self.unrecognised.most_common()],
            "abandoned": dict(self.abandoned.most_common()),
        }


class Reader:
    """Folds the events, conversation after conversation, into a Report."""

    def __init__(self) -> None:
        self.report = Report()
        self.faq_intents = set(knowledge.questions())
        self.answer_keys = set(knowledge.answer_keys())
        self.sender: str | None = None
        self.current = Conversation()
        self.seen_user = False

    def _close(self) -> None:
        if self.seen_user:
            self.report.conversations += 1
            for intent in self.current.questions:
                self.report.questions[intent] += 1
            for day in self.current.days:
                self.report.conversations_per_day[day] += 1
        if self.current.form_active:
            self.report.abandoned[self.current.requested or "faq_question"] += 1
        self.current, self.seen_user = Conversation(), False

    def add(self, sender: str, type_name: str, timestamp: float, intent: str | None, data: str) -> None:
        # A million events in well under a minute: the columns decide first, and an event's
        # JSON is parsed only when its columns (or a plain substring) say it may count.
        report = self.report
        report.events += 1
        if sender != self.sender:
            self._close()
            self.sender = sender
        current = self.current
        if type_name == "user":
            day = int((timestamp or 0) // 86400)
            self.seen_user = True
            current.days.add(day)
            report.user_messages += 1
            report.messages_per_day[day] += 1
            if intent in self.faq_intents:
                current.questions.add(intent)
            elif intent in DECLINED:
                text = str(orjson.loads(data).get("text") or "").strip()
                if not text.startswith("/"):
                    report.fallbacks += 1
                    report.fallbacks_per_day[day] += 1
                    if text:
                        report.unrecognised[text] += 1
        elif type_name == "bot":
            if '"knowledge"' in data:
                key = (orjson.loads(data).get("metadata") or {}).get("knowledge")
                if key in self.answer_keys:
                    report.answers[key] += 1
        elif type_name == "slot":
            if "requested_slot" in data or "feedback" in data:
                event = orjson.loads(data)
                name, value = event.get("name"), event.get("value")
                if name == "requested_slot":
                    current.requested = value
                elif name == "feedback" and isinstance(value, dict) and value.get("choice") in CHOICES:
                    report.feedback[value["choice"]] += 1
                    for key in value.get("answer") or []:
                        report.feedback_by_answer[str(key)][value["choice"]] += 1
        elif type_name == "active_loop":
            if orjson.loads(data).get("name") == FORM:
                if current.form_active:  # a new question replaced the one being asked
                    report.abandoned[current.requested or "faq_question"] += 1
                current.form_active, current.requested = True, None
            else:
                current.form_active, current.requested = False, None
        elif type_name in ("session_started", "restart") and current.form_active:
            report.abandoned[current.requested or "faq_question"] += 1
            current.form_active, current.requested = False, None

    def finish(self) -> Report:
        self._close()
        return self.report


def _bounded(query: Any, table: Any, since: float | None, until: float | None) -> Any:
    if since is not None:
        query = query.where(table.c.timestamp >= since)
    if until is not None:
        query = query.where(table.c.timestamp < until)
    return query


def read_events(
    engine: sa.engine.Engine, since: float | None, until: float | None, progress: bool = True
) -> Iterator[tuple[str, str, float, str | None, str]]:
    table = sa.table(
        "events",
        sa.column("id"),
        sa.column("sender_id"),
        sa.column("type_name"),
        sa.column("timestamp"),
        sa.column("intent_name"),
        sa.column("data"),
    )
    count = _bounded(sa.select(sa.func.count()).select_from(table), table, since, until)
    query = sa.select(
        table.c.sender_id, table.c.type_name, table.c.timestamp, table.c.intent_name, table.c.data
    )
    query = _bounded(query, table, since, until).order_by(table.c.sender_id, table.c.id)
    started = time.monotonic()
    with engine.connect() as connection:
        total = connection.execute(count).scalar_one()
        if progress:
            print(f"report: {total:,} events to read", file=sys.stderr, flush=True)
        result = connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)
        done = 0
        for rows in result.partitions(BATCH):
            yield from rows
            done += len(rows)
            if progress and (done // PROGRESS_EVERY) != ((done - len(rows)) // PROGRESS_EVERY):
                rate = done / max(time.monotonic() - started, 1e-9)
                print(
                    f"report: {done:,} of {total:,} events ({done / total:.0%}), {rate:,.0f} events/s",
                    file=sys.stderr,
                    flush=True,
                )


def build(environ: Mapping[str, str], progress: bool = True) -> Report:
    since = day_bound(environ.get("REPORT_SINCE"), "REPORT_SINCE", end=False)
    until = day_bound(environ.get("REPORT_UNTIL"), "REPORT_UNTIL", end=True)
    if since is not None and until is not None and since >= until:
        raise ReportError("REPORT_SINCE is after REPORT_UNTIL")
    engine = sa.create_engine(database_url(environ))
    try:
        if not sa.inspect(engine).has_table("events"):
            raise ReportError("the tracker store has no events table yet: no conversation was stored")
        reader = Reader()
        for sender, type_name, timestamp, intent, data in read_events(engine, since, until, progress):
            reader.add(sender, type_name, timestamp, intent, data)
        return reader.finish()
    except sa.exc.SQLAlchemyError as error:
        raise ReportError(f"cannot read the tracker store: {str(error).splitlines()[0]}") from None
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------
# The page


def day_name(day: int) -> str:
    return dt.datetime.fromtimestamp(day * 86400, dt.timezone.utc).strftime("%Y-%m-%d")


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def plots(report: Report) -> dict[str, str]:
    """Title -> inline SVG. Text stays text (the browser draws the characters)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Text stays text in the SVG (the browser draws it); labels are intent and answer keys.
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9})
    charts: dict[str, str] = {}

    def bar(title: str, labels: list[str], values: list[float], horizontal: bool = True) -> None:
        height = max(1.6, 0.32 * len(labels) + 0.8) if horizontal else 2.6
        figure, axis = plt.subplots(figsize=(7, height))
        if labels and horizontal:
            axis.barh(labels, values, color="#ff6a00")
            axis.invert_yaxis()
        elif labels:
            axis.bar(labels, values, color="#ff6a00")
            axis.tick_params(axis="x", labelrotation=60, labelsize=7)
        else:
            axis.text(0.5, 0.5, "no data", ha="center", va="center", transform=axis.transAxes)
        axis.spines[["top", "right"]].set_visible(False)
        charts[title] = _svg(figure)
        plt.close(figure)

    days = sorted(report.conversations_per_day)
    bar(
        "Conversations per day",
        [day_name(d) for d in days],
        [report.conversations_per_day[d] for d in days],
        horizontal=False,
    )
    questions = report.questions.most_common()
    bar("Questions (conversations that asked each)", [q for q, _ in questions], [n for _, n in questions])

    figure, axis = plt.subplots(figsize=(7, max(1.6, 0.32 * len(report.answers) + 0.8)))
    answers = report.answers.most_common()
    if answers:
        labels = [key for key, _ in answers]
        axis.barh(labels, [n for _, n in answers], color="#ccc", label="given")
        helpful = [report.feedback_by_answer[key]["helpful"] for key in labels]
        unhelpful = [report.feedback_by_answer[key]["unhelpful"] for key in labels]
        axis.barh(labels, helpful, color="#2e9e5b", label="helpful")
        axis.barh(labels, unhelpful, left=helpful, color="#d9412b", label="unhelpful")
        axis.invert_yaxis()
        axis.legend(loc="lower right")
    else:
        axis.text(0.5, 0.5, "no data", ha="center", va="center", transform=axis.transAxes)
    axis.spines[["top", "right"]].set_visible(False)
    charts["Answers given, with their feedback"] = _svg(figure)
    plt.close(figure)

    figure, axis = plt.subplots(figsize=(7, 2.4))
    rate_days = sorted(report.messages_per_day)
    rates = [report.fallbacks_per_day[d] / report.messages_per_day[d] for d in rate_days]
    if rate_days:
        axis.plot([day_name(d) for d in rate_days], rates, marker="o", color="#ff6a00")
        axis.set_ylim(0, max(0.1, max(rates) * 1.2))
    else:
        axis.text(0.5, 0.5, "no data", ha="center", va="center", transform=axis.transAxes)
    axis.tick_params(axis="x", labelrotation=60, labelsize=7)
    axis.set_ylabel("out of scope or not understood / user messages")
    axis.spines[["top", "right"]].set_visible(False)
    charts["Fallback rate per day"] = _svg(figure)
    plt.close(figure)

    abandoned = report.abandoned.most_common()
    bar("Forms abandoned, by the slot being asked", [s for s, _ in abandoned], [n for _, n in abandoned])
    return charts


def page(report: Report, environ: Mapping[str, str]) -> str:
    summary = report.summary()
    window = f"{environ.get('REPORT_SINCE') or 'the beginning'} to {environ.get('REPORT_UNTIL') or 'now'}"
    feedback = summary["feedback"]
    figures = [
        ("conversations", summary["conversations"]),
        ("user messages", summary["user_messages"]),
        ("fallbacks", summary["fallbacks"]),
        ("有帮助", feedback["helpful"]),
        ("没帮助", feedback["unhelpful"]),
    ]
    cards = "".join(
        f'<div class="card"><b>{value:,}</b><span>{html.escape(name)}</span></div>' for name, value in figures
    )
    charts = "".join(
        f'<section class="chart"><h2>{html.escape(title)}</h2>{svg}</section>'
        for title, svg in plots(report).items()
    )
    rows = "".join(
        f"<tr><td>{html.escape(item['text'])}</td><td>{item['count']}</td></tr>"
        for item in summary["unrecognised"]
    )
    table = (
        f"<table><thead><tr><th>message</th><th>times</th></tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else "<p>None.</p>"
    )
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>备案信息核查助手: conversation report</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2rem;
  color: #222; max-width: 60rem; }}
.cards {{ display: flex; gap: 1rem; flex-wrap: wrap; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: .8rem 1.2rem; min-width: 7rem; }}
.card b {{ display: block; font-size: 1.6rem; }}
.chart svg {{ max-width: 100%; height: auto; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #eee; padding: .3rem .5rem; text-align: left; }}
td:last-child {{ text-align: right; }}
</style>
</head>
<body>
<h1>备案信息核查助手: conversation report</h1>
<p>Events from {html.escape(window)} (UTC): {report.events:,} events. Generated by
<code>make report</code>; sender ids are not shown.</p>
<div class="cards">{cards}</div>
{charts}
<section><h2>Unrecognised messages (out of scope or not understood), most frequent first</h2>
<p>Also in <code>unrecognised.yml</code>, ready to label and add to <code>data/</code>.</p>
{table}</section>
</body>
</html>
"""


def nlu_file(report: Report) -> str:
    """The unrecognised messages as a Rasa NLU file whose intent is left to fill in."""
    lines = [
        "# Messages the assistant did not recognise (make report), most frequent first. Put each",
        "# under the intent it means (or delete it), move the block to a file of data/nlu/, retrain.",
        'version: "3.1"',
        "nlu:",
        "  - intent:  # the intent these messages mean",
        "    examples: |",
    ]
    for text, _ in report.unrecognised.most_common():
        lines.append("      - " + " ".join(text.split()))
    if not report.unrecognised:
        lines[-1] = "    examples: ''  # nothing unrecognised in this period"
    return "\n".join(lines) + "\n"


def write(report: Report, out: Path, environ: Mapping[str, str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    summary = json.dumps(report.summary(), ensure_ascii=False, indent=2)
    (out / "summary.json").write_text(summary + "\n", encoding="utf-8")
    (out / "index.html").write_text(page(report, environ), encoding="utf-8")
    (out / "unrecognised.yml").write_text(nlu_file(report), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Retention


def prune(environ: Mapping[str, str]) -> int:
    """Deletes conversations whose latest event is older than TRACKER_RETENTION_DAYS days."""
    setting = (environ.get("TRACKER_RETENTION_DAYS") or "").strip()
    try:
        days = int(setting or "0")
    except ValueError:
        raise ReportError(f"TRACKER_RETENTION_DAYS={setting!r} is not a whole number of days") from None
    if days < 0:
        raise ReportError("TRACKER_RETENTION_DAYS must be 0 (off) or more")
    if days == 0:
        print("retention: TRACKER_RETENTION_DAYS is not set: nothing deleted")
        return 0
    cutoff = time.time() - days * 86400
    table = sa.table("events", sa.column("sender_id"), sa.column("timestamp"))
    stale = (
        sa.select(table.c.sender_id)
        .group_by(table.c.sender_id)
        .having(sa.func.max(table.c.timestamp) < cutoff)
        .scalar_subquery()
    )
    engine = sa.create_engine(database_url(environ))
    try:
        with engine.begin() as connection:
            conversations = connection.execute(
                sa.select(sa.func.count(sa.distinct(table.c.sender_id))).where(table.c.sender_id.in_(stale))
            ).scalar_one()
            deleted = connection.execute(sa.delete(table).where(table.c.sender_id.in_(stale))).rowcount
    except sa.exc.SQLAlchemyError as error:
        raise ReportError(f"cannot prune the tracker store: {str(error).splitlines()[0]}") from None
    finally:
        engine.dispose()
    print(f"retention: deleted {conversations} conversations ({deleted} events) older than {days} days")
    return conversations


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="output folder (REPORT_DIR)")
    parser.add_argument(
        "--prune", action="store_true", help="delete conversations past TRACKER_RETENTION_DAYS"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    environ = os.environ if environ is None else environ
    try:
        if args.prune:
            prune(environ)
            return 0
        started = time.monotonic()
        report = build(environ, progress=not args.quiet)
        out = args.out or Path(environ.get("REPORT_DIR") or DEFAULT_OUT)
        write(report, out, environ)
    except ReportError as error:
        print(f"report: {error}", file=sys.stderr)
        return 2
    seconds = time.monotonic() - started
    print(
        f"report: {report.events:,} events, {report.conversations:,} conversations in {seconds:.1f} s "
        f"-> {out}/summary.json, index.html, unrecognised.yml"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
