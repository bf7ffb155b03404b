"""Performance benchmark of the assistant, side by side with a peer measured in the same run.

    .venv/bin/python scripts/bench.py            # what `make bench` runs (mk/bench.mk)

A benchmark, not a test: it prints one table and exits 0 whether or not the targets are met
(non-zero only when it could not measure, e.g. a training or a server failed).

Two models of the same domain.yml and data/, trained here with ``train --force`` into
var/bench/models/ (timed; never models/icp-assistant.tar.gz), the project's through
``python -m assistant`` as `make train` does (with patches/, entity_json among them), the peer's
with plain ``rasa``:

* ``project``: config.yml;
* ``peer``: Rasa 3.6's default configuration with JiebaTokenizer (bench/config.default.yml),
  run on Rasa's stock components only: its REST channel and its SQL tracker store
  (bench/credentials.default.yml, bench/endpoints.default.yml), none of the project's channels/,
  stores/ or patches/. The project runs on its own endpoints.yml and credentials.yml.

Then, for each model in turn (never both at once), its own action server and Rasa server on free
loopback ports, with its own SQLite tracker store in var/bench/ (and the project's REST rate
limits off):

* start-up: both processes spawned -> the first valid REST answer to an FAQ question;
* sequential latency of one REST message (keep-alive, one client), from a fresh sender each:
  ``immediate`` (an FAQ question answered at once, first turn), ``form turn`` (the typed date
  after "/faq_view_filing") and ``20th turn`` (the same FAQ question after 19 turns of questions
  and answers: Rasa slows down as the tracker grows);
* throughput: 16 concurrent clients (--clients), each playing the 20-turn conversation with
  fresh senders, until 800 messages (--load-messages) in all; messages/s and errors (an HTTP
  error, a timeout, an empty reply or the channel's apology);
* resident memory (VmRSS, /proc) of the Rasa server and of the action server after the load;
* the size of the model file;
* the CPU time both servers spent per message (/proc/<pid>/stat), which the other work on a
  shared machine disturbs much less than wall-clock times, and how many cores that other work
  kept busy meanwhile (/proc/stat, less the servers' and this script's CPU time).

Each latency scenario takes up to --samples (--turn20-samples) samples, fewer when it has spent
--budget seconds. --skip-train reuses the models and training times of the last run (--skip-train
peer: the peer's only, whose training takes half an hour); the table names the commit each model
was trained at.

Writes reports/bench.json (every figure and every sample) and reports/bench.png (latency
distributions of both configurations, and latency by turn). Logs of the servers and of the
trainings are in var/bench/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # actions.knowledge, for the channel's apology

from actions import knowledge  # noqa: E402
from assistant import KEEP_TENSORFLOW  # noqa: E402
from scripts.processes import Servers  # noqa: E402

RASA = ROOT / ".venv" / "bin" / "rasa"
PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH_DIR = ROOT / "var" / "bench"
MODELS_DIR = BENCH_DIR / "models"
REPORTS = ROOT / "reports"
CONFIGS = {"project": ROOT / "config.yml", "peer": ROOT / "bench" / "config.default.yml"}
# The peer runs on Rasa's stock channel and stores (bench/*.default.yml), the project on its own.
RUN_FILES = {
    "project": {"endpoints": ROOT / "endpoints.yml", "credentials": ROOT / "credentials.yml"},
    "peer": {
        "endpoints": ROOT / "bench" / "endpoints.default.yml",
        "credentials": ROOT / "bench" / "credentials.default.yml",
    },
}
WEBHOOK = "/webhooks/rest/webhook"
START_TIMEOUT = 300.0
REQUEST_TIMEOUT = 60.0

IMMEDIATE = "为什么会有备案信息核查？"
FORM_START = "/faq_view_filing"
FORM_ANSWER = "2013年3月"
# 19 turns that keep a conversation going: greetings, questions answered at once, questions
# that start the form and their answers (typed and clicked), an interruption inside the form.
# The 20th turn is IMMEDIATE again, outside any form.
CONVERSATION = [
    "你好",
    FORM_START,
    FORM_ANSWER,
    IMMEDIATE,
    "/faq_forgot_account",
    "2018年",
    "收到核查通知，但是这个备案信息我不认识",
    "收到阿里云备案信息核查通知，如何修改备案信息？",
    '/inform{"notice_type": "filing_info_unqualified"}',
    "2006年",
    "超期没整改，备案被取消接入了，工信部还能查到备案信息，怎么办",
    "/faq_access_cancelled",
    '/inform{"miit_has_record": "true"}',
    "谢谢",
    "我想看看我的备案信息",
    "为什么会有备案信息核查",
    "2013年3月",
    "收到核查通知，但是这个备案信息我不认识",
    "超期没整改，备案被取消接入了，工信部还能查到备案信息，怎么办",
]
assert len(CONVERSATION) == 19
TWENTY_TURNS = [*CONVERSATION, IMMEDIATE]

SCENARIOS = ("immediate", "form turn", "20th turn")


@dataclass(frozen=True)
class Target:
    text: str
    met: Callable[[float], bool]
    miss: Callable[[float], str]


def at_most(limit: float, unit: str) -> Target:
    def miss(value: float) -> str:
        return f"+{value - limit:.1f} {unit} ({(value / limit - 1) * 100:+.0f}%)".replace("  ", " ")

    return Target(f"≤ {limit:g} {unit}".rstrip(), lambda value: value <= limit, miss)


NO_ERRORS = Target("0", lambda value: value == 0, lambda value: f"{value:.0f} errors")


def at_least(limit: float, unit: str) -> Target:
    def miss(value: float) -> str:
        return f"at {value:.2f}{unit} ({(value / limit - 1) * 100:+.0f}%)"

    return Target(f"≥ {limit:g}{unit}", lambda value: value >= limit, miss)


# --------------------------------------------------------------------------------------------
# Training


def train(name: str, env: dict[str, str]) -> dict[str, Any]:
    """Trains one configuration with `train --force`; its wall time and the model's size."""
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    model = MODELS_DIR / f"{name}.tar.gz"
    log_path = BENCH_DIR / f"train-{name}.log"
    entry = [str(RASA)] if name == "peer" else [str(PYTHON), "-m", "assistant"]
    command = [
        *entry, "train", "--force",
        "--config", str(CONFIGS[name].relative_to(ROOT)),
        "--domain", "domain.yml", "--data", "data",
        "--out", str(MODELS_DIR), "--fixed-model-name", name,
    ]  # fmt: skip
    print(f"training {name} ({CONFIGS[name].relative_to(ROOT)}) ...", flush=True)
    with open(log_path, "wb") as log:
        started = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        seconds = time.monotonic() - started
    if done.returncode != 0 or not model.exists():
        raise SystemExit(f"training {name} failed (exit {done.returncode}); see {log_path}")
    record = {
        "seconds": seconds,
        "model": str(model.relative_to(ROOT)),
        "model_bytes": model.stat().st_size,
        "commit": _commit(),  # what --skip-train reuses says what it was trained from
    }
    (BENCH_DIR / f"train-{name}.json").write_text(json.dumps(record, indent=2))
    print(f"  {seconds:.1f} s, {record['model_bytes'] / 1e6:.2f} MB", flush=True)
    return record


