// The help-center chat widget: talks to the Rasa server over its REST channel.
//
// - Where the server is comes from /config.json (written by web/serve.py from RASA_URL).
// - The conversation (a session id, used as Rasa's sender id, and the transcript) lives in
//   localStorage, so a reload shows the same conversation and goes on with the same tracker.
// - Messages are sent one at a time, in order. One that cannot be delivered stays in the
//   transcript, marked as waiting; the page says the server is unreachable and retries.
// - Bot text is markdown rendered by markdown-it with raw HTML off; user text and button
//   titles only ever become DOM text nodes.
import markdownit from "./vendor/markdown-it.js";

const STORAGE_KEY = "icp-chat:conversation:v1";
const DRAFT_KEY = "icp-chat:draft:v1";
const REQUEST_TIMEOUT_MS = 60000;
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000, 15000];
const GREETING = "/greet";

// ---------------------------------------------------------------- markdown, safely

const md = markdownit({ html: false, linkify: false, breaks: true, typographer: false });
md.disable("image"); // the assistant sends none; never load anything from elsewhere
const defaultValidateLink = md.validateLink.bind(md);
md.validateLink = (url) => /^(https?:|mailto:)/i.test(url.trim()) && defaultValidateLink(url);
const renderToken = (tokens, idx, options, env, self) => self.renderToken(tokens, idx, options);
const defaultLinkOpen = md.renderer.rules.link_open || renderToken;
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet("target", "_blank");
  tokens[idx].attrSet("rel", "noopener noreferrer");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

// ---------------------------------------------------------------- the conversation

function randomId(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function newConversation() {
  return {
    sessionId: randomId("web-"),
    // the greeting is asked for, not shown: the assistant introduces itself and its topics
    messages: [{ id: randomId("m"), from: "user", text: GREETING, send: GREETING, status: "pending", hidden: true }],
  };
}

function storageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function storageSet(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // storage full or disabled: the conversation still works, it just won't survive a reload
  }
}

function loadConversation() {
  try {
    const saved = JSON.parse(storageGet(STORAGE_KEY));
    if (saved && typeof saved.sessionId === "string" && Array.isArray(saved.messages)) return saved;
  } catch {
    // unreadable: start afresh
  }
  return null;
}

let conversation = loadConversation() || newConversation();
const save = () => storageSet(STORAGE_KEY, JSON.stringify(conversation));
save();

// ---------------------------------------------------------------- the page's elements

const $ = (id) => document.getElementById(id);
const panel = $("chat");
const log = $("chat-log");
const list = $("chat-messages");
const typing = $("chat-typing");
const form = $("chat-form");
const input = $("chat-input");
const statusBox = $("chat-status");
const statusText = $("chat-status-text");
const launcher = $("chat-launcher");
const minimize = $("chat-minimize");

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function scrollToEnd() {
  log.scrollTop = log.scrollHeight;
}

function userStatusText(message) {
  if (message.status === "failed") return `助手服务未能接收这条消息（HTTP ${message.error}），请换个说法再试`;
  if (message.status !== "pending") return "";
  return message.waiting ? "未发送，连接恢复后自动发送" : "发送中…";
}

function renderUser(message) {
  const node = element("div", "msg msg--user");
  node.dataset.id = message.id;
  node.append(element("span", "visually-hidden", "您说："));
  node.append(element("div", "msg__bubble", message.text));
  node.append(element("div", "msg__status", userStatusText(message)));
  node.classList.toggle("msg--pending", message.status === "pending");
  return node;
}

