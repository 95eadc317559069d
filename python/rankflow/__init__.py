"""rankflow from Python: the core's runs as numpy arrays, its figures as SVG, and the lab as a Jupyter widget.

    >>> import rankflow
    >>> r = rankflow.run(preset="incremental")
    >>> r.singular_values.shape, r.verdict["holds"]
    >>> r.figure("claim")                      # shown as SVG in a notebook; .save("claim.svg")
    >>> rankflow.Lab(preset="incremental")     # the page itself, offline, driven from Python

The numbers are those of ``rankflow run --out`` for the same config, bit for bit.
"""

from ._result import Figure, Result, Trajectory, presets, run
from .widget import Lab

__all__ = ["Figure", "Lab", "Result", "Trajectory", "presets", "run"]
__version__ = "0.1.0"
