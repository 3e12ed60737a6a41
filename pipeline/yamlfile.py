"""YAML parsing through libyaml when PyYAML was built with it.

The packaged gazetteer and lexicon take 0.2 s to parse with PyYAML's pure-Python
loader at every worker and task start, and 0.025 s with its C loader. The result
is the same data (tests/test_packaging.py checks the packaged files).
"""

import yaml

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str):
    """yaml.safe_load, with the C loader when available."""
    return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader, C or Python
