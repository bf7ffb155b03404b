# The help-center chat page (web/): built at install time into web/dist/, served by `make run`
# on CHAT_PORT, and tested in Debian's headless Chromium by `make test-chat`, a step of `make test`.

export CHAT_PORT ?= 8080
export CHAT_HOST ?= 127.0.0.1
# The Rasa server as the browser reaches it; the page reads it from /config.json.
export RASA_URL ?= http://localhost:$(RASA_PORT)

CHROMIUM ?= /usr/bin/chromium
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends

WEB_SOURCES := web/build.mjs $(wildcard web/src/*)

TEST_STEPS += test-chat

.PHONY: chat-page serve-chat test-chat browser chat-screenshot clean-chat

NODE_MAJOR_MIN := 18
NODE_HELP := the chat page is built with Node.js $(NODE_MAJOR_MIN) or newer and npm \
	(Debian: apt-get install nodejs npm; or https://nodejs.org/); make run and make test need them

# npm ci installs exactly what web/package-lock.json says; it writes node_modules/.package-lock.json.
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js or npm not found: $(NODE_HELP)"; exit 1; }
	@major=$$(node -p 'process.versions.node.split(".")[0]'); test "$$major" -ge $(NODE_MAJOR_MIN) || \
		{ echo "Node.js $$(node --version) is too old: $(NODE_HELP)"; exit 1; }
	cd web && npm ci --no-audit --no-fund
	touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent build

chat-page: web/dist/index.html  ## build the chat page into web/dist (npm ci, esbuild)

# The page alone (the servers of `make run` not started).
serve-chat: chat-page | $(VENV)/.installed  ## serve the chat page alone
	$(BIN)/python web/serve.py

# Debian's Chromium and a CJK font, only when Chromium is missing (CI runs as root).
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(APT_INSTALL) chromium fonts-noto-cjk

$(CJK_FONT): | $(CHROMIUM)
	test -f $@ || { $(SUDO) apt-get update -qq && $(APT_INSTALL) fonts-noto-cjk; }

browser: $(CHROMIUM) $(CJK_FONT)  ## install Debian's Chromium and a CJK font when missing

test-chat: $(MODEL) chat-page browser | var  ## the chat page in headless Chromium against the real servers
	$(BIN)/python -m pytest tests/browser -q

# Refreshes the README's screenshot from the browser test's desktop one.
chat-screenshot: test-chat  ## refresh the README's screenshot from the browser test
	mkdir -p docs
	cp reports/screenshots/desktop.png docs/chat-page.png

clean-chat:  ## remove the built page and node_modules
	rm -rf web/dist web/node_modules reports/screenshots