def _commit() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def previous_training(name: str) -> dict[str, Any]:
    """--skip-train: the record of the last training of this configuration."""
    path = BENCH_DIR / f"train-{name}.json"
    if not path.exists() or not (MODELS_DIR / f"{name}.tar.gz").exists():
        raise SystemExit(f"--skip-train: no model of {name} in {MODELS_DIR}; run once without it")
    return json.loads(path.read_text())


# --------------------------------------------------------------------------------------------
# Servers


def process_tree_rss_kb(pid: int) -> tuple[int, int]:
    """VmRSS of a process and VmRSS of it and all its descendants, in kB."""

    def status(pid: int) -> dict[str, str]:
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except OSError:
            return {}
        return dict(line.split(":", 1) for line in lines if ":" in line)

    def rss(pid: int) -> int:
        value = status(pid).get("VmRSS", "0 kB").split()
        return int(value[0]) if value else 0

    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            ppid = status(int(entry.name)).get("PPid", "").strip()
            if ppid.isdigit():
                children.setdefault(int(ppid), []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss(current)
        stack.extend(children.get(current, []))
    return rss(pid), total


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all the machine's cores spent busy so far (/proc/stat), in seconds."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    busy = sum(values[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def servers_of(name: str, model: Path, stack: str) -> Servers:
    """The servers of one model (scripts/processes.py): the project through `python -m assistant`,
    the peer as plain `rasa run` on Rasa's stock channel and stores; rate limits off."""
    workdir = BENCH_DIR / name
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "tracker.db").unlink(missing_ok=True)
    env = {"RATE_LIMIT_PER_SENDER_PER_MINUTE": "0", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}
    if name == "peer":
        env[KEEP_TENSORFLOW] = "1"  # DIET and TED run TensorFlow (assistant.py)
    return Servers(
        workdir,
        model=model,
        extra_env=env,
        endpoints=RUN_FILES[stack]["endpoints"],
        credentials=RUN_FILES[stack]["credentials"],
        patched=stack == "project",
        start_timeout=START_TIMEOUT,
    )


