"""Which language the user writes in."""

from __future__ import annotations

from actions.language import language_of, writes_english


def test_language_of_a_message() -> None:
    assert language_of("How do I view my ICP filing?") == "en"
    assert language_of("ICP备案怎么查看") == "zh"
    assert language_of("why备案要核查") == "zh"
    assert language_of("2012") is None
    assert language_of("ICP") is None
    assert language_of('/inform{"notice_type":"x"}') is None


def test_the_latest_message_that_names_a_language_decides() -> None:
    events = [
        {"event": "user", "text": "How can I see my filing?"},
        {"event": "bot", "text": "请问..."},
        {"event": "user", "text": "2012"},
    ]
    assert writes_english(events)
    assert not writes_english([*events, {"event": "user", "text": "好的"}])
    assert not writes_english([])
