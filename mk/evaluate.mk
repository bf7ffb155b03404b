# The NLU measured on the held-out set (tests/heldout/), which training never reads.
#   make evaluate      trains the project's pipeline, Rasa's default one and a TF-IDF logistic
#                      regression on data/nlu and prints them side by side; writes reports/
#   make evaluate EVALUATE_ARGS=--rasa-default-seeds=2,3,4,5
#                      also Rasa's default pipeline with other random seeds: how much it varies
#   make evaluate EVALUATE_ARGS=--reuse-rasa-default
#                      keeps Rasa's default pipeline's predictions from an earlier run whose
#                      config, Rasa, data/nlu and messages were the same (an hour of training
#                      saved when only the project's code changed); says so, and its time is that run's
#   make test-heldout  the issue's bars as a test, on the model of `make train` (part of `make test`)
.PHONY: evaluate test-heldout

EVALUATE_ARGS ?=

TEST_STEPS += test-heldout

evaluate: $(MODEL)  ## held-out NLU and whole conversations: tuned and blind sets, against two baselines
	$(BIN)/python scripts/evaluate.py $(EVALUATE_ARGS)

test-heldout: $(MODEL)  ## the held-out bars as a test, on the model of make train
	$(BIN)/python -m pytest tests/heldout -q
