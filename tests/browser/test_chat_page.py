"""The help-center chat page, as a person uses it: headless Chromium, the real page server, the
real Rasa server and action server.

Screenshots go to reports/screenshots/ (desktop and phone widths); `make chat-screenshot`
copies the desktop one to docs/chat-page.png for the README.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from actions import knowledge
from scripts.processes import Servers, free_port
from tests.browser.conftest import PHONE, Visit, screenshot, serve_page

AFTER = knowledge.period_labels()["after_2017_01_31"]
SELF_BA = "https://beian.aliyun.com/order/selfBaIndex.htm"
WEBHOOK = "/webhooks/rest/webhook"


def document_url(key: str) -> str:
    return knowledge.documents()[key].url(knowledge.base_url())


def bots(page: Page) -> Locator:
    return page.locator("#chat-messages .msg--bot")


def users(page: Page) -> Locator:
    return page.locator("#chat-messages .msg--user")


def open_chat(page: Page, url: str) -> None:
    """Opens the page and waits for the assistant's greeting and topics."""
    page.goto(url)
    expect(bots(page)).to_have_count(1)
    expect(bots(page).first).to_contain_text("备案信息核查助手")
    expect(bots(page).first.locator(".quick-reply")).to_have_count(6)


def wait_for_answer(page: Page, before: int) -> Locator:
    """The assistant's answer (one message a turn) after the first `before` messages."""
    expect(bots(page)).to_have_count(before + 1)
    expect(page.locator("#chat-typing")).to_be_hidden()
    return bots(page).nth(before)


def ask(page: Page, text: str) -> Locator:
    """Types a question, presses Enter, and returns the first message of the answer."""
    before = bots(page).count()
    box = page.locator("#chat-input")
    box.fill(text)
    box.press("Enter")
    return wait_for_answer(page, before)


def click_reply(page: Page, title: str) -> Locator:
    before = bots(page).count()
    bots(page).last.get_by_role("button", name=title, exact=True).click()
    return wait_for_answer(page, before)


def transcript(page: Page) -> list[str]:
    return page.locator("#chat-messages .msg__bubble").all_inner_texts()


def session_id(page: Page) -> str:
    return page.evaluate("JSON.parse(localStorage.getItem('icp-chat:conversation:v1')).sessionId")