function renderBot(message) {
  const node = element("div", "msg msg--bot");
  node.dataset.id = message.id;
  node.append(element("span", "visually-hidden", "助手说："));
  if (message.text) {
    const bubble = element("div", "msg__bubble md");
    bubble.innerHTML = md.render(message.text); // markdown-it with html: false escapes all HTML
    node.append(bubble);
  }
  if (message.buttons && message.buttons.length) {
    const group = element("div", "quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "可选的回复");
    message.buttons.forEach((button, index) => {
      const choice = element("button", "quick-reply", button.title);
      choice.type = "button";
      choice.addEventListener("click", () => choose(message.id, index));
      group.append(choice);
    });
    node.append(group);
  }
  updateBot(node, message);
  return node;
}

function updateBot(node, message) {
  node.querySelectorAll(".quick-reply").forEach((choice, index) => {
    choice.disabled = Boolean(message.closed);
    const chosen = message.chosen === index;
    choice.classList.toggle("quick-reply--chosen", chosen);
    if (message.closed) choice.setAttribute("aria-pressed", String(chosen));
  });
}

function render(message) {
  return message.from === "bot" ? renderBot(message) : renderUser(message);
}

function renderAll() {
  list.replaceChildren(...conversation.messages.filter((m) => !m.hidden).map(render));
  scrollToEnd();
}

function append(message) {
  if (!message.hidden) list.append(render(message));
  scrollToEnd();
}

function refresh(message) {
  const node = list.querySelector(`[data-id="${message.id}"]`);
  if (!node) return;
  if (message.from === "bot") {
    updateBot(node, message);
  } else {
    node.querySelector(".msg__status").textContent = userStatusText(message);
    node.classList.toggle("msg--pending", message.status === "pending");
  }
}

function setTyping(on) {
  typing.hidden = !on;
  if (on) scrollToEnd();
}

function showStatus(text) {
  statusText.textContent = text;
  statusBox.hidden = false;
}

function hideStatus() {
  statusBox.hidden = true;
  statusText.textContent = "";
}

// ---------------------------------------------------------------- talking to the server

let config = null;
let generation = 0; // bumped by a restart: replies to the old conversation are dropped
let busy = false;
let retryTimer = null;
let failures = 0;
let checkServer = true; // on load, and after a failure: make sure the server answers
let inFlight = null;

// `detail`: what the server said about the refusal (the channels' {"error": "..."}), shown as it is,
// so the page has no wording of its own for it (knowledge/prompts.yml holds the rate limit's).
class HttpError extends Error {
  constructor(status, detail = "") {
    super(`HTTP ${status}`);
    this.status = status;
    this.detail = detail;
  }
}

async function errorDetail(response) {
  try {
    const body = await response.json();
    return typeof body?.error === "string" ? body.error.replace(/[。.]+$/, "") : "";
  } catch {
    return "";
  }
}

async function request(url, options = {}) {
  const controller = new AbortController();
  inFlight = controller;
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(url, { ...options, signal: controller.signal, cache: "no-store" });
    if (!response.ok) throw new HttpError(response.status, await errorDetail(response));
    return response;
  } finally {
    clearTimeout(timer);
    if (inFlight === controller) inFlight = null;
  }
}

async function loadConfig() {
  const response = await request("config.json");
  const loaded = await response.json();
  if (!loaded || typeof loaded.rasaUrl !== "string") throw new Error("config.json has no rasaUrl");
  return { rasaUrl: loaded.rasaUrl.replace(/\/+$/, "") };
}

// One turn of the assistant becomes one message: Rasa sends each paragraph (text split at blank
// lines) as a message of its own, so consecutive texts are joined back into paragraphs, and
// buttons go with the text before them.
function botMessages(replies) {
  const turn = [];
  for (const reply of Array.isArray(replies) ? replies : []) {
    const text = typeof reply?.text === "string" ? reply.text.trim() : "";
    const buttons = (Array.isArray(reply?.buttons) ? reply.buttons : [])
      .filter((b) => b && typeof b.title === "string")
      .map((b) => ({ title: b.title, payload: typeof b.payload === "string" ? b.payload : b.title }));
    if (!text && !buttons.length) continue;
    const last = turn[turn.length - 1];
    if (last && !last.buttons.length) {
      if (text) last.text = last.text ? `${last.text}\n\n${text}` : text;
      last.buttons = buttons;
    } else {
      turn.push({ id: randomId("m"), from: "bot", text, buttons });
    }
  }
  return turn;
}

