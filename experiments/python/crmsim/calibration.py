"""A fit written by `crmsim calibrate` (docs/sensitivity.md, "Calibration") as pandas tables."""
from pathlib import Path

import h5py
import numpy as np

from .errors import CrmsimError
from .tables import read_table, text


def open_fit(path):
    """The fit at `path` (FIT.h5 of `crmsim calibrate`)."""
    return Fit(path)


class Fit:
    """`fit` (one row per fitted parameter: estimate, std_error, 95 % interval, start, range),
    `targets` (one per target: value, sd, weight, fitted, fitted_se, z), `trials` (every
    objective evaluation in order: phase, each parameter, each target's simulated mean,
    objective), `attrs` (the calibration group's attributes: method, converged, objective,
    the targets file's text) and `provenance` (the root attributes)."""

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.is_file():
            raise CrmsimError(f"{self.path}: no such file")
        try:
            f = h5py.File(self.path, "r")
        except OSError as problem:
            raise CrmsimError(f"{self.path}: not an HDF5 file, or a damaged one ({problem})") from None
        with f:
            if "calibration" not in f:
                raise CrmsimError(f"{self.path}: no /calibration group (not written by crmsim calibrate)")
            g = f["calibration"]
            self.fit = read_table(g["fit"])
            self.targets = read_table(g["targets"])
            self.trials = read_table(g["trials"])
            self.attrs = {k: _value(v) for k, v in g.attrs.items()}
            self.provenance = {k: _value(v) for k, v in f.attrs.items()}

    @property
    def converged(self):
        return self.attrs.get("converged") == "true"

    def __repr__(self):
        estimates = ", ".join(f"{p}={e:.6g} [{lo:.6g}, {hi:.6g}]" for p, e, lo, hi in
                              zip(self.fit["parameter"], self.fit["estimate"], self.fit["ci_low"],
                                  self.fit["ci_high"]))
        return f"<crmsim fit {self.path}: {estimates}; {len(self.trials)} trials>"


def _value(v):
    return text(v) if isinstance(v, (bytes, np.bytes_, str)) else v
