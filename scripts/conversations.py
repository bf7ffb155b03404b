"""Whole conversations against the real servers: does the user reach the right final answer?

A conversation (tests/heldout/conversations.yml, tests/heldout/blind2/conversations.yml) is an
opening message, the user's replies to each thing the assistant may ask (in the user's own
words, several when it asks again) and the answer keys (knowledge/answers.yml) the final answer
must consist of. A simulated user sends the opening, then answers whatever the assistant asks
with the next reply for that fact; when the assistant offers questions as buttons (it was
unsure), the user clicks the one they meant. The bot's messages are recognised by their text,
which comes from knowledge/ (one source).

A conversation *passes* when its final answer is exactly the expected keys. It is *harmful*
when the final answer holds a procedure the user did not need instead of the one they did, or
one that cannot be undone (注销备案) that they did not need.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent

# The assistant's question -> the fact the user's reply gives.
ASKS = {
    "ask_filing_date": "filing_date",
    "ask_filing_period_between": "filing_date",
    "ask_notice_type": "notice_type",
    "ask_miit_has_record": "miit_has_record",
    "ask_miit_result": "miit_result",
}
# Messages that go with an answer or a question and are not themselves the answer.
NOT_ANSWERS = {"miit_no_record_intro", "filing_date_unknown_lead", "english_intro"}
# Answers that send the user to cancel a filing: harmful whenever they were not needed.
IRREVERSIBLE = {"unknown_filing", "miit_result_entity_without_website"}
MAX_TURNS = 8


@dataclass(frozen=True)
class Conversation:
    name: str
    opening: str
    replies: dict[str, list[str]]
    expect: tuple[str, ...]
    lang: str = "zh"


@dataclass
class Outcome:
    conversation: Conversation
    answer: tuple[str, ...] = ()
    clarified: int = 0
    failure: str = ""
    transcript: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failure and set(self.answer) == set(self.conversation.expect)

    @property
    def harmful(self) -> bool:
        return harmful(self.conversation.expect, self.answer)


def harmful(expected: Sequence[str], given: Sequence[str]) -> bool:
    wrong, missing = set(given) - set(expected), set(expected) - set(given)
    return bool(wrong and missing) or bool(wrong & IRREVERSIBLE)


def load(path: Path) -> list[Conversation]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Conversation(
            name=str(item["name"]),
            opening=str(item["opening"]),
            replies={
                slot: [str(r) for r in (replies or [])]
                for slot, replies in (item.get("replies") or {}).items()
            },
            expect=tuple(item["expect"]),
            lang=str(item.get("lang", "zh")),
        )
        for item in data["conversations"]
    ]


def question_of(answer_key: str) -> set[str]:
    """The FAQ intents whose button leads to an answer key (knowledge/questions.yml)."""
    from actions import knowledge

    return {question.intent for question in knowledge.questions_giving([answer_key])}


class Recogniser:
    """Which prompt or answer of knowledge/ a bot message is.

    Rasa's channels send each paragraph of a text as a message of its own: an answer is known
    by its first paragraph, and its other paragraphs are continuations ("").
    """

    CONTINUATION = ""

    def __init__(self) -> None:
        from actions import knowledge

        self.paragraphs: dict[str, str] = {}
        for key in knowledge.answer_keys():
            first, *rest = knowledge.answer(key).text.strip().split("\n\n")
            self.paragraphs.setdefault(first.strip(), key)
            for paragraph in rest:
                self.paragraphs.setdefault(paragraph.strip(), self.CONTINUATION)
        self.answer_keys = set(knowledge.answer_keys())
        prompts = yaml.safe_load((ROOT / "knowledge" / "prompts.yml").read_text(encoding="utf-8"))
        self.prompts = {key: str(entry["text"]).split("{")[0] for key, entry in prompts.items()}

    def key(self, message: dict[str, Any]) -> str | None:
        text = str(message.get("text") or "").strip()
        if text in self.paragraphs:
            return self.paragraphs[text]
        for key, prefix in self.prompts.items():
            if prefix and prefix in text:
                return key
        if text.startswith("The help center's answer"):
            return "english_intro"
        return None


def run(
    conversation: Conversation, say: Callable[[str, str], list[dict[str, Any]]], recogniser: Recogniser
) -> Outcome:
    """Plays one conversation through `say(sender, text)`; returns what happened."""
    outcome = Outcome(conversation)
    sender = f"conversation-{uuid.uuid4().hex[:12]}"
    replies = {slot: list(values) for slot, values in conversation.replies.items()}
    wanted = set().union(*(question_of(key) for key in conversation.expect))
    text, asked = conversation.opening, None
    for _ in range(MAX_TURNS):
        outcome.transcript.append(f"user: {text}")
        messages = say(sender, text)
        keys = [recogniser.key(message) for message in messages]
        outcome.transcript += [
            f"bot [{key}]: {str(m.get('text'))[:60]}" for key, m in zip(keys, messages, strict=True)
        ]
        answer = tuple(k for k in keys if k in recogniser.answer_keys and k not in NOT_ANSWERS)
        if answer:
            outcome.answer = answer
            return outcome
        asks = [ASKS[k] for k in keys if k in ASKS]
        asked = (
            asks[-1]
            if asks
            else asked
            if any(k in ("please_choose", "filing_date_not_understood") for k in keys)
            else None
        )
        if asked:
            if not replies.get(asked):
                outcome.failure = f"asked for {asked} with no reply left"
                return outcome
            text = replies[asked].pop(0)
            continue
        buttons = [b for m in messages for b in (m.get("buttons") or [])]
        chosen = [b for b in buttons if str(b.get("payload", "")).lstrip("/") in wanted]
        if chosen:
            outcome.clarified += 1
            text = str(chosen[0]["payload"])
            continue
        outcome.failure = "neither answered nor asked for a fact: " + " / ".join(
            str(m.get("text"))[:40] for m in messages
        )
        return outcome
    outcome.failure = f"no answer after {MAX_TURNS} turns"
    return outcome


def run_all(
    conversations: Sequence[Conversation], say: Callable[[str, str], list[dict[str, Any]]]
) -> list[Outcome]:
    recogniser = Recogniser()
    return [run(conversation, say, recogniser) for conversation in conversations]


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    total = len(outcomes)
    passed = sum(o.passed for o in outcomes)
    return {
        "conversations": total,
        "passed": passed,
        "pass_rate": passed / total if total else 0.0,
        "harmful": sum(o.harmful for o in outcomes),
        "clarified": sum(o.clarified > 0 for o in outcomes),
    }
