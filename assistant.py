"""`python -m assistant <rasa arguments>`: Rasa's command line with the project's fixes switched on.

The one place where the measured fixes of patches/ (and the SQL fast path of stores/sql.py) are
switched on, under their one version gate (patches.RASA_VERSION): `make run`, `make shell` and
every server the tests and benchmarks start (scripts/processes.py) go through here. Plain
`rasa run` and `rasa shell` run the same project unpatched: the same answers, only slower
(tests/e2e/test_server_start.py compares the two).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    import patches

    applied = patches.apply_all()
    state = f"fixes of patches/ applied ({', '.join(patches.NAMES)})" if applied else "unpatched"
    print(f"assistant: Rasa {patches.rasa_version()}, {state}", file=sys.stderr, flush=True)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
