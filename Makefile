# The assistant's commands. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Rasa 3.6 runs on Python 3.8-3.10 only: prefer pyenv's 3.10, else any python3.10 on PATH.
PYTHON310 ?= $(or $(lastword $(sort $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10))),$(shell command -v python3.10 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
RASA := $(BIN)/rasa

# Ports and settings of ../shared/contract.md; each can be overridden from the environment.
RASA_PORT ?= 5005
ACTION_PORT ?= 5055
export ACTION_SERVER_URL ?= http://localhost:$(ACTION_PORT)/webhook
export TRACKER_DB ?= $(CURDIR)/var/tracker.db
export HELP_CENTER_BASE_URL ?=
# Sanic closes a connection that sends nothing for 5 s; under load the Rasa server writes its
# request to the action server later than that (make bench-load), so keep connections longer.
export SANIC_KEEP_ALIVE_TIMEOUT ?= 75
# Keep TensorFlow and Rasa from phoning home or printing their banners.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export RASA_TELEMETRY_ENABLED ?= false

MODEL_DIR := models
MODEL := $(MODEL_DIR)/icp-assistant.tar.gz
TRAINING_FILES := config.yml domain.yml $(shell find data -type f 2>/dev/null) $(wildcard components/*.py)

# Steps of `make test`; fragments in mk/ (one per feature) add their own.
TEST_STEPS := lint validate test-unit test-rasa test-e2e
# The page allowed to call the Rasa server from a browser (CORS).
export CHAT_PAGE_ORIGIN ?= http://localhost:$(CHAT_PORT)

.PHONY: help install train run shell check test test-unit test-rasa test-e2e validate lint bench lock clean

-include mk/*.mk

help:  ## this list
	@awk -F':.*## ' '/^[a-z][a-zA-Z0-9_-]*:.*## / {printf "  make %-22s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs 3.8-3.10); set PYTHON310=/path/to/python3.10"; exit 1; }
	$(PYTHON310) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip==24.0"
	$(BIN)/python -m pip install --quiet --progress-bar off -r requirements.txt
	touch $@

install: $(VENV)/.installed  ## create .venv with Python 3.10 and install the pinned dependencies

# Retrain only when the configuration, the domain or the data changed since the last model.
$(MODEL): $(TRAINING_FILES) | $(VENV)/.installed
	$(BIN)/python -m assistant train --config config.yml --domain domain.yml --data data --out $(MODEL_DIR) \
		--fixed-model-name icp-assistant
	touch $@

train: $(MODEL)  ## train the model into models/ when config, domain or data changed

var:
	mkdir -p var

run: $(MODEL) chat-page | var  ## install, train if needed, start the action server, the Rasa server and the chat page
	@echo "Action server on :$(ACTION_PORT), Rasa server on :$(RASA_PORT) (REST, Socket.IO)," \
		"chat page on http://localhost:$(CHAT_PORT)/. Ctrl-C stops all three."
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python -m actions.server --port $(ACTION_PORT) & \
	$(BIN)/python -m scripts.endpoints var/endpoints.yml; \
	$(BIN)/python -m assistant run --model $(MODEL) --port $(RASA_PORT) --endpoints var/endpoints.yml \
		--credentials credentials.yml --cors "$(CHAT_PAGE_ORIGIN)" & \
	$(BIN)/python web/serve.py & \
	wait

shell: $(MODEL) | var  ## talk to the assistant in the terminal (rasa shell, with the action server)
	@trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python -m actions.server --port $(ACTION_PORT) > var/actions.log 2>&1 & \
	$(BIN)/python -m scripts.endpoints var/endpoints.yml; \
	$(BIN)/python -m assistant shell --model $(MODEL) --endpoints var/endpoints.yml

validate: $(VENV)/.installed  ## rasa data validate --fail-on-warnings
	$(RASA) data validate --config config.yml --domain domain.yml --data data --fail-on-warnings

lint: $(VENV)/.installed  ## ruff check and ruff format --check over the repository
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test-unit: $(VENV)/.installed  ## pytest tests/unit
	$(BIN)/python -m pytest tests/unit -q

test-rasa: $(MODEL)  ## Rasa test stories (rasa test core --fail-on-prediction-errors)
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors \
		--out var/results/core

test-e2e: $(MODEL) | var  ## the real action server and Rasa server over REST, DingTalk, Socket.IO
	$(BIN)/python -m pytest tests/e2e -q

check: lint validate test-unit test-rasa  ## the quick loop while editing: lint, data, unit tests, test stories

test: $(TEST_STEPS)  ## every test step (what CI runs); non-zero on any failure

lock: $(VENV)/.installed  ## pin what .venv has into requirements.txt
	$(BIN)/python -m pip freeze --exclude-editable | sort -f > requirements.txt

clean:  ## remove models/, var/ and caches
	rm -rf $(MODEL_DIR) var .pytest_cache .ruff_cache
