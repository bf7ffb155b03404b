# `make fuzz`: a benchmark-style run, not a step of `make test` (about 10 minutes on 2 cores).
# 10,000 random and mutated bodies per channel (REST, DingTalk signed, Socket.IO) against servers
# of its own; prints 5xx, crashes, the slowest turn and the Rasa server's memory before and after,
# with the targets; writes reports/fuzz.json (scripts/fuzz.py).
#   make fuzz FUZZ_ARGS="--count 1000"   a shorter run
#   make fuzz FUZZ_ARGS="--only DingTalk" one channel (REST, DingTalk, Socket.IO)
FUZZ_ARGS ?=

.PHONY: fuzz

fuzz: $(MODEL) | var  ## 10,000 random and mutated bodies per channel; 5xx, crashes, slowest turn, memory
	$(BIN)/python scripts/fuzz.py $(FUZZ_ARGS)
