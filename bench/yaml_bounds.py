"""How much time and memory a hostile journey file costs, with and without cxaudit's bounds.

Not a test: run it by hand and write the figures down (docs/reliability.md).

    .venv/bin/python bench/yaml_bounds.py [megabytes]

For each document it prints the time and the peak memory (tracemalloc, so
both are inflated about equally) of plain PyYAML composition and of
:func:`cxaudit.spec.yamlpos.load_document`, which stops at MAX_NODES values
and MAX_DEPTH levels while it reads.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

import yaml

from cxaudit.spec.yamlpos import load_document


def measure(fn: Callable[[], object]) -> str:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        fn()
        outcome = "ok"
    except RecursionError:
        outcome = "RecursionError"
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return f"{seconds:7.1f} s {peak / 1e6:8.0f} MB  {outcome}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "megabytes", nargs="?", type=float, default=1.0, help="Document size (default 1)."
    )
    megabytes = parser.parse_args(argv).megabytes
    size = int(megabytes * 1_000_000)
    documents = {
        f"block list, {megabytes:g} MB": "- 1\n" * (size // 4),
        f"flow list, {megabytes:g} MB": "[" + "1," * (size // 2) + "1]",
        "nesting 5,000 deep": "[" * 5000 + "]" * 5000,
    }
    for name, text in documents.items():
        print(name)
        print("  plain PyYAML compose:", measure(lambda t=text: yaml.compose(t, yaml.SafeLoader)))
        print("  cxaudit load_document:", measure(lambda t=text: load_document(t.encode(), "x")))


if __name__ == "__main__":
    main()