def rss(servers: Servers) -> dict[str, dict[str, float]]:
    figures = {}
    for role, process in servers.processes.items():
        own, tree = process_tree_rss_kb(process.pid)
        figures[role] = {
            "rss_mb": own / 1024,
            "tree_rss_mb": tree / 1024,
            "peak_mb": peak_rss_kb(process.pid) / 1024,
        }
    return figures


def cpu(servers: Servers) -> dict[str, float]:
    """CPU seconds each server has used so far."""
    return {role: cpu_seconds(process.pid) for role, process in servers.processes.items()}


@contextmanager
def running(servers: Servers) -> Iterator[float]:
    """Seconds from the spawn to the servers' first answers (the launcher's readiness check)."""
    try:
        servers.start()
        assert servers.started_in is not None
        yield servers.started_in
    finally:
        servers.stop()


APOLOGY = knowledge.prompt("service_unavailable").text


def body(sender: str, text: str) -> bytes:
    return json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode("utf-8")


def valid(status: int, reply: Any) -> bool:
    """An answer a user would count as one: HTTP 200, some message, not the channel's apology."""
    return (
        status == 200
        and isinstance(reply, list)
        and bool(reply)
        and not any(isinstance(m, dict) and m.get("text") == APOLOGY for m in reply)
    )


class Sequential:
    """One client, one message at a time, over a keep-alive connection."""

    def __init__(self, session: requests.Session, url: str) -> None:
        self.session = session
        self.url = url
        self.errors = 0

    def say(self, sender: str, text: str) -> float:
        """Milliseconds of one message; an invalid answer is counted in `errors`."""
        started = time.perf_counter()
        try:
            reply = self.session.post(self.url, data=body(sender, text), timeout=REQUEST_TIMEOUT)
            ok = valid(reply.status_code, reply.json())
        except (requests.RequestException, ValueError):
            ok = False
        elapsed = (time.perf_counter() - started) * 1000
        self.errors += not ok
        return elapsed


def bounded(samples: int, budget: float, minimum: int = 20) -> Iterator[int]:
    """0, 1, ... up to `samples`, or fewer once `budget` seconds are spent (at least `minimum`)."""
    started = time.monotonic()
    for index in range(samples):
        if index >= minimum and time.monotonic() - started > budget:
            return
        yield index


def cpu_per_message(before: dict[str, float], after: dict[str, float], messages: int) -> dict[str, float]:
    """Milliseconds of CPU per message, of each server and of both."""
    per_message = {role: (after[role] - before[role]) * 1000 / max(messages, 1) for role in after}
    return {**per_message, "both": sum(per_message.values())}


