"""Shared test settings: where the source FAQ is, and a fixed 'today'."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The project's own copy of the help-center FAQ (a clone stands alone); tests/unit/test_knowledge.py
# keeps it equal to ../shared/source/ whenever that folder is there.
SOURCE_FAQ = ROOT / "knowledge" / "icp-filing-verification-faq.md"
SHARED_FAQ = ROOT.parent / "shared" / "source" / "icp-filing-verification-faq.md"
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture()
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    from actions import clock

    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY
