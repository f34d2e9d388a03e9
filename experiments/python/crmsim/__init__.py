"""crmsim from Python: run experiments, read results files into tidy pandas tables, paired
effects and interaction contrasts with confidence intervals, and figures (crmsim.plot).

    import crmsim
    res = crmsim.run("configs/examples/recovery-policies.yaml", output="recovery.h5")
    res = crmsim.open("recovery.h5")
    res.effects("profit", firm="attentive")
    fit = crmsim.calibrate("fit.yaml", "targets.yaml", output="fit.h5")  # fit.fit, fit.targets, fit.trials
    fit = crmsim.open_fit("fit.h5")          # a fit written earlier

docs/python.md describes every function."""
from .calibration import Fit, open_fit
from .errors import CrmsimError
from .results import Results, open  # noqa: A004  (crmsim.open reads a results file)
from .runner import CONFIGS, calibrate, run
from .tarp import TARP_1986
from . import plot

__all__ = ["CrmsimError", "Results", "open", "open_fit", "Fit", "calibrate", "run", "plot", "TARP_1986", "CONFIGS"]
