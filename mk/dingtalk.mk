# DingTalk robot (README, section DingTalk). HTTP callback mode is the Rasa channel
# channels/dingtalk.py, served by `make run`. Stream mode is a bridge in its own virtual
# environment, because DingTalk's SDK (dingtalk-stream) needs a newer websockets than Rasa 3.6:
#   make dingtalk-stream        run the bridge (DINGTALK_CLIENT_ID, DINGTALK_APP_SECRET; Rasa on DINGTALK_RASA_URL)
#   make test-dingtalk-stream   its offline tests (a step of `make test`)

DINGTALK_BRIDGE := bridges/dingtalk_stream
DINGTALK_VENV := $(DINGTALK_BRIDGE)/.venv
# Python 3.10 or newer: pyenv's 3.11, else 3.12, else any python3.11 on PATH, else Rasa's 3.10.
DINGTALK_PYTHON ?= $(or \
	$(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.11*/bin/python3.11))), \
	$(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12))), \
	$(shell command -v python3.11 2>/dev/null), \
	$(PYTHON310))
# The Rasa server as the bridge reaches it.
export DINGTALK_RASA_URL ?= http://localhost:$(RASA_PORT)

TEST_STEPS += test-dingtalk-stream

.PHONY: dingtalk-stream test-dingtalk-stream lint-dingtalk

$(DINGTALK_VENV)/bin/python:
	@test -n "$(strip $(DINGTALK_PYTHON))" || { echo "Python 3.10+ not found for the DingTalk bridge; set DINGTALK_PYTHON=/path/to/python3.11"; exit 1; }
	$(strip $(DINGTALK_PYTHON)) -m venv $(DINGTALK_VENV)

$(DINGTALK_VENV)/.installed: $(DINGTALK_BRIDGE)/requirements.txt | $(DINGTALK_VENV)/bin/python
	$(DINGTALK_VENV)/bin/python -m pip install --quiet --progress-bar off -r $(DINGTALK_BRIDGE)/requirements.txt
	touch $@

dingtalk-stream: $(DINGTALK_VENV)/.installed  ## run the DingTalk Stream-mode bridge
	@echo "DingTalk Stream bridge: robot messages go to $(DINGTALK_RASA_URL)/webhooks/dingtalk/webhook (start it with make run). Ctrl-C stops it."
	cd $(DINGTALK_BRIDGE) && .venv/bin/python bridge.py

test-dingtalk-stream: $(DINGTALK_VENV)/.installed  ## the Stream bridge's offline tests
	cd $(DINGTALK_BRIDGE) && .venv/bin/python -m pytest -q

lint-dingtalk: $(VENV)/.installed  ## lint the DingTalk channel and bridge
	$(BIN)/ruff check channels bridges
	$(BIN)/ruff format --check channels bridges
