# `make bench`: a benchmark, not a test (not a step of `make test`). Trains the project's model
# (config.yml) and a peer (Rasa 3.6's default configuration, bench/config.default.yml) into
# var/bench/, starts each one's servers in turn on free loopback ports, and prints one table:
# start-up, REST latency (immediate answer, form turn, 20th turn), throughput with 16 clients,
# memory, training time and model size, with the targets. The peer runs on Rasa's stock REST channel and
# SQL tracker store (bench/*.default.yml), the project on its own. Writes reports/bench.png and
# reports/bench.json (scripts/bench.py). Takes about 45 minutes on 2 cores, 30 to 40 of them
# training the peer.
#   make bench BENCH_ARGS="--skip-train --samples 50"   reuse var/bench's models, fewer samples
#   make bench BENCH_ARGS="--skip-train peer"           retrain the project only (the table says
#                                                       which commit each model was trained at)
#   make bench BENCH_ARGS="--peer-on-project-stack"     the peer on the project's stores, channel and
#                                                       patches/: what the configuration alone leads by

BENCH_ARGS ?=

.PHONY: bench

bench: $(VENV)/.installed | var  ## benchmark: the project against Rasa default configuration (about 45 minutes)
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)
