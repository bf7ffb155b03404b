"""Loads what the assistant says from knowledge/, and fills in its links.

The FAQ's questions (questions.yml), its answers (answers.yml), the questions the actions ask
(prompts.yml), the period labels (periods.yml) and the help-center documents the answers link
to (documents.yml) live there, once. The files are read once per process and found relative
to this file, so the action server can start from any working directory.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"
BASE_URL_ENV = "HELP_CENTER_BASE_URL"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Document:
    """A help-center document the FAQ links to by a path relative to itself."""

    title: str
    path: str

    def url(self, base_url: str) -> str:
        """The source's path, made absolute against the help center's base URL.

        The source climbs out of its folder with more `../` than there are folders, so the
        path is normalised against the help center's root; the anchor is kept when present.
        """
        path, _, anchor = self.path.partition("#")
        normalised = posixpath.normpath("/" + path).lstrip("/")
        url = base_url.rstrip("/") + "/" + quote(normalised, safe="/")
        return f"{url}#{anchor}" if anchor else url

    def markdown(self, base_url: str) -> str:
        return f"[{self.title}]({self.url(base_url)})"


@dataclass(frozen=True)
class Message:
    """Text (markdown) and buttons, ready for `dispatcher.utter_message`."""

    key: str
    text: str
    buttons: list[dict[str, str]]


@dataclass(frozen=True)
class Question:
    """One FAQ question as knowledge/questions.yml declares it."""

    intent: str
    title: str
    english: str
    menu: bool
    slots: tuple[str, ...]
    answers: tuple[str, ...]

    @property
    def immediate(self) -> bool:
        """Answered at once, whatever the conversation knows."""
        return not self.slots


@cache
def _load(name: str) -> Mapping[str, Any]:
    with open(KNOWLEDGE_DIR / name, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{KNOWLEDGE_DIR / name} must hold a mapping")
    return data


def documents() -> dict[str, Document]:
    return {
        key: Document(title=str(entry["title"]), path=str(entry["path"]))
        for key, entry in _load("documents.yml")["documents"].items()
    }


def base_url(environ: Mapping[str, str] | None = None) -> str:
    """The operator's HELP_CENTER_BASE_URL, else the one in knowledge/documents.yml."""
    environ = os.environ if environ is None else environ
    return environ.get(BASE_URL_ENV, "").strip() or str(_load("documents.yml")["base_url"])


def document_links(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Placeholder `doc_<key>` -> the markdown link to that document."""
    root = base_url(environ)
    return {f"doc_{key}": document.markdown(root) for key, document in documents().items()}


def _fill(template: str, values: Mapping[str, str]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"no value for {{{name}}} in {template[:30]!r}")
        return values[name]

    # One pass over the template: values (user text among them) are never read as templates.
    return _PLACEHOLDER.sub(replace, template)


def answer(key: str, environ: Mapping[str, str] | None = None) -> Message:
    """One answer of the FAQ with its links filled in."""
    return Message(key, _fill(str(_load("answers.yml")[key]), document_links(environ)), [])


def answer_keys() -> list[str]:
    return list(_load("answers.yml"))


def prompt(key: str, english: bool = False, **values: str) -> Message:
    """A prompt of prompts.yml; for a user who writes English, its `en` line comes first."""
    entry = _load("prompts.yml")[key]
    buttons = [dict(button) for button in entry.get("buttons", [])]
    text = _fill(str(entry["text"]), values)
    if english and entry.get("en"):
        text = _fill(str(entry["en"]), values) + "\n" + text
    return Message(key, text, buttons)


@cache
def questions() -> dict[str, Question]:
    """FAQ intent -> its question, in the source's order."""
    return {
        intent: Question(
            intent=intent,
            title=str(entry["title"]),
            english=str(entry["english"]),
            menu=bool(entry["menu"]),
            slots=tuple(entry["slots"]),
            answers=tuple(entry["answers"]),
        )
        for intent, entry in _load("questions.yml")["questions"].items()
    }


def questions_giving(answer: list[str] | tuple[str, ...]) -> list[Question]:
    """The questions whose declared answers include every key of `answer` (none for none)."""
    keys = set(answer)
    return [q for q in questions().values() if keys and keys <= set(q.answers)]


def english_intro(question: str) -> Message | None:
    """The one English sentence that names the question a Chinese answer belongs to."""
    asked = questions().get(question)
    if asked is None:
        return None
    template = str(_load("english.yml")["answer_intro"])
    return Message("english_intro", _fill(template, {"question": asked.english}), [])


def period_labels() -> Mapping[str, str]:
    """filing_period value -> the words a button shows (and sends back) for it."""
    return _load("periods.yml")["periods"]


def dont_remember_label() -> str:
    return str(_load("periods.yml")["dont_remember"])
