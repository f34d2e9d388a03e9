#!/usr/bin/python3
"""Draws the figures in docs/ with the crmsim package (docs/python.md). From the
repository's root, after building: /usr/bin/python3 docs/img/make_figures.py
(about a minute on 2 cores; the runs go to results/docs-figures/)."""
import sys
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root / "experiments" / "python"))
import crmsim  # noqa: E402

out = root / "docs" / "img"
work = root / "results" / "docs-figures"

# The README's first study: recovery-policies.yaml at 20,000 customers.
res = crmsim.run(crmsim.CONFIGS / "examples" / "recovery-policies.yaml", output=work / "recovery.h5",
                 set={"population.size": 20000}, jobs=2, overwrite=True)
crmsim.plot.forest(res.effects("profit", firm="attentive")).savefig(out / "forest.png", dpi=72)
crmsim.plot.differences_over_time(res.effects_over_time("customers", firm="attentive"),
                                  tick_days=float(res.attrs["tick_days"])).savefig(out / "over-time.png", dpi=72)

# The same, with negative word of mouth's reach swept over four values.
swept = crmsim.run(crmsim.CONFIGS / "examples" / "recovery-policies.yaml", output=work / "swept.h5",
                   set={"population.size": 10000, "experiment.replications": 4, "scenarios": [{"name": "calm"}],
                        "sweep": {"method": "grid", "parameters": [
                            {"key": "mechanisms.word_of_mouth.negative_reach", "low": 0.05, "high": 0.2,
                             "steps": 4}]}},
                   jobs=2, overwrite=True)
crmsim.plot.effect_by_parameter(swept.effects("final_customers", firm="attentive")).savefig(
    out / "by-parameter.png", dpi=72)

# The TARP calibration study: the simulated table beside TARP 1986.
calibration = crmsim.run(crmsim.CONFIGS / "tarp" / "calibration.yaml", output=work / "calibration.h5",
                         jobs=2, overwrite=True)
crmsim.plot.tarp(calibration.tarp(pooled=True)).savefig(out / "tarp.png", dpi=72)
