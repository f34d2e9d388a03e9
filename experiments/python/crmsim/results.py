"""A crmsim results file as tidy pandas tables, with paired effects and contrasts."""
import re
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from . import statistics
from .errors import CrmsimError
from .tables import column_attributes, column_order, read_table, text
from .tarp import TARP_1986, TARP_GROUPS

FORMAT = "crmsim-results"
# Plan columns that are not swept parameters (swept ones are named by their config key).
PLAN_COLUMNS = {"run_id", "scenario", "sweep_point", "replication", "policy", "stream_key", "network_key",
                "status", "error", "network_edges", "network_seconds", "simulation_seconds"}
# mechanisms.tarp.horizon in a run's resolved config, which crmsim writes in yaml-cpp's
# block layout (every value, defaults included).
TARP_HORIZON = re.compile(r"^  tarp:\n    horizon: (\d+)$", re.MULTILINE)


def open(path):  # noqa: A001  (crmsim.open, as h5py.File or pandas.read_csv)
    """The results file at `path` (written by `crmsim run`)."""
    return Results(path)


class Results:
    """An experiment's results file. Tables are read when asked for and kept."""

    def __init__(self, path):
        self.path = Path(path)
        self._series_cache = {}
        if not self.path.is_file():
            raise CrmsimError(f"{self.path}: no such file")
        try:
            f = h5py.File(self.path, "r")
        except OSError as problem:
            raise CrmsimError(f"{self.path}: not an HDF5 file, or a damaged one ({problem})") from None
        with f:
            if text(f.attrs.get("format", "")) != FORMAT:
                raise CrmsimError(f"{self.path}: not a crmsim results file (root attribute format is not "
                                  f"\"{FORMAT}\")")
            self.attrs = {k: text(v) if isinstance(v, (bytes, np.bytes_, str)) else v for k, v in f.attrs.items()}
            self.plan = self._read_plan(f)
            self.summary = self._with_coordinates(read_table(f["summary"]).rename(columns={"run_id": "run"}))
            self.comparisons = read_table(f["comparisons"]) if "comparisons" in f else pd.DataFrame()
            self.units, self.descriptions = self._column_attributes(f)
        self.parameters = [c for c in self.plan.columns if c not in PLAN_COLUMNS and c != "run"]
        self.scenarios = list(pd.unique(self.plan["scenario"]))
        self.policies = list(pd.unique(self.plan["policy"]))
        self.baseline = self._baseline()
        self.firms = self._firm_names()
        for table in (self.plan, self.summary, self.comparisons):
            self._label(table)

    def __repr__(self):
        complete = int((self.plan["status"] == "complete").sum())
        return (f"<crmsim results {self.path}: {self.attrs.get('experiment_name', '?')}, {len(self.plan)} runs "
                f"({complete} complete), scenarios {self.scenarios}, policies {self.policies}, "
                f"firms {self.firms}>")

    # ------------------------------------------------------------ what was run

    @property
    def config(self):
        """The resolved config the experiment ran with, as YAML text."""
        return self.attrs.get("config", "")

    @property
    def ticks(self):
        return int(self.attrs["ticks"])

    @property
    def coordinates(self):
        """The columns that say which run a row belongs to."""
        return ["run", "scenario", "sweep_point", *self.parameters, "policy", "replication"]

    @property
    def complete_runs(self):
        return self.plan.loc[self.plan["status"] == "complete", "run"].tolist()

    def _read_plan(self, f):
        plan = read_table(f["plan"])
        plan.insert(0, "run", plan.pop("run_id"))
        return plan

    def _with_coordinates(self, frame):
        coordinates = self.plan[["run", "scenario", "sweep_point",
                                 *[c for c in self.plan.columns if c not in PLAN_COLUMNS and c != "run"],
                                 "policy", "replication"]]
        frame = frame.merge(coordinates, on="run", how="left")
        ordered = [*coordinates.columns, *[c for c in frame.columns if c not in coordinates.columns]]
        return frame[ordered]

    def _baseline(self):
        if len(self.comparisons):
            return self.comparisons["baseline"].iloc[0]
        if len(self.policies) == 1:
            return self.policies[0]
        return baseline_from_config(self.config, self.policies)

    def _firm_names(self):
        pairs = self.summary[["firm", "firm_name"]].drop_duplicates("firm").sort_values("firm")
        return [name for name in pairs["firm_name"]]

    def _column_attributes(self, f):
        units, descriptions = {}, {}
        groups = [f["plan"], f["summary"]]
        if "comparisons" in f:
            groups.append(f["comparisons"])
        for run in self.plan["run"]:  # the first run that has a time series describes them all
            if f"runs/{run}/timeseries" in f:
                groups.append(f[f"runs/{run}/timeseries"])
                if f"runs/{run}/tarp" in f:
                    groups.append(f[f"runs/{run}/tarp"])
                break
        for group in groups:
            units.update(column_attributes(group, "units"))
            descriptions.update(column_attributes(group, "description"))
        return units, descriptions

    def _label(self, frame):
        """Units and descriptions of the frame's columns, and of the metric it is about."""
        named = list(frame.columns)
        if "metric" in frame.columns:
            named += list(pd.unique(frame["metric"]))
        frame.attrs["units"] = {c: self.units[c] for c in named if c in self.units}
        frame.attrs["descriptions"] = {c: self.descriptions[c] for c in named if c in self.descriptions}
        frame.attrs["source"] = str(self.path)
        return frame

    def firm_index(self, firm):
        """A firm given by index or name, as its index."""
        if firm is None:
            return None
        if isinstance(firm, str):
            if firm not in self.firms:
                raise KeyError(f"no firm named {firm!r}; the firms are {self.firms}")
            return self.firms.index(firm)
        if not 0 <= int(firm) < len(self.firms):
            raise KeyError(f"no firm {firm}; the firms are 0 to {len(self.firms) - 1}: {self.firms}")
        return int(firm)

    # ------------------------------------------------------------ tables read on demand

    def timeseries(self, columns=None, runs=None):
        """Long form: one row per run, tick and firm, with the run's coordinates, `tick`,
        `firm` (index), `firm_name`, then `columns` (default: every time-series column).
        Runs that did not complete have no time series and are left out."""
        runs = self.complete_runs if runs is None else list(runs)
        if columns is not None:
            columns = [c for c in (columns if not isinstance(columns, str) else [columns]) if c not in ("tick", "firm")]
        frames = []
        with h5py.File(self.path, "r") as f:
            for run in runs:
                frame = self._run_series(f, run, columns)
                if frame is not None:
                    frames.append(frame)
        if not frames:
            return self._label(pd.DataFrame(columns=[*self.coordinates, "tick", "firm", "firm_name"]))
        series = pd.concat(frames, ignore_index=True)
        series = self._with_coordinates(series)
        series = series.merge(self.summary[["run", "firm", "firm_name"]], on=["run", "firm"], how="left")
        measured = [c for c in series.columns if c not in (*self.coordinates, "tick", "firm", "firm_name")]
        return self._label(series[[*self.coordinates, "tick", "firm", "firm_name", *measured]])

    def _run_series(self, f, run, columns):
        """One run's time series (`columns`, or all), its columns kept once read: a study
        asks for the same few columns again and again, and a run's series is small
        (ticks x firms rows)."""
        group = f.get(f"runs/{run}/timeseries")
        if group is None:
            return None
        names = column_order(group) if columns is None else ["tick", "firm", *columns]
        missing = [c for c in names if (run, c) not in self._series_cache]
        if missing:
            read = read_table(group, missing)
            self._series_cache.update({(run, c): read[c].to_numpy() for c in missing})
        frame = pd.DataFrame({c: self._series_cache[(run, c)] for c in names})
        frame.insert(0, "run", run)
        return frame

    def tarp(self, pooled=False, by=("scenario", "policy")):
        """The TARP tables: one row per run, firm, severity and outcome (`customers`
        observed, `retained`, `share`, and the run's `horizon`); with `pooled=True` summed
        over the runs of each group of `by` (default: over replications and sweep points),
        with Wilson intervals and the published TARP 1986 share beside horizon 1 rows."""
        frames = []
        with h5py.File(self.path, "r") as f:
            for run in self.complete_runs:
                if f"runs/{run}/tarp" not in f:
                    continue
                frame = read_table(f[f"runs/{run}/tarp"])
                found = TARP_HORIZON.search(text(f[f"runs/{run}"].attrs.get("config", "")))
                frame.insert(0, "run", run)
                frame["horizon"] = int(found.group(1)) if found else -1
                frames.append(frame)
        if not frames:
            return None
        rows = self._with_coordinates(pd.concat(frames, ignore_index=True))
        rows = rows.merge(self.summary[["run", "firm", "firm_name"]], on=["run", "firm"], how="left")
        if not pooled:
            return self._label(rows)
        keys = [*by, "horizon", "firm", "firm_name", "severity", "outcome"]
        out = rows.groupby(keys, sort=False).agg(runs=("run", "nunique"), customers=("customers", "sum"),
                                                 retained=("retained", "sum")).reset_index()
        out["share"], out["ci_low"], out["ci_high"] = statistics.wilson(out["retained"], out["customers"])
        out["published"] = [TARP_1986.get(g, np.nan) if h == 1 else np.nan
                            for g, h in zip(zip(out["severity"], out["outcome"]), out["horizon"])]
        order = {g: i for i, g in enumerate(TARP_GROUPS)}
        out = out.sort_values(
            keys, key=lambda c: c.map(lambda v: order.get(v, len(order))) if c.name in ("severity", "outcome")
            else c.map({n: i for i, n in enumerate(self._design_order(c.name))}) if c.name in ("scenario", "policy")
            else c, kind="stable")
        return self._label(out.reset_index(drop=True))

    def sensitivity(self):
        """The /sensitivity table of a saltelli or morris design (docs/sensitivity.md), tidy:
        one row per scenario, policy, output, firm, parameter (and `parameter2` for an S2
        pair) and index, with `estimate`, `ci_low`, `ci_high` and `n`. The group's
        attributes (bootstrap resamples and seed, confidence, estimators, ...) are in
        `df.attrs`. A file of another sweep method has none: CrmsimError."""
        with h5py.File(self.path, "r") as f:
            if "sensitivity" not in f:
                raise CrmsimError(f"{self.path}: no /sensitivity table (it is written for sweep.method: saltelli "
                                  f"or morris designs only)")
            group = f["sensitivity"]
            table = read_table(group)
            attrs = {k: text(v) if isinstance(v, (bytes, np.bytes_, str)) else v for k, v in group.attrs.items()
                     if k != "columns"}
        table.attrs.update(attrs)
        return table

    def _design_order(self, column):
        return self.scenarios if column == "scenario" else self.policies

    def snapshots(self, run, tick=None):
        """Every customer's state after `tick` in `run` (the last snapshot if None), one row
        per customer (`customer` is its index); `df.attrs['tick']` says which tick."""
        with h5py.File(self.path, "r") as f:
            group = f.get(f"runs/{run}/snapshots")
            if group is None or not len(group):
                raise KeyError(f"run {run} has no snapshots (output.snapshot_every is 0?)")
            ticks = sorted(int(name.split("_", 1)[1]) for name in group)
            tick = ticks[-1] if tick is None else int(tick)
            if f"tick_{tick}" not in group:
                raise KeyError(f"run {run} has no snapshot after tick {tick}; it has ticks {ticks}")
            frame = read_table(group[f"tick_{tick}"])
        frame.insert(0, "customer", np.arange(len(frame)))
        frame.attrs["tick"] = tick
        frame.attrs["run"] = run
        return frame

    def transactions(self, run):
        """Every purchase record of `run` (output.transaction_log): customer, tick, firm,
        purchases, amount."""
        with h5py.File(self.path, "r") as f:
            group = f.get(f"runs/{run}/transactions")
            if group is None:
                raise KeyError(f"run {run} has no transactions (output.transaction_log is false?)")
            frame = read_table(group)
        frame.insert(0, "run", run)
        return self._label(frame)

    # ------------------------------------------------------------ outcomes and effects

    def outcome(self, metric, firm=None, tick=None, window=None, aggregate="mean"):
        """One value of `metric` per run and firm, with the run's coordinates and status.

        A /summary column is read from /summary unless `tick` or `window` is given; a
        time-series column is taken at `tick`, or aggregated ("mean" or "sum") over the ticks
        `window` = (first, last) inclusive, or at the last tick when neither is given.
        Runs that did not complete have NaN."""
        if tick is not None and window is not None:
            raise ValueError("give tick or window, not both")
        from_summary = metric in self.summary.columns and tick is None and window is None
        if from_summary:
            values = self.summary[["run", "firm", "firm_name", metric]]
            what = "final or total over the run (/summary)"
        else:
            series = self.timeseries([metric])
            if metric not in series.columns and len(series) == 0:
                raise KeyError(f"{metric}: no complete run has a time series")
            series = series[["run", "firm", "firm_name", "tick", metric]]
            if window is None:
                tick = self.ticks - 1 if tick is None else int(tick)
                values = series[series["tick"] == tick].drop(columns="tick")
                what = f"at tick {tick}"
            else:
                first, last = (int(w) for w in window)
                inside = series[(series["tick"] >= first) & (series["tick"] <= last)]
                if aggregate not in ("mean", "sum"):
                    raise ValueError(f"aggregate must be 'mean' or 'sum', not {aggregate!r}")
                values = inside.groupby(["run", "firm", "firm_name"], sort=False)[metric].agg(aggregate).reset_index()
                what = f"{aggregate} over ticks {first}-{last}"
        values = self.plan[[*self.coordinates, "status"]].merge(values, on="run", how="right")
        values.loc[values["status"] != "complete", metric] = np.nan
        values = values.astype({metric: float})
        if firm is not None:
            values = values[values["firm"] == self.firm_index(firm)]
        values = self._label(values.reset_index(drop=True))
        values.attrs["measure"] = what
        return values

    def effects(self, metric, firm=None, tick=None, window=None, aggregate="mean", by=("scenario", "sweep_point"),
                level=0.95):
        """Paired policy - baseline differences of `metric` with `level` intervals, absolute
        and relative, one row per group of `by`, policy other than the baseline, and firm.
        Pairs are the runs of one scenario, sweep point and replication (the same random
        numbers with common_random_numbers: true). See outcome() for tick/window/aggregate."""
        values = self.outcome(metric, firm, tick, window, aggregate)
        by = list(by)
        pairs = self._pair_with_baseline(values, metric)
        rows = []
        for key, group in pairs.groupby([*by, "policy", "firm", "firm_name"], sort=False):
            rows.append({**dict(zip([*by, "policy", "firm", "firm_name"], key)), "baseline": self.baseline,
                         "metric": metric, "measure": values.attrs["measure"],
                         **statistics.paired(group["policy_value"], group["baseline_value"], level)})
        out = pd.DataFrame(rows)
        if out.empty:
            return self._label(out)
        if "sweep_point" in by:  # the swept parameters' values, named by their keys
            points = self.plan[["sweep_point", *self.parameters]].drop_duplicates("sweep_point")
            out = out.merge(points, on="sweep_point", how="left")
            at = list(out.columns).index("sweep_point") + 1
            out = out[[*out.columns[:at], *self.parameters,
                       *[c for c in out.columns[at:] if c not in self.parameters]]]
        out.attrs["level"] = level
        return self._label(out)

    def effects_over_time(self, metric, firm=None, ticks=None, level=0.95):
        """Paired policy - baseline differences of a time-series column at every tick (or
        the ticks listed): the rows of effects() with a `tick` column, per scenario, sweep
        point, policy and firm."""
        series = self.timeseries([metric])
        if ticks is not None:
            series = series[series["tick"].isin(list(ticks))]
        if firm is not None:
            series = series[series["firm"] == self.firm_index(firm)]
        values = series[["scenario", "sweep_point", "replication", "policy", "firm", "firm_name", "tick", metric]]
        keys = ["scenario", "sweep_point", "replication", "firm", "tick"]
        baseline = values[values["policy"] == self.baseline][[*keys, metric]]
        pairs = values[values["policy"] != self.baseline].merge(baseline, on=keys, how="left",
                                                                suffixes=("", "_baseline"))
        rows = []
        for key, group in pairs.groupby(["scenario", "sweep_point", "policy", "firm", "firm_name", "tick"],
                                        sort=False):
            rows.append({**dict(zip(["scenario", "sweep_point", "policy", "firm", "firm_name", "tick"], key)),
                         "baseline": self.baseline, "metric": metric,
                         **statistics.paired(group[metric], group[f"{metric}_baseline"], level)})
        out = pd.DataFrame(rows)
        if not out.empty and self.parameters:
            points = self.plan[["sweep_point", *self.parameters]].drop_duplicates("sweep_point")
            out = out.merge(points, on="sweep_point", how="left")
        out.attrs["level"] = level
        return self._label(out)

    def _pair_with_baseline(self, values, metric):
        """Each non-baseline run's value beside its baseline run's (same scenario, sweep
        point, replication and firm)."""
        if self.baseline is None:
            raise CrmsimError(f"{self.path}: no baseline policy found in the config")
        keys = ["scenario", "sweep_point", "replication", "firm"]
        baseline = values[values["policy"] == self.baseline][[*keys, metric]].rename(columns={metric: "baseline_value"})
        policy = values[values["policy"] != self.baseline].rename(columns={metric: "policy_value"})
        return policy.merge(baseline, on=keys, how="left")

    def replication_effects(self, metric, firm=None, tick=None, window=None, aggregate="mean"):
        """The paired difference policy - baseline per replication: one row per scenario,
        sweep point, replication, policy and firm (`difference`)."""
        values = self.outcome(metric, firm, tick, window, aggregate)
        pairs = self._pair_with_baseline(values, metric)
        pairs["difference"] = pairs["policy_value"] - pairs["baseline_value"]
        return self._label(pairs)

    def streams_shared(self, a, b, factor="scenario"):
        """Whether the runs of levels `a` and `b` of `factor` ("scenario" or "sweep_point")
        use the same random streams replication by replication (equal stream keys in the
        plan), so that they can be compared paired."""
        if "stream_key" not in self.plan.columns:
            return False
        others = [c for c in ("scenario", "sweep_point", "replication", "policy") if c != factor]
        keys = self.plan[[*others, factor, "stream_key"]]
        left = keys[keys[factor] == a].drop(columns=factor)
        right = keys[keys[factor] == b].drop(columns=factor)
        joined = left.merge(right, on=others, suffixes=("_a", "_b"))
        if joined.empty:
            return False
        return bool((joined["stream_key_a"].astype("uint64") == joined["stream_key_b"].astype("uint64")).all())

    def contrast(self, metric, scenarios=None, sweep_points=None, policy=None, firm=None, tick=None, window=None,
                 aggregate="mean", level=0.95):
        """The interaction contrast: a policy's effect (policy - baseline) at `scenarios[0]`
        minus its effect at `scenarios[1]` (per sweep point), or at `sweep_points[0]` minus
        `sweep_points[1]` (per scenario). Paired by replication when the two levels share
        their random streams (`pairing` = "paired"), else Welch's unpaired interval
        (`pairing` = "welch")."""
        if (scenarios is None) == (sweep_points is None):
            raise ValueError("give scenarios=(a, b) or sweep_points=(i, j)")
        factor, (a, b) = ("scenario", scenarios) if scenarios is not None else ("sweep_point", sweep_points)
        known = self.scenarios if factor == "scenario" else list(pd.unique(self.plan["sweep_point"]))
        for level_name in (a, b):
            if level_name not in known:
                raise KeyError(f"no {factor} {level_name!r}; the experiment has {known}")
        other = "sweep_point" if factor == "scenario" else "scenario"
        d = self.replication_effects(metric, firm, tick, window, aggregate)
        if policy is not None:
            d = d[d["policy"] == policy]
        shared = self.streams_shared(a, b, factor)
        rows = []
        for key, group in d.groupby([other, "policy", "firm", "firm_name"], sort=False):
            at_a = group[group[factor] == a].set_index("replication")["difference"]
            at_b = group[group[factor] == b].set_index("replication")["difference"]
            row = {**dict(zip([other, "policy", "firm", "firm_name"], key)), f"{factor}_a": a, f"{factor}_b": b,
                   "baseline": self.baseline, "metric": metric,
                   "effect_a": at_a.mean(), "effect_b": at_b.mean()}
            if shared:
                joined = pd.concat([at_a, at_b], axis=1, keys=["a", "b"], join="inner")
                s = statistics.mean_interval(joined["a"] - joined["b"], level)
                finite = np.isfinite(joined["a"] - joined["b"])
                row.update(difference=s["mean"], ci_low=s["ci_low"], ci_high=s["ci_high"], p_value=s["p_value"],
                           n_a=int(finite.sum()), n_b=int(finite.sum()), pairing="paired")
            else:
                s = statistics.welch(at_a, at_b, level)
                row.update(difference=s["difference"], ci_low=s["ci_low"], ci_high=s["ci_high"],
                           p_value=s["p_value"], n_a=s["n_a"], n_b=s["n_b"], pairing="welch")
            rows.append(row)
        out = pd.DataFrame(rows)
        out.attrs["level"] = level
        return self._label(out)


def baseline_from_config(config, policies):
    """The policy marked `baseline: true` in the resolved config (None if none is)."""
    try:
        import yaml
        parsed = yaml.safe_load(config) or {}
    except Exception:  # noqa: BLE001  (no PyYAML, or text it cannot read: fall back below)
        parsed = {}
    for entry in parsed.get("policies") or []:
        if isinstance(entry, dict) and entry.get("baseline") is True:
            return entry.get("name")
    return policies[0] if policies else None