def measure_latencies(
    client: Sequential, cpu: Callable[[], dict[str, float]], args: argparse.Namespace, tag: str
) -> dict[str, Any]:
    """The three sequential scenarios; also the servers' CPU time per message of each."""
    prefix = f"bench-{tag}-{uuid.uuid4().hex[:8]}"
    for index in range(10):  # warm-up, not counted
        client.say(f"{prefix}-warm-{index}", IMMEDIATE)
    client.errors = 0
    results: dict[str, Any] = {}

    before = cpu()
    immediate = [client.say(f"{prefix}-imm-{i}", IMMEDIATE) for i in bounded(args.samples, args.budget)]
    results["immediate"] = {
        "ms": immediate,
        "errors": client.errors,
        "cpu_ms_per_msg": cpu_per_message(before, cpu(), len(immediate)),
    }
    print(f"  immediate: {len(immediate)} samples", flush=True)

    client.errors = 0
    before = cpu()
    form: list[float] = []
    for index in bounded(args.samples, args.budget):
        sender = f"{prefix}-form-{index}"
        client.say(sender, FORM_START)
        form.append(client.say(sender, FORM_ANSWER))
    results["form turn"] = {
        "ms": form,
        "errors": client.errors,
        "cpu_ms_per_msg": cpu_per_message(before, cpu(), 2 * len(form)),  # both turns
    }
    print(f"  form turn: {len(form)} samples", flush=True)

    client.errors = 0
    before = cpu()
    by_turn: list[list[float]] = []
    for index in bounded(args.turn20_samples, args.budget):
        sender = f"{prefix}-long-{index}"
        by_turn.append([client.say(sender, text) for text in TWENTY_TURNS])
    results["20th turn"] = {
        "ms": [turns[-1] for turns in by_turn],
        "errors": client.errors,
        "cpu_ms_per_msg": cpu_per_message(before, cpu(), len(TWENTY_TURNS) * len(by_turn)),  # all turns
    }
    results["by_turn_ms"] = by_turn
    print(f"  20th turn: {len(by_turn)} samples", flush=True)
    return results


async def measure_throughput(url: str, clients: int, messages: int, tag: str) -> dict[str, Any]:
    """`clients` concurrent clients play TWENTY_TURNS with fresh senders until `messages` in all."""
    import aiohttp

    remaining = messages
    errors = 0
    latencies: list[float] = []

    async def client(session: aiohttp.ClientSession, number: int) -> None:
        nonlocal remaining, errors
        conversation = 0
        while remaining > 0:
            sender = f"bench-{tag}-load-{number}-{conversation}"
            conversation += 1
            for text in TWENTY_TURNS:
                if remaining <= 0:
                    return
                remaining -= 1
                started = time.perf_counter()
                try:
                    async with session.post(url, data=body(sender, text)) as response:
                        ok = valid(response.status, await response.json(content_type=None))
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    ok = False
                latencies.append((time.perf_counter() - started) * 1000)
                errors += not ok

    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=clients)
    headers = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession(timeout=timeout, connector=connector, headers=headers) as session:
        started = time.perf_counter()
        await asyncio.gather(*(client(session, number) for number in range(clients)))
        seconds = time.perf_counter() - started
    return {
        "clients": clients,
        "messages": len(latencies),
        "seconds": seconds,
        "msgs_per_s": len(latencies) / seconds,
        "errors": errors,
        "ms": latencies,
    }


def bench_model(name: str, args: argparse.Namespace) -> dict[str, Any]:
    model = MODELS_DIR / f"{name}.tar.gz"
    stack = "project" if args.peer_on_project_stack else name
    servers = servers_of(name, model, stack)
    webhook = servers.url + WEBHOOK
    session = requests.Session()
    session.headers["Content-Type"] = "application/json"
    print(
        f"{name}: starting its servers (Rasa :{servers.rasa_port}, actions :{servers.action_port}) ...",
        flush=True,
    )
    with running(servers) as startup:
        print(f"  first answer after {startup:.1f} s", flush=True)
        result: dict[str, Any] = {"startup_s": startup}
        # How busy the machine was with other work while this model was measured: all busy CPU
        # time less the servers' and this script's.
        started, machine_before, own_before = time.monotonic(), machine_busy_seconds(), cpu(servers)
        bench_before = sum(os.times()[:2])
        result["latency"] = measure_latencies(Sequential(session, webhook), lambda: cpu(servers), args, name)
        print(f"  throughput: {args.clients} clients, {args.load_messages} messages ...", flush=True)
        before = cpu(servers)
        result["throughput"] = asyncio.run(
            measure_throughput(webhook, args.clients, args.load_messages, name)
        )
        result["throughput"]["cpu_ms_per_msg"] = cpu_per_message(
            before, cpu(servers), result["throughput"]["messages"]
        )
        result["rss"] = rss(servers)
        ours = sum(cpu(servers).values()) - sum(own_before.values()) + sum(os.times()[:2]) - bench_before
        result["others_cpu_cores"] = max(
            0.0, (machine_busy_seconds() - machine_before - ours) / (time.monotonic() - started)
        )
    session.close()
    return result


