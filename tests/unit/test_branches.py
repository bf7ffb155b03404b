"""The FAQ's decision tree: which slots each question needs, which answers it picks."""

from __future__ import annotations

import pytest

from actions.branches import Facts, answer, required_slots

BEFORE, MIDDLE, AFTER = "before_2010_06_01", "2010_06_01_to_2017_01_31", "after_2017_01_31"
UNKNOWN = Facts(filing_date_unknown=True)


@pytest.mark.parametrize(
    ("question", "facts", "slots"),
    [
        ("faq_view_filing", Facts(), ["faq_question", "filing_date", "filing_period"]),
        ("faq_view_filing", UNKNOWN, ["faq_question", "filing_date"]),
        ("faq_forgot_account", Facts(), ["faq_question", "filing_date", "filing_period"]),
        ("faq_modify_filing", Facts(), ["faq_question", "notice_type"]),
        (
            "faq_modify_filing",
            Facts(notice_type="filing_info_unqualified"),
            ["faq_question", "notice_type", "filing_date", "filing_period"],
        ),
        (
            "faq_modify_filing",
            Facts(notice_type="website_content_unqualified"),
            ["faq_question", "notice_type"],
        ),
        ("faq_access_cancelled", Facts(), ["faq_question", "miit_has_record"]),
        ("faq_access_cancelled", Facts(miit_has_record=True), ["faq_question", "miit_has_record"]),
        (
            "faq_access_cancelled",
            Facts(miit_has_record=False),
            ["faq_question", "miit_has_record", "miit_result"],
        ),
        ("faq_access_cancelled_miit_no_record", Facts(), ["faq_question", "miit_result"]),
        (None, Facts(), []),
    ],
)
def test_a_question_needs_only_the_slots_its_branch_depends_on(question, facts, slots) -> None:
    assert required_slots(question, facts) == slots


@pytest.mark.parametrize(
    ("question", "facts", "answers"),
    [
        ("faq_why_verification", Facts(), ["why_verification"]),
        ("faq_unknown_filing", Facts(), ["unknown_filing"]),
        ("faq_access_cancelled_miit_has_record", Facts(), ["access_cancelled_miit_has_record"]),
        ("faq_view_filing", Facts(filing_period=BEFORE), [f"view_filing_{BEFORE}"]),
        ("faq_view_filing", Facts(filing_period=MIDDLE), [f"view_filing_{MIDDLE}"]),
        ("faq_view_filing", Facts(filing_period=AFTER), [f"view_filing_{AFTER}"]),
        ("faq_view_filing", UNKNOWN, [f"view_filing_{p}" for p in (BEFORE, MIDDLE, AFTER)]),
        ("faq_forgot_account", Facts(filing_period=MIDDLE), [f"forgot_account_{MIDDLE}"]),
        ("faq_forgot_account", UNKNOWN, [f"forgot_account_{p}" for p in (BEFORE, MIDDLE, AFTER)]),
        (
            "faq_modify_filing",
            Facts(notice_type="filing_info_unqualified", filing_period=BEFORE),
            ["modify_filing_info_unqualified", f"modify_note_{BEFORE}"],
        ),
        (
            "faq_modify_filing",
            Facts(notice_type="filing_info_unqualified", filing_date_unknown=True),
            ["modify_filing_info_unqualified", *(f"modify_note_{p}" for p in (BEFORE, MIDDLE, AFTER))],
        ),
        (
            "faq_modify_filing",
            Facts(notice_type="website_content_unqualified", filing_period=AFTER),
            ["modify_website_content_unqualified"],
        ),
        ("faq_access_cancelled", Facts(miit_has_record=True), ["access_cancelled_miit_has_record"]),
        (
            "faq_access_cancelled",
            Facts(miit_has_record=False, miit_result="no_record"),
            ["miit_no_record_intro", "miit_result_no_record"],
        ),
        (
            "faq_access_cancelled_miit_no_record",
            Facts(miit_result="entity_without_website"),
            ["miit_no_record_intro", "miit_result_entity_without_website"],
        ),
        (
            "faq_access_cancelled_miit_no_record",
            Facts(miit_result="entity_with_other_websites"),
            ["miit_no_record_intro", "miit_result_entity_with_other_websites"],
        ),
        (None, Facts(), []),
    ],
)
def test_each_branch_picks_its_answers(question, facts, answers) -> None:
    assert answer(question, facts) == answers


def test_the_miit_query_instructions_are_not_repeated_once_shown() -> None:
    facts = Facts(miit_result="no_record")
    assert answer("faq_access_cancelled_miit_no_record", facts, intro_shown=True) == ["miit_result_no_record"]
