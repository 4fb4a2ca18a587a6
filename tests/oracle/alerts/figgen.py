"""The figures oracle's generator (../figures/generate.py, written from the spec alone), used
for its name, address, date and rendering helpers and its background incidents.

It is loaded from that file rather than copied, with one change: its check of every file it
writes goes through importer.py (the figures importer, which here also keeps reported_on and
source) instead of the figures oracle.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

_FIGURES_GENERATOR = os.path.join(HERE, os.pardir, "figures", "generate.py")
_IMPORT = "import oracle  # noqa: E402  (for the self-check and subtract_months)"

with open(_FIGURES_GENERATOR, encoding="utf-8") as _file:
    _source = _file.read()
if _IMPORT not in _source:
    raise ImportError("figures/generate.py no longer imports its oracle as expected")
exec(compile(_source.replace(_IMPORT, "import importer as oracle"), _FIGURES_GENERATOR, "exec"))