# --------------------------------------------------------------------------------------------
# Report


def summary(values: list[float]) -> dict[str, float]:
    array = np.asarray(values, dtype=float)
    if not len(array):
        return {"n": 0, "median": float("nan"), "p95": float("nan"), "mean": float("nan")}
    return {
        "n": len(array),
        "median": float(np.median(array)),
        "p95": float(np.percentile(array, 95)),
        "mean": float(array.mean()),
    }


def figures(result: dict[str, Any]) -> dict[str, float]:
    """The figures of the table, of one model."""
    flat = {"startup": result["startup_s"]}
    for scenario in SCENARIOS:
        for stat in ("median", "p95"):
            flat[f"{scenario} {stat}"] = result["summary"][scenario][stat]
    flat["sequential errors"] = sum(result["latency"][scenario]["errors"] for scenario in SCENARIOS)
    flat["immediate cpu"] = result["latency"]["immediate"]["cpu_ms_per_msg"]["both"]
    flat["throughput"] = result["throughput"]["msgs_per_s"]
    flat["load median"] = result["summary"]["under load"]["median"]
    flat["load p95"] = result["summary"]["under load"]["p95"]
    flat["load errors"] = result["throughput"]["errors"]
    flat["load cpu"] = result["throughput"]["cpu_ms_per_msg"]["both"]
    flat["others"] = result["others_cpu_cores"]
    flat["rasa rss"] = result["rss"]["rasa"]["rss_mb"]
    flat["actions rss"] = result["rss"]["actions"]["rss_mb"]
    flat["training"] = result["training"]["seconds"]
    flat["model size"] = result["training"]["model_bytes"] / 1e6
    return flat


# key of figures(), label, format, target (on the project's figure, or on project/peer when the
# last field is True)
ROWS: list[tuple[str, str, str, Target | None, bool]] = [
    ("startup", "start-up (spawn -> first answer), s", "{:.1f}", at_most(20, "s"), False),
    ("immediate median", "immediate answer, median ms", "{:.1f}", at_most(20, "ms"), False),
    ("immediate p95", "immediate answer, p95 ms", "{:.1f}", at_most(40, "ms"), False),
    ("form turn median", "form turn, median ms", "{:.1f}", None, False),
    ("form turn p95", "form turn, p95 ms", "{:.1f}", None, False),
    ("20th turn median", "20th turn, median ms", "{:.1f}", None, False),
    ("20th turn p95", "20th turn, p95 ms", "{:.1f}", at_most(50, "ms"), False),
    ("sequential errors", "errors, sequential", "{:.0f}", None, False),
    ("immediate cpu", "server CPU per immediate answer, ms", "{:.1f}", None, False),
    ("throughput", "throughput, 16 clients, msg/s", "{:.1f}", at_least(4, "× peer"), True),
    ("load median", "  latency under load, median ms", "{:.0f}", None, False),
    ("load p95", "  latency under load, p95 ms", "{:.0f}", None, False),
    ("load errors", "  errors under load", "{:.0f}", NO_ERRORS, False),
    ("load cpu", "  server CPU per message under load, ms", "{:.1f}", None, False),
    ("rasa rss", "Rasa server RSS after load, MB", "{:.0f}", at_most(700, "MB"), False),
    ("actions rss", "action server RSS after load, MB", "{:.0f}", None, False),
    ("training", "training (train --force), s", "{:.1f}", at_most(60, "s"), False),
    ("model size", "model size, MB", "{:.2f}", None, False),
    ("others", "other work on the machine meanwhile, cores", "{:.2f}", None, False),
]


def rows(results: dict[str, dict[str, Any]], clients: int) -> list[dict[str, Any]]:
    """The table: one row per figure, the project's and the peer's, their ratio, the target."""
    project_figures, peer_figures = figures(results["project"]), figures(results["peer"])
    table = []
    for key, label, fmt, target, on_ratio in ROWS:
        project, peer = project_figures[key], peer_figures[key]
        ratio = project / peer if peer else float("nan")
        checked = ratio if on_ratio else project
        met = None if target is None else bool(target.met(checked))
        table.append(
            {
                "figure": label.replace("16 clients", f"{clients} clients"),
                "project": project,
                "peer": peer,
                "ratio": ratio,
                "shown": (fmt.format(project), fmt.format(peer), f"{ratio:.2f}" if peer else "—"),
                "target": target.text if target else "—",
                "met": met,
                "miss": target.miss(checked) if target is not None and not met else None,
            }
        )
    return table


