"""The knowledge files say what the source says: every link and branch, nothing invented."""

from __future__ import annotations

import re

import pytest

from actions import branches, knowledge
from actions.dates import PERIODS, read_filing_date
from tests.conftest import SHARED_FAQ, SOURCE_FAQ, TODAY

SOURCE = SOURCE_FAQ.read_text(encoding="utf-8")
LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
SOURCE_LINKS = LINK.findall(SOURCE)
ABSOLUTE = {url for _, url in SOURCE_LINKS if url.startswith("http")}
# The table of contents links the FAQ to itself; the answers do not need those.
RELATIVE = {url for _, url in SOURCE_LINKS if not url.startswith("http") and "备案信息核查FAQ.md" not in url}


def all_answer_text() -> str:
    return "\n".join(knowledge.answer(key).text for key in knowledge.answer_keys())


def test_every_absolute_link_of_the_source_is_in_an_answer() -> None:
    text = all_answer_text()
    missing = [url for url in ABSOLUTE if f"]({url})" not in text]
    assert not missing


def test_every_relative_link_of_the_source_is_in_the_document_table() -> None:
    paths = {document.path for document in knowledge.documents().values()}
    assert RELATIVE <= paths
    assert paths <= RELATIVE, "a document the source does not link to"


def test_answers_link_only_to_what_the_source_links_to() -> None:
    allowed = ABSOLUTE | {document.url(knowledge.base_url()) for document in knowledge.documents().values()}
    for _, url in LINK.findall(all_answer_text()):
        assert url in allowed


def test_every_document_is_linked_by_some_answer() -> None:
    text = all_answer_text()
    for document in knowledge.documents().values():
        assert document.markdown(knowledge.base_url()) in text


def test_document_urls_come_from_the_configured_base_url() -> None:
    links = knowledge.document_links({"HELP_CENTER_BASE_URL": "https://docs.example.test/help/"})
    assert links["doc_change_filing"] == (
        "[变更备案](https://docs.example.test/help/cn.zh-CN/"
        "%E5%A4%87%E6%A1%88%E6%B5%81%E7%A8%8B/%E5%8F%98%E6%9B%B4%E5%A4%87%E6%A1%88.md)"
    )
    assert links["doc_import_filing"].endswith(".md#section_xzb_ykt_zdb)")


def test_link_titles_are_the_source_link_texts() -> None:
    source_titles = {title for title, _ in SOURCE_LINKS}
    for document in knowledge.documents().values():
        assert document.title in source_titles


# The assistant's own words, where the source has nothing to say (see knowledge/answers.yml).
OWN_WORDS = {"帮助文档中没有针对2010年6月1日之前提交的备案找回账号的说明"}


def _plain(text: str) -> str:
    """Text without markup, links reduced to their text, for comparing wording."""
    return re.sub(r"\s+|\*\*|-|说明：", "", LINK.sub(r"\1", text))


@pytest.mark.parametrize("key", knowledge.answer_keys())
def test_every_answer_sentence_stands_in_the_source(key: str) -> None:
    """Each clause of an answer is the source's, word for word (links compared by text)."""
    source = _plain(SOURCE)
    clauses = re.split(r"[。：\n]|\d\.", _plain(knowledge.answer(key).text))
    checked = [clause for clause in clauses if clause and clause not in OWN_WORDS]
    assert checked
    for clause in checked:
        assert clause in source, clause


def test_every_branch_the_tree_can_pick_exists() -> None:
    picked = set()
    questions = [*branches.IMMEDIATE_QUESTIONS, *branches.SLOT_QUESTIONS]
    for question in questions:
        for period in (*PERIODS, None):
            for notice in (branches.FILING_INFO_UNQUALIFIED, branches.WEBSITE_CONTENT_UNQUALIFIED):
                for has_record in (True, False):
                    for result in branches.MIIT_RESULTS:
                        facts = branches.Facts(period, period is None, notice, has_record, result)
                        picked.update(branches.answer(question, facts))
    assert picked == set(knowledge.answer_keys()), "an answer no branch reaches, or a missing one"


@pytest.mark.parametrize("period", PERIODS)
def test_a_period_button_label_reads_back_as_its_period(period: str) -> None:
    assert read_filing_date(knowledge.period_labels()[period], TODAY).period == period


def test_the_dont_remember_button_reads_back_as_unknown() -> None:
    assert read_filing_date(knowledge.dont_remember_label(), TODAY).unknown


def test_a_value_in_a_prompt_is_not_read_as_a_template() -> None:
    message = knowledge.prompt("message_too_long", limit="{doc_change_filing}")
    assert "{doc_change_filing}" in message.text


def test_no_prompt_quotes_what_the_user_typed() -> None:
    # A typed markdown link would come back as a live link in the assistant's own voice (issue 12).
    import re

    import yaml

    prompts = yaml.safe_load((knowledge.KNOWLEDGE_DIR / "prompts.yml").read_text(encoding="utf-8"))
    placeholders = {name for entry in prompts.values() for name in re.findall(r"\{(\w+)\}", entry["text"])}
    assert placeholders <= {"limit"}


@pytest.mark.skipif(not SHARED_FAQ.exists(), reason="no ../shared/ beside this clone")
def test_the_projects_copy_of_the_faq_is_the_shared_source() -> None:
    assert SOURCE_FAQ.read_bytes() == SHARED_FAQ.read_bytes()
