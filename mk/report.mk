# What the help-center team sees (issue 14): the conversations of the tracker store, summarised.
#   make report                 reports/conversations/ (summary.json, index.html, unrecognised.yml)
#                               from TRACKER_DB, or PostgreSQL when DB_HOST is set;
#                               REPORT_SINCE / REPORT_UNTIL=YYYY-MM-DD bound the days
#   make prune-conversations    deletes conversations older than TRACKER_RETENTION_DAYS (default off)
#   make bench-report           make report on a generated store of one million events, timed
.PHONY: report prune-conversations bench-report report-screenshot

export REPORT_SINCE ?=
export REPORT_UNTIL ?=
export TRACKER_RETENTION_DAYS ?=

report: $(VENV)/.installed  ## conversation report of the tracker store: reports/conversations/
	$(BIN)/python scripts/report.py

prune-conversations: $(VENV)/.installed  ## delete conversations older than TRACKER_RETENTION_DAYS (unset: none)
	$(BIN)/python scripts/report.py --prune

bench-report: $(VENV)/.installed  ## benchmark: make report on a generated store of one million events
	$(BIN)/python scripts/bench_report.py

report-screenshot: test-chat  ## refresh docs/report-page.png from the browser test of the report page
	mkdir -p docs
	cp reports/screenshots/report-page.png docs/report-page.png