async function deliver(message) {
  const response = await request(`${config.rasaUrl}/webhooks/rest/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sender: conversation.sessionId, message: message.send }),
  });
  return botMessages(await response.json());
}

function problem(error) {
  if (error instanceof HttpError) {
    if (error.status === 429 && error.detail) return error.detail;
    return `助手服务暂时不可用（${error.message}）`;
  }
  return "暂时连接不上助手服务";
}

// A client error other than "too many requests" or "timeout": the message itself is refused.
function refused(error) {
  return error instanceof HttpError && error.status >= 400 && error.status < 500 && ![408, 429].includes(error.status);
}

function nextPending() {
  return conversation.messages.find((m) => m.from === "user" && m.status === "pending");
}

// Does the next piece of work: loads the config, sends the next waiting message, or checks
// that the server is back. On failure, says so and tries again later; never drops a message.
async function pump() {
  if (busy || retryTimer) return;
  const message = config ? nextPending() : null;
  if (config && !message && !checkServer) return;
  const mine = generation;
  busy = true;
  if (message) setTyping(true);
  try {
    if (!config) {
      config = await loadConfig();
    } else if (message) {
      const replies = await deliver(message);
      if (mine !== generation) return;
      message.status = "sent";
      delete message.waiting;
      refresh(message);
      for (const reply of replies) {
        conversation.messages.push(reply);
        append(reply);
      }
      save();
    } else {
      await request(`${config.rasaUrl}/`);
    }
    if (mine !== generation) return;
    failures = 0;
    checkServer = false;
    hideStatus();
    for (const waiting of conversation.messages.filter((m) => m.waiting)) {
      delete waiting.waiting;
      refresh(waiting);
    }
  } catch (error) {
    if (mine !== generation) return;
    if (message && refused(error)) {
      // The server answered and will not take this message: trying again would not help.
      message.status = "failed";
      message.error = error.status;
      delete message.waiting;
      refresh(message);
      save();
    } else {
      failures += 1;
      checkServer = true;
      const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length) - 1];
      const waiting = conversation.messages.filter((m) => m.from === "user" && m.status === "pending" && !m.hidden);
      waiting.forEach((m) => {
        m.waiting = true;
        refresh(m);
      });
      save();
      const kept = waiting.length ? `您的 ${waiting.length} 条消息已保留，恢复后会自动发送。` : "";
      const what = config ? problem(error) : "页面配置加载失败";
      showStatus(`${what}，${Math.round(delay / 1000)} 秒后自动重试。${kept}`);
      retryTimer = setTimeout(() => {
        retryTimer = null;
        pump();
      }, delay);
    }
  } finally {
    if (mine === generation) {
      busy = false;
      setTyping(false);
    }
  }
  if (mine === generation) pump();
}

function retryNow() {
  clearTimeout(retryTimer);
  retryTimer = null;
  pump();
}

// ---------------------------------------------------------------- what the user does

// Once the user says something, earlier quick replies are used up.
function closeQuickReplies() {
  for (const message of conversation.messages) {
    if (message.from === "bot" && message.buttons?.length && !message.closed) {
      message.closed = true;
      refresh(message);
    }
  }
}

function send(text, payload = text) {
  closeQuickReplies();
  const message = { id: randomId("m"), from: "user", text, send: payload, status: "pending" };
  if (retryTimer) message.waiting = true;
  conversation.messages.push(message);
  save();
  append(message);
  pump();
}

function choose(messageId, index) {
  const message = conversation.messages.find((m) => m.id === messageId);
  if (!message || message.closed) return;
  message.chosen = index;
  const button = message.buttons[index];
  send(button.title, button.payload);
  input.focus();
}

function restart() {
  generation += 1;
  if (inFlight) inFlight.abort();
  clearTimeout(retryTimer);
  retryTimer = null;
  busy = false;
  failures = 0;
  setTyping(false);
  hideStatus();
  conversation = newConversation();
  save();
  renderAll();
  input.focus();
  pump();
}

function autosize() {
  input.style.height = "auto";
  input.style.height = `${Math.min(input.scrollHeight, 128)}px`;
}

function submit() {
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  storageSet(DRAFT_KEY, null);
  autosize();
  send(text);
}

function setOpen(open) {
  panel.hidden = !open;
  launcher.hidden = open;
  minimize.setAttribute("aria-expanded", String(open));
  document.body.classList.toggle("chat-open", open);
  if (open) {
    input.focus();
    scrollToEnd();
  } else {
    launcher.focus();
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
input.addEventListener("keydown", (event) => {
  // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition does neither
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    submit();
  }
});
input.addEventListener("input", () => {
  storageSet(DRAFT_KEY, input.value || null);
  autosize();
});
$("chat-restart").addEventListener("click", restart);
$("chat-retry").addEventListener("click", retryNow);
minimize.addEventListener("click", () => setOpen(false));
launcher.addEventListener("click", () => setOpen(true));
document.querySelectorAll("[data-ask]").forEach((ask) =>
  ask.addEventListener("click", () => {
    setOpen(true);
    send(ask.dataset.ask);
  }),
);
window.addEventListener("online", retryNow);

// ---------------------------------------------------------------- start

input.value = storageGet(DRAFT_KEY) || "";
autosize();
renderAll();
document.body.classList.add("chat-open");
input.focus();
pump();