def print_table(table: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    header = ("figure", "project", "peer", "project/peer", "target", "verdict")
    lines = [
        (
            row["figure"],
            *row["shown"],
            row["target"],
            "—" if row["met"] is None else ("ok" if row["met"] else f"MISS {row['miss']}"),
        )
        for row in table
    ]
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]

    def fmt(line: tuple[str, ...]) -> str:
        cells = [str(line[0]).ljust(widths[0])]
        cells += [str(cell).rjust(widths[i + 1]) for i, cell in enumerate(line[1:4])]
        cells += [str(cell).ljust(widths[i + 4]) for i, cell in enumerate(line[4:])]
        return " | ".join(cells).rstrip()

    print()
    print(
        f"Benchmark {meta['date']} on {meta['cpus']} CPUs (load average at start {meta['loadavg_start']}), "
        f"peer = {meta['peer']}; samples: {meta['samples']}"
    )
    if "trained" in meta:
        trained = ", ".join(f"{name} at {commit}" for name, commit in meta["trained"].items())
        print(f"servers of commit {meta['head']}; models trained {trained}")
    print(fmt(header))
    print("-+-".join("-" * width for width in widths))
    for line in lines:
        print(fmt(line))
    print(
        "project/peer: below 1 is better, except throughput. Server CPU: Rasa + action server CPU "
        "time per message,\nsteadier than wall-clock figures when other work shares the cores."
    )
    missed = [row for row in table if row["met"] is False]
    print(f"\n{len(missed)} target(s) missed." if missed else "\nEvery target met.")


LOG_TICKS = [5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000]


def label_log_axis(axis: Any) -> None:
    """Plain numbers on a logarithmic axis, at the LOG_TICKS inside its range."""
    low, high = sorted(axis.get_view_interval())
    ticks = [tick for tick in LOG_TICKS if low <= tick <= high]
    axis.set_ticks(ticks)
    axis.set_ticklabels([f"{tick:g}" for tick in ticks])


