"""Run every benchmark module in bench/ in turn: each one's `main()` prints its tables."""

import importlib
import pkgutil
from pathlib import Path


def main() -> None:
    for module_info in sorted(
        pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name
    ):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{module_info.name}")
        if hasattr(module, "main"):
            module.main()
            print()


if __name__ == "__main__":
    main()
