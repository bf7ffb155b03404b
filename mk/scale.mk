# Scale-out (deploy/README.md): several Rasa servers sharing a PostgreSQL tracker store and a
# Redis lock store, configured by deploy/endpoints.scale.yml.
#   make test-scale   PostgreSQL and Redis from Debian's packages (installed when missing) on
#                     127.0.0.1, one action server, two Rasa servers; conversations alternate
#                     between the two (tests/scale). A step of `make test`.
#   make scale-services-start / scale-services-stop   the same PostgreSQL and Redis, by hand
#   make bench-load   a benchmark, not a test: 200 conversations of 10 turns at once over REST
#                     against a server of its own, errors, latencies, lost turns (scripts/bench_load.py)

BENCH_CONVERSATIONS ?= 200
BENCH_TURNS ?= 10

TEST_STEPS += test-scale

.PHONY: test-scale scale-services scale-services-start scale-services-stop bench-load

# Installs postgresql and redis-server from Debian's packages, only when missing (CI runs as root).
scale-services: $(VENV)/.installed  ## install PostgreSQL and Redis when missing
	$(BIN)/python scripts/scale_services.py install

test-scale: $(MODEL) scale-services  ## two Rasa servers on PostgreSQL + Redis, conversations alternating
	$(BIN)/python -m pytest tests/scale -q

scale-services-start: scale-services  ## start the PostgreSQL and Redis of the scale tests
	$(BIN)/python scripts/scale_services.py start

scale-services-stop: $(VENV)/.installed  ## stop them
	$(BIN)/python scripts/scale_services.py stop

bench-load: $(MODEL) | var  ## benchmark: 200 conversations of 10 turns at once, lost turns
	$(BIN)/python scripts/bench_load.py --conversations $(BENCH_CONVERSATIONS) --turns $(BENCH_TURNS)