def plot(results: dict[str, dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"project": "tab:blue", "peer": "tab:orange"}
    scenarios = [*SCENARIOS, "under load"]
    figure, (boxes, cdf, turns) = plt.subplots(1, 3, figsize=(18, 5.5))

    data, positions, box_colors = [], [], []
    for index, scenario in enumerate(scenarios):
        for offset, name in ((-0.18, "project"), (0.18, "peer")):
            values = (
                results[name]["throughput"]["ms"]
                if scenario == "under load"
                else results[name]["latency"][scenario]["ms"]
            )
            data.append(values)
            positions.append(index + offset)
            box_colors.append(colors[name])
    drawn = boxes.boxplot(data, positions=positions, widths=0.3, whis=(5, 95), patch_artist=True, sym=".")
    for patch, color in zip(drawn["boxes"], box_colors, strict=True):
        patch.set_facecolor(color)
        patch.set_alpha(0.6)
    boxes.set_xticks(range(len(scenarios)))
    boxes.set_xticklabels(scenarios)
    boxes.set_yscale("log")
    boxes.set_ylabel("ms per message (log)")
    boxes.set_title("REST latency (box: quartiles, whiskers: 5th-95th percentile)")
    for limit, style in ((20, ":"), (40, "--"), (50, "-.")):
        boxes.axhline(limit, color="grey", linestyle=style, linewidth=0.8, label=f"{limit} ms")
    boxes.legend(
        handles=[plt.Rectangle((0, 0), 1, 1, color=colors[name], alpha=0.6, label=name) for name in colors]
        + boxes.get_legend_handles_labels()[0],
        fontsize=8,
    )

    styles = {"immediate": "-", "form turn": "--", "20th turn": ":"}
    for name, color in colors.items():
        for scenario, style in styles.items():
            values = np.sort(results[name]["latency"][scenario]["ms"])
            if len(values):
                cdf.plot(
                    values,
                    np.arange(1, len(values) + 1) / len(values),
                    style,
                    color=color,
                    label=f"{name}: {scenario}",
                )
    cdf.set_xscale("log")
    cdf.set_xlabel("ms per message (log)")
    cdf.set_ylabel("fraction of messages")
    cdf.set_title("Sequential latency, cumulative")
    cdf.axhline(0.95, color="grey", linewidth=0.6)
    cdf.legend(fontsize=8)

    for name, color in colors.items():
        by_turn = np.asarray(results[name]["latency"]["by_turn_ms"], dtype=float)
        if by_turn.size:
            x = np.arange(1, by_turn.shape[1] + 1)
            turns.plot(x, np.median(by_turn, axis=0), "-o", color=color, markersize=3, label=f"{name} median")
            turns.plot(
                x, np.percentile(by_turn, 95, axis=0), "--", color=color, linewidth=0.8, label=f"{name} p95"
            )
    turns.set_yscale("log")
    turns.set_xticks(range(1, len(TWENTY_TURNS) + 1))
    turns.set_xlabel("turn of the conversation")
    turns.set_ylabel("ms (log)")
    turns.set_title("Latency by turn (the 20-turn conversations)")
    turns.legend(fontsize=8)

    for axis in (boxes.yaxis, cdf.xaxis, turns.yaxis):
        label_log_axis(axis)
    figure.suptitle("make bench: project (config.yml) vs peer (Rasa 3.6 default + JiebaTokenizer)")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200, help="samples of the immediate and form turns")
    parser.add_argument("--turn20-samples", type=int, default=100, help="20-turn conversations timed")
    parser.add_argument(
        "--budget", type=float, default=240, help="seconds per latency scenario, after which it stops early"
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--load-messages", type=int, default=800)
    parser.add_argument(
        "--skip-train",
        nargs="*",
        choices=list(CONFIGS),
        metavar="NAME",
        help="reuse var/bench/models and their timings: of both configurations, or of the ones named "
        "(--skip-train peer retrains the project only; the table says which commit each model is from)",
    )
    parser.add_argument(
        "--peer-on-project-stack",
        action="store_true",
        help="run the peer on the project's endpoints.yml and credentials.yml (its stores, REST channel and "
        "patches/) instead of Rasa's stock ones: the lead of the configuration alone",
    )
    args = parser.parse_args(argv)

    began = time.monotonic()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        # Rasa's training cache of this benchmark, apart from the one of `make train`.
        "RASA_CACHE_DIRECTORY": str(BENCH_DIR / "rasa-cache"),
    }
    meta = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "loadavg_start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "python": platform.python_version(),
        "peer": str(CONFIGS["peer"].relative_to(ROOT))
        + (
            " on the project's stores, channel and patches"
            if args.peer_on_project_stack
            else " on Rasa's stock REST channel and SQL store"
        ),
        "samples": (
            f"≤{args.samples} immediate / form, ≤{args.turn20_samples} 20th-turn, "
            f"{args.load_messages} msgs under load"
        ),
        "args": vars(args),
    }

    results: dict[str, dict[str, Any]] = {}
    reused = set(CONFIGS) if args.skip_train == [] else set(args.skip_train or ())
    trainings = {name: (previous_training(name) if name in reused else train(name, env)) for name in CONFIGS}
    meta["trained"] = {name: trainings[name].get("commit", "unknown") for name in CONFIGS}
    meta["head"] = _commit()
    for name in CONFIGS:
        result = bench_model(name, args)
        result["training"] = trainings[name]
        result["summary"] = {
            **{scenario: summary(result["latency"][scenario]["ms"]) for scenario in SCENARIOS},
            "under load": summary(result["throughput"]["ms"]),
        }
        results[name] = result

    table = rows(results, args.clients)
    meta["loadavg_end"] = " ".join(f"{value:.2f}" for value in os.getloadavg())
    meta["seconds"] = time.monotonic() - began
    print_table(table, meta)

    REPORTS.mkdir(parents=True, exist_ok=True)
    plot(results, REPORTS / "bench.png")
    report = {
        "meta": meta,
        "table": [{key: value for key, value in row.items() if key != "shown"} for row in table],
        "results": results,
    }
    (REPORTS / "bench.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(
        f"wrote {REPORTS / 'bench.png'} and {REPORTS / 'bench.json'} ({meta['seconds'] / 60:.1f} min in all)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