def test_question_gets_a_structured_answer_with_links(chat_page: str, page: Page) -> None:
    open_chat(page, chat_page)
    expect(page.locator("#chat-input")).to_be_focused()  # open and ready to type into
    page.evaluate(
        """() => {
          const typing = document.getElementById('chat-typing');
          window.typingShown = false;
          new MutationObserver(() => { if (!typing.hidden) window.typingShown = true; })
            .observe(typing, {attributes: true});
        }"""
    )

    question = "收到核查通知，说网站内容不合格，要怎么改"
    answer = ask(page, question)
    assert page.evaluate("window.typingShown"), "no typing indicator while the assistant thought"
    expect(users(page).last.locator(".msg__bubble")).to_have_text(question)
    expect(answer).to_contain_text("修改网站内容")
    expect(answer.locator("ol > li")).to_have_count(2)  # numbered steps
    link = answer.locator("a", has_text="变更备案")
    expect(link).to_have_attribute("href", document_url("change_filing"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")

    answer = ask(page, "我是2018年备案的，怎么查看备案信息")
    expect(answer.locator(".md > p")).to_have_count(3)  # paragraphs: the answer's two, the feedback question
    expect(answer.locator("strong").first).to_have_text("说明：")  # bold
    expect(answer.locator("strong", has_text="忘记会员名")).to_have_count(1)
    expect(answer.get_by_role("link", name="阿里云备案系统")).to_have_attribute("href", SELF_BA)
    expect(answer.get_by_role("link", name="ICP代备案管理系统")).to_have_attribute(
        "href", "https://account.aliyun.com"
    )
    expect(page.locator("#chat-status")).to_be_hidden()


def test_feedback_buttons_come_under_an_answer_and_never_block(chat_page: str, page: Page) -> None:
    open_chat(page, chat_page)
    answer = ask(page, "为什么会有备案信息核查？")
    expect(answer).to_contain_text("反恐怖主义法")
    expect(answer.locator(".quick-reply")).to_have_text(["有帮助", "没帮助"])
    expect(click_reply(page, "有帮助")).to_contain_text("感谢您的反馈")

    answer = ask(page, "如何查看备案信息？")
    answer = click_reply(page, "2017年1月31日之后")
    expect(answer.locator(".quick-reply")).to_have_text(["有帮助", "没帮助"])
    # typing the next question instead of clicking is answered as before
    expect(ask(page, "收到核查通知，备案信息不认识怎么办")).to_contain_text("注销备案")
    for index in range(2):
        expect(answer.locator(".quick-reply").nth(index)).to_be_disabled()  # the unused ones put away


def test_buttons_are_quick_replies(chat_page: str, page: Page) -> None:
    open_chat(page, chat_page)
    topics = bots(page).first.locator(".quick-reply")

    asked = click_reply(page, "如何查看备案信息？")
    expect(users(page).last.locator(".msg__bubble")).to_have_text("如何查看备案信息？")
    expect(asked).to_contain_text("什么时候提交")
    for index in range(6):
        expect(topics.nth(index)).to_be_disabled()  # used buttons are disabled

    periods = asked.locator(".quick-reply")
    expect(periods).to_have_count(4)
    with page.expect_request(lambda r: r.url.endswith(WEBHOOK) and r.method == "POST") as sent:
        answer = click_reply(page, AFTER)
    message = json.loads(sent.value.post_data)["message"]
    assert message.startswith("/inform") and "filing_date" in message, message  # the payload
    expect(users(page).last.locator(".msg__bubble")).to_have_text(AFTER)  # the title
    expect(answer).to_contain_text("直接登录")  # the branch it chose
    expect(answer.get_by_role("link", name="阿里云备案系统")).to_have_attribute("href", SELF_BA)
    for index in range(4):
        expect(periods.nth(index)).to_be_disabled()
    expect(periods.filter(has_text=AFTER)).to_have_attribute("aria-pressed", "true")

    ask(page, "收到核查通知，说网站内容不合格，要怎么改")
    page.locator("#chat-input").fill("备案信息不合格的话呢？")  # a question half typed
    screenshot(page, "desktop")


def test_reload_keeps_the_conversation_and_restart_starts_over(chat_page: str, page: Page) -> None:
    open_chat(page, chat_page)
    expect(ask(page, "我想看看我的备案信息")).to_contain_text("什么时候提交")
    shown, session = transcript(page), session_id(page)

    page.reload()
    expect(page.locator("#chat-messages .msg__bubble")).to_have_count(len(shown))
    assert transcript(page) == shown
    assert session_id(page) == session
    # The server still has the conversation: the answer goes on with the question it asked.
    answer = ask(page, "2013年3月")
    expect(answer.get_by_role("link", name="导入备案信息").first).to_have_attribute(
        "href", document_url("import_filing")
    )

    page.get_by_role("button", name="重新开始").click()
    expect(bots(page)).to_have_count(1)
    expect(bots(page).first.locator(".quick-reply")).to_have_count(6)
    expect(users(page)).to_have_count(0)
    assert session_id(page) != session
    assert "2013年3月" not in "".join(transcript(page))
    # A new conversation: a date alone is not an answer to a question nobody asked.
    expect(ask(page, "为什么会有备案信息核查？")).to_contain_text("反恐怖主义法")


def test_server_down_is_said_and_nothing_typed_is_lost(chat_page: str, servers, page: Page) -> None:
    open_chat(page, chat_page)
    servers.stop("rasa")  # really down: nothing listens on its port any more

    page.locator("#chat-input").fill("为什么会有备案信息核查？")
    page.locator("#chat-input").press("Enter")
    status = page.locator("#chat-status")
    expect(status).to_be_visible()
    expect(status).to_contain_text("连接不上")
    expect(status).to_contain_text("自动重试")
    waiting = users(page).last
    expect(waiting.locator(".msg__bubble")).to_have_text("为什么会有备案信息核查？")
    expect(waiting.locator(".msg__status")).to_contain_text("未发送")
    screenshot(page, "desktop-server-down")

    page.reload()  # still down: the message is still there, still waiting
    expect(status).to_be_visible()
    expect(users(page).last.locator(".msg__bubble")).to_have_text("为什么会有备案信息核查？")
    expect(users(page).last.locator(".msg__status")).to_contain_text("未发送")

    before = bots(page).count()
    servers.start_rasa()  # the server is back: the page retries by itself
    servers.wait_until_ready()
    expect(bots(page)).to_have_count(before + 1, timeout=60_000)  # its retries wait up to 15 s
    answer = wait_for_answer(page, before)
    expect(answer).to_contain_text("反恐怖主义法")
    expect(status).to_be_hidden()
    expect(users(page).last.locator(".msg__status")).to_have_text("")
    expect(users(page)).to_have_count(1)

    # A message the server refuses (a client error) is marked as such, and the next one goes on.
    def refuse(route) -> None:
        if route.request.method == "OPTIONS":
            route.continue_()
        else:
            route.fulfill(status=400, headers={"Access-Control-Allow-Origin": chat_page.rstrip("/")})

    page.route(f"{servers.url}{WEBHOOK}", refuse, times=1)
    page.locator("#chat-input").fill("这条消息服务器不收")
    page.locator("#chat-input").press("Enter")
    expect(users(page).last.locator(".msg__status")).to_contain_text("HTTP 400")
    expect(status).to_be_hidden()
    expect(ask(page, "如何查看备案信息？")).to_contain_text("什么时候提交")


def test_text_is_never_injected_as_html(chat_page: str, servers, page: Page) -> None:
    open_chat(page, chat_page)
    typed = '<img src=x onerror="window.injected=1"><b>粗体</b>'
    ask(page, typed)
    bubble = users(page).last.locator(".msg__bubble")
    expect(bubble).to_have_text(typed)
    expect(bubble.locator("*")).to_have_count(0)

    # What the server sends is markdown; any HTML in it stays text, and only http(s) links link.
    def hostile(route) -> None:
        route.fulfill(
            response=route.fetch(),
            json=[
                {
                    "text": '<img src=x onerror="window.injected=2"> **粗** [坏](javascript:window.injected=3)'
                    " [好](https://help.aliyun.com/)",
                    "buttons": [{"title": "<b>按钮</b>", "payload": "/greet"}],
                }
            ],
        )

    page.route(f"{servers.url}{WEBHOOK}", hostile)
    answer = ask(page, "你好")
    expect(answer.locator(".md img")).to_have_count(0)
    expect(answer.locator(".md strong")).to_have_text("粗")
    expect(answer.locator(".md a")).to_have_count(1)
    expect(answer.locator(".md a")).to_have_attribute("href", "https://help.aliyun.com/")
    expect(answer.locator(".quick-reply")).to_have_text("<b>按钮</b>")
    expect(answer.locator(".quick-reply b")).to_have_count(0)
    assert page.evaluate("window.injected") is None


def test_keyboard_alone(chat_page: str, page: Page) -> None:
    open_chat(page, chat_page)
    expect(page.locator("#chat-input")).to_be_focused()  # where the page starts
    page.get_by_role("link", name="跳到助手的输入框").focus()  # and back there from anywhere
    page.keyboard.press("Enter")
    expect(page.locator("#chat-input")).to_be_focused()

    before = bots(page).count()
    page.keyboard.type("如何查看备案信息")
    page.keyboard.press("Enter")
    expect(wait_for_answer(page, before)).to_contain_text("什么时候提交")

    def focus_by_shift_tab(predicate: str) -> None:
        for _ in range(30):
            page.keyboard.press("Shift+Tab")
            if page.evaluate(f"(e => {predicate})(document.activeElement)"):
                return
        raise AssertionError(f"Shift+Tab never reached an element where {predicate}")

    focus_by_shift_tab(f"e.textContent === {json.dumps(AFTER)}")
    before = bots(page).count()
    page.keyboard.press("Enter")
    expect(wait_for_answer(page, before)).to_contain_text("直接登录")
    expect(page.locator("#chat-input")).to_be_focused()

    focus_by_shift_tab("e.id === 'chat-restart'")
    page.keyboard.press("Enter")
    expect(users(page)).to_have_count(0)
    expect(bots(page).first.locator(".quick-reply")).to_have_count(6)


def test_phone_width(chat_page: str, phone: Visit) -> None:
    page = phone.context.new_page()
    open_chat(page, chat_page)
    panel = page.locator("#chat").bounding_box()
    assert panel and panel["x"] == 0 and panel["width"] == PHONE["width"], panel

    answer = ask(page, "超期没整改，备案被取消接入了，工信部还能查到备案信息，怎么办")
    expect(answer).to_contain_text("开始备案")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for element in page.locator("#chat-messages .msg, .quick-reply, .chat__form, #chat-send").all():
        box = element.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 0.5, box
    expect(page.locator("#chat-input")).to_be_in_viewport()
    expect(page.locator("#chat-send")).to_be_in_viewport()
    ask(page, "如何查看备案信息")
    screenshot(page, "phone")

    # The panel can make way for the article, and come back.
    page.get_by_role("button", name="收起助手").click()
    expect(page.get_by_role("heading", name="备案信息核查FAQ")).to_be_in_viewport()
    expect(page.locator("#chat")).to_be_hidden()
    screenshot(page, "phone-article")
    page.get_by_role("button", name="备案信息核查助手").click()
    expect(page.locator("#chat-input")).to_be_focused()
    expect(page.locator("#chat-messages .msg")).not_to_have_count(0)
    assert "什么时候提交" in "".join(transcript(page))


def test_rasa_server_allows_only_the_page_origin(chat_page: str, servers) -> None:
    def allowed(origin: str) -> str | None:
        preflight = requests.options(
            f"{servers.url}{WEBHOOK}",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
            timeout=10,
        )
        return preflight.headers.get("Access-Control-Allow-Origin")

    page_origin = chat_page.rstrip("/")
    assert allowed(page_origin) == page_origin
    assert allowed("http://127.0.0.1:9") is None
    assert allowed("https://example.com") is None


@pytest.fixture(scope="module")
def limited_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page in front of servers that take 3 messages a minute from one conversation."""
    port = free_port()
    env = {"RATE_LIMIT_PER_SENDER_PER_MINUTE": "3", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0"}
    limited = Servers(tmp_path_factory.mktemp("limited"), f"http://127.0.0.1:{port}", extra_env=env)
    try:
        limited.start()
        with serve_page(limited, port) as url:
            yield url
    finally:
        limited.stop()


def test_over_the_rate_limit_the_page_says_what_the_server_says(limited_page: str, page: Page) -> None:
    open_chat(page, limited_page)  # the greeting is the first message of three
    ask(page, "为什么会有备案信息核查？")
    ask(page, "如何查看备案信息？")
    page.locator("#chat-input").fill("2015年")
    page.locator("#chat-input").press("Enter")
    status = page.locator("#chat-status")
    # the wording of knowledge/prompts.yml, sent by the server: the page has none of its own
    expect(status).to_contain_text(knowledge.prompt("rate_limited").text.rstrip("。"))
    expect(status).to_contain_text("自动重试")
    expect(users(page).last.locator(".msg__status")).to_contain_text("未发送")
