#!/usr/bin/python3
"""Figures and a Markdown report from a crmsim results file.

    crmsim_report.py RESULTS.h5 -o OUTDIR [--firm-names] [--metrics a,b,c] [--overwrite]

Writes into OUTDIR:
  timeseries_<scenario>[_p<point>]_<metric>.png   mean per tick over replications, 95 % band,
                                                  firms as subplots, policies as lines
  comparison_<scenario>[_p<point>]_<metric>.png   policy minus baseline from /comparisons
  tarp_<scenario>_<policy>.png                    simulated TARP retention beside TARP 1986
  report.md                                       the key numbers and links to the figures
Exit status: 0 done, 2 bad input (file, metrics, output folder) with nothing written.
"""
import argparse
import math
import re
import sys
from pathlib import Path

try:
    import h5py
    import matplotlib
    import numpy as np
    import pandas as pd
except ImportError as missing:
    sys.exit(f"crmsim_report: {sys.executable} lacks the Python module '{missing.name}' "
             "(Debian 12: apt-get install python3-h5py python3-pandas python3-matplotlib)")

matplotlib.use("Agg")  # files only: no display needed, none opened
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import MaxNLocator  # noqa: E402

FORMAT = "crmsim-results"
DEFAULT_SERIES = ("customers", "mean_satisfaction", "profit", "switched_out")
DEFAULT_OUTCOMES = ("final_customers", "revenue", "profit", "final_mean_satisfaction")
# Columns that locate a row rather than measure something.
KEY_COLUMNS = {"run_id", "tick", "firm", "firm_name"}

# t_{0.975, df} for df = 1..30 (two-sided 95 %), from the standard table. Above 30 the
# normal quantile 1.96 is used: it understates the half-width by at most 4 % (df 31:
# 2.040), which is why bands and per-policy CIs of 31+ replications are a little narrow.
# /comparisons has its own exact intervals (computed by crmsim with Student's t).
T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)
Z975 = 1.96

SEVERITIES = ("minor", "major")
TARP_OUTCOMES = ("silent", "unresolved", "resolved", "resolved_quickly")
# TARP 1986: share of customers who would buy again after a failure, by outcome.
PUBLISHED_TARP = {
    ("minor", "silent"): 0.37, ("major", "silent"): 0.09,
    ("minor", "unresolved"): 0.46, ("major", "unresolved"): 0.19,
    ("minor", "resolved"): 0.70, ("major", "resolved"): 0.54,
    ("minor", "resolved_quickly"): 0.95, ("major", "resolved_quickly"): 0.82,
}


class BadInput(Exception):
    """A problem with what the user gave us: reported on stderr, exit status 2."""


# ---------------------------------------------------------------- reading

def text(value):
    return value.decode("utf-8") if isinstance(value, (bytes, np.bytes_)) else str(value)


def read_table(f, name):
    """A crmsim table (a group of equally long 1-D datasets) as a DataFrame."""
    if name not in f or not isinstance(f[name], h5py.Group):
        raise BadInput(f"{f.filename}: no /{name} table (did the experiment finish?)")
    columns = {}
    for column, data in f[name].items():
        if not isinstance(data, h5py.Dataset):
            continue
        values = data[()]
        if values.dtype == object:  # variable-length strings come back as bytes
            values = [text(v) for v in values]
        columns[column] = values
    return pd.DataFrame(columns)


def open_results(path):
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    try:
        f = h5py.File(path, "r")
    except OSError:
        raise BadInput(f"{path}: not an HDF5 file") from None
    if text(f.attrs.get("format", "")) != FORMAT:
        f.close()
        raise BadInput(f"{path}: not a crmsim results file (root attribute format is not \"{FORMAT}\")")
    return f


class Experiment:
    """What was run: the plan, the complete runs and their outcomes, and the names."""

    def __init__(self, f, label_by_name):
        self.attrs = {k: f.attrs[k] for k in f.attrs}
        self.plan = read_table(f, "plan")
        self.runs = self.plan[self.plan["status"] == "complete"]
        self.failed = self.plan[self.plan["status"] != "complete"]
        coordinates = self.runs[["run_id", "scenario", "sweep_point", "replication", "policy"]]
        summary = read_table(f, "summary")
        self.outcome_columns = numeric_columns(summary)
        self.summary = summary.merge(coordinates, on="run_id")
        self.comparisons = read_table(f, "comparisons")
        # Order as in the config (the plan lists runs in config order).
        self.scenarios = list(pd.unique(self.plan["scenario"]))
        self.policies = list(pd.unique(self.plan["policy"]))
        self.sweep_points = sorted(pd.unique(self.plan["sweep_point"]))
        # Sweep columns are named by their config key, which always has a dot.
        self.sweep_columns = [c for c in self.plan.columns if "." in c]
        self.baseline = self._baseline()
        self.firm_names = self._firm_names()
        self.label_by_name = label_by_name

    def _baseline(self):
        if len(self.comparisons):
            return self.comparisons["baseline"].iloc[0]
        return self.policies[0] if len(self.policies) == 1 else None

    def _firm_names(self):
        named = pd.concat([self.summary[["firm", "firm_name"]], self.comparisons[["firm", "firm_name"]]])
        return {int(i): name for i, name in sorted(zip(named["firm"], named["firm_name"]))}

    def firm_label(self, firm):
        firm = int(firm)
        return self.firm_names.get(firm, f"firm {firm}") if self.label_by_name else f"firm {firm}"

    def attribute(self, name):
        """A root attribute as text ("?" when the file lacks it)."""
        value = self.attrs.get(name)
        if value is None:
            return "?"
        return f"{value:g}" if isinstance(value, (float, np.floating)) else text(value)

    @property
    def swept(self):
        return len(self.sweep_points) > 1


# ---------------------------------------------------------------- statistics

def t975(df):
    """t_{0.975, df} (array-valued; NaN where df < 1)."""
    df = np.asarray(df, dtype=float)
    table = np.array(T975)[np.clip(df, 1, len(T975)).astype(int) - 1]
    return np.where(df < 1, np.nan, np.where(df <= len(T975), table, Z975))


def mean_interval(values):
    """n, mean and the 95 % t interval of the finite values (no interval when n < 2)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    mean = values.mean()
    if n < 2:
        return n, mean, math.nan, math.nan
    half = float(t975(n - 1)) * values.std(ddof=1) / math.sqrt(n)
    return n, mean, mean - half, mean + half


def wilson_interval(successes, trials, z=Z975):
    """Wilson score 95 % interval of a binomial share; NaN where there are no trials."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 1 + z ** 2 / n
        centre = (p + z ** 2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / denominator
    empty = n == 0
    return (np.where(empty, np.nan, p), np.where(empty, np.nan, centre - half),
            np.where(empty, np.nan, centre + half))


# ---------------------------------------------------------------- metrics

def numeric_columns(frame):
    return [c for c in frame.columns if c not in KEY_COLUMNS and pd.api.types.is_numeric_dtype(frame[c])]


def series_columns(f, experiment):
    """The time-series columns, with their units, from the first complete run."""
    if experiment.runs.empty:
        return {}
    group = f[f"runs/{experiment.runs['run_id'].iloc[0]}/timeseries"]
    return {name: text(data.attrs.get("units", "")) for name, data in group.items()
            if name not in KEY_COLUMNS and data.dtype.kind in "iuf"}


def choose_metrics(requested, series, outcomes):
    """Time-series metrics (figures) and /summary outcomes (report, comparisons).

    A requested name is used wherever it is a column: "profit" is both."""
    if requested is None:
        return ([m for m in DEFAULT_SERIES if m in series], [m for m in DEFAULT_OUTCOMES if m in outcomes])
    unknown = [m for m in requested if m not in series and m not in outcomes]
    if unknown:
        raise BadInput(f"--metrics: unknown metric(s) {', '.join(unknown)}; time series: "
                       f"{', '.join(series) or 'none'}; outcomes (/summary): {', '.join(outcomes) or 'none'}")
    return [m for m in requested if m in series], [m for m in requested if m in outcomes]


# ---------------------------------------------------------------- aggregation

def policy_outcomes(experiment, metrics):
    """Per (scenario, sweep point, policy, firm, metric): n, mean, 95 % CI over replications."""
    rows = []
    keys = ["scenario", "sweep_point", "policy", "firm"]
    for key, group in experiment.summary.groupby(keys, sort=False):
        for metric in metrics:
            rows.append((*key, metric, *mean_interval(group[metric])))
    return pd.DataFrame(rows, columns=[*keys, "metric", "n", "mean", "ci_low", "ci_high"])


def read_series(f, experiment, metrics):
    """Every complete run's time series (the chosen metrics), with the run's coordinates."""
    frames = []
    for run_id in experiment.runs["run_id"]:
        group = f[f"runs/{run_id}/timeseries"]
        frame = pd.DataFrame({c: group[c][()] for c in ("tick", "firm", *metrics)})
        frame["run_id"] = run_id
        frames.append(frame)
    coordinates = experiment.runs[["run_id", "scenario", "sweep_point", "policy"]]
    return pd.concat(frames, ignore_index=True).merge(coordinates, on="run_id")


def series_band(series, metric):
    """Mean per (scenario, sweep point, policy, firm, tick) with the 95 % half-width."""
    stats = (series.groupby(["scenario", "sweep_point", "policy", "firm", "tick"])[metric]
             .agg(["mean", "std", "count"]).reset_index())
    stats["half"] = t975(stats["count"] - 1) * stats["std"] / np.sqrt(stats["count"])
    return stats


# mechanisms.tarp.horizon in a run's resolved config, which crmsim writes in yaml-cpp's
# block layout (every value, defaults included), so no YAML parser is needed.
TARP_HORIZON = re.compile(r"^  tarp:\n    horizon: (\d+)$", re.MULTILINE)


def tarp_horizon(f, run_id):
    """The run's TARP horizon in ticks, or -1 if its config does not say."""
    found = TARP_HORIZON.search(text(f[f"runs/{run_id}"].attrs.get("config", "")))
    return int(found.group(1)) if found else -1


def pooled_tarp(f, experiment):
    """Runs' TARP tables summed per (scenario, policy, horizon, firm, severity, outcome), or
    None. TARP 1986's shares are set beside them only at horizon 1, where the table counts
    the repurchase decision a failure triggers, as TARP asked about intention to buy again;
    a longer horizon measures retention in the simulated market (research guide, 8.1)."""
    frames = []
    for run_id in experiment.runs["run_id"]:
        if f"runs/{run_id}/tarp" in f:
            frames.append(read_table(f, f"runs/{run_id}/tarp").assign(run_id=run_id, horizon=tarp_horizon(f, run_id)))
    if not frames:
        return None
    coordinates = experiment.runs[["run_id", "scenario", "policy"]]
    rows = pd.concat(frames, ignore_index=True).merge(coordinates, on="run_id")
    keys = ["scenario", "policy", "horizon", "firm", "severity", "outcome"]
    pooled = rows.groupby(keys, sort=False).agg(
        runs=("run_id", "nunique"), customers=("customers", "sum"), retained=("retained", "sum")).reset_index()
    pooled["share"], pooled["ci_low"], pooled["ci_high"] = wilson_interval(pooled["retained"], pooled["customers"])
    pooled["published"] = [PUBLISHED_TARP.get(k, math.nan) if horizon == 1 else math.nan
                           for k, horizon in zip(zip(pooled["severity"], pooled["outcome"]), pooled["horizon"])]
    return pooled.sort_values(keys, key=lambda column: design_rank(experiment, column))


def design_rank(experiment, column):
    """Scenarios and policies in config order, TARP groups in TARP's order (unknown ones
    last), firms by number."""
    orders = {"scenario": experiment.scenarios, "policy": experiment.policies,
              "severity": SEVERITIES, "outcome": TARP_OUTCOMES}
    if column.name not in orders:
        return column
    position = {name: i for i, name in enumerate(orders[column.name])}
    return column.map(lambda value: position.get(value, len(position)))


# ---------------------------------------------------------------- file names

def stems(names):
    """File-name-safe, distinct stems for names (config names may hold any UTF-8)."""
    out, used = {}, set()
    for name in names:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "unnamed"
        stem, copy = base, 1
        while stem in used:  # "x y" and "x/y" both make x_y
            copy += 1
            stem = f"{base}-{copy}"
        used.add(stem)
        out[name] = stem
    return out


def place_stem(experiment, scenario_stems, scenario, point):
    stem = scenario_stems[scenario]
    return f"{stem}_p{point}" if experiment.swept else stem


def place_title(experiment, scenario, point):
    return f"scenario {scenario}, sweep point {point}" if experiment.swept else f"scenario {scenario}"


# ---------------------------------------------------------------- figures

def policy_colours(experiment):
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return {p: cycle[i % len(cycle)] for i, p in enumerate(experiment.policies)}


def firm_grid(count):
    columns = min(count, 3)
    return math.ceil(count / columns), columns


def plot_series(experiment, band, metric, units, title, path):
    firms = sorted(band["firm"].unique())
    rows, columns = firm_grid(len(firms))
    fig, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.6 * rows), squeeze=False, sharex=True)
    colours = policy_colours(experiment)
    for ax, firm in zip(axes.flat, firms):
        for policy in experiment.policies:
            line = band[(band["firm"] == firm) & (band["policy"] == policy)]
            if line.empty:
                continue
            ax.plot(line["tick"], line["mean"], color=colours[policy], label=policy)
            # No band from a single replication (half is NaN there, so nothing is drawn).
            ax.fill_between(line["tick"], line["mean"] - line["half"], line["mean"] + line["half"],
                            color=colours[policy], alpha=0.2, linewidth=0)
        ax.set_title(experiment.firm_label(firm))
        ax.set_xlabel(f"tick ({experiment.attribute('tick_days')} days)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        # Units that add nothing ("1", or the metric's own name) are left out.
        ax.set_ylabel(metric if units in ("", "1", metric) else f"{metric} [{units}]")
    for ax in axes.flat[len(firms):]:
        ax.set_visible(False)
    axes.flat[0].legend(title="policy", fontsize="small")
    banded = np.isfinite(band["half"]).any()
    fig.suptitle(f"{metric}: mean over replications{' with 95 % band' if banded else ''}, {title}")
    save(fig, path)


def plot_comparison(experiment, rows, metric, title, path):
    policies = [p for p in experiment.policies if p in set(rows["policy"])]
    firms = sorted(rows["firm"].unique())
    width = 0.8 / len(firms)
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(policies) * len(firms)), 4.5))
    for j, firm in enumerate(firms):
        of_firm = rows[rows["firm"] == firm].set_index("policy").reindex(policies)
        difference = of_firm["mean_difference"].to_numpy()
        errors = error_bars(difference, of_firm["ci_low"].to_numpy(), of_firm["ci_high"].to_numpy())
        x = np.arange(len(policies)) - 0.4 + width * (j + 0.5)
        ax.bar(x, difference, width, yerr=errors, capsize=4, label=experiment.firm_label(firm))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(np.arange(len(policies)), policies)
    ax.set_ylabel(f"{metric}: policy − {experiment.baseline}")
    ax.legend(title="firm", fontsize="small")
    ax.set_title(f"{metric}: mean paired difference with 95 % CI\n{title}", fontsize="medium")
    save(fig, path)


def plot_tarp(experiment, rows, title, path):
    groups = [(s, o) for s in SEVERITIES for o in TARP_OUTCOMES]
    firms = sorted(rows["firm"].unique())
    width = 0.8 / (len(firms) + 1)
    x = np.arange(len(groups))
    horizon = int(rows["horizon"].iloc[0])
    fig, ax = plt.subplots(figsize=(11, 4.5))
    if horizon == 1:
        ax.bar(x - 0.4 + width / 2, [PUBLISHED_TARP[g] for g in groups], width, color="0.6", label="TARP 1986")
    for j, firm in enumerate(firms):
        of_firm = rows[rows["firm"] == firm].set_index(["severity", "outcome"]).reindex(groups)
        share = of_firm["share"].to_numpy()
        errors = error_bars(share, of_firm["ci_low"].to_numpy(), of_firm["ci_high"].to_numpy())
        ax.bar(x - 0.4 + width * (j + 1.5), share, width, yerr=errors, capsize=3,
               label=f"simulated, {experiment.firm_label(firm)}")
    ax.set_xticks(x, [f"{s}\n{o.replace('_', ' ')}" for s, o in groups])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share still with the firm")
    ax.legend(fontsize="small", ncol=2)
    beside = "vs TARP 1986" if horizon == 1 else f"after {horizon} ticks (TARP 1986 only at horizon 1)"
    ax.set_title(f"Retention after a failure, simulated (Wilson 95 % CI) {beside}, {title}", fontsize="medium")
    save(fig, path)


def error_bars(value, low, high):
    """yerr for bars with intervals [low, high]. A NaN interval (n = 1, or no customers) is
    not drawn; when no bar has one, none is passed (matplotlib warns on all-NaN errors)."""
    below, above = value - low, high - value
    return None if np.isnan(below).all() else [below, above]


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ---------------------------------------------------------------- Markdown

def fmt(x):
    """Numbers as printed in the report: whole units from 1000 up, else 4 significant
    digits in fixed notation (an exponent is easy to misread in a table)."""
    if x is None or not np.isfinite(x):
        return "n/a"
    if abs(x) >= 1000 or x == 0:
        return f"{x:.0f}"
    decimals = min(12, max(0, 3 - math.floor(math.log10(abs(x)))))
    return f"{x:.{decimals}f}"


def interval(low, high, number=fmt):
    return "n/a" if not (np.isfinite(low) and np.isfinite(high)) else f"[{number(low)}, {number(high)}]"


def md_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def md_cell(value):
    # A "|" in a config name, or a line break in an error message, would break the table.
    return " ".join(str(value).split()).replace("|", "\\|")


def place_cells(experiment, scenario, point):
    return [scenario, point] if experiment.swept else [scenario]


def place_header(experiment):
    return ["scenario", "sweep point"] if experiment.swept else ["scenario"]


def overview_section(experiment, source):
    e = experiment
    policies = [f"{p} (baseline)" if p == e.baseline else p for p in e.policies]
    rows = [
        ("experiment", e.attribute("experiment_name")),
        ("results file", f"`{source}`"),
        ("crmsim", f"{e.attribute('crmsim_version')} (commit {e.attribute('git_commit')})"),
        ("seed", e.attribute("seed")),
        ("ticks", f"{e.attribute('ticks')} of {e.attribute('tick_days')} days"),
        ("replications", e.attribute("replications")),
        ("runs", f"{len(e.plan)} ({len(e.runs)} complete, {len(e.failed)} failed)"),
        ("scenarios", ", ".join(e.scenarios)),
        ("policies", ", ".join(policies)),
        ("sweep points", len(e.sweep_points)),
        ("firms", ", ".join(f"{i} {name}" for i, name in e.firm_names.items())),
    ]
    return f"# crmsim report: {e.attribute('experiment_name')}\n\n" + md_table(["", ""], rows)


def failed_section(experiment):
    if experiment.failed.empty:
        return ""
    rows = [(r.run_id, r.scenario, r.sweep_point, r.replication, r.policy, r.error or r.status)
            for r in experiment.failed.itertuples()]
    return ("\n## Failed runs\n\nLeft out of every number and figure below.\n\n"
            + md_table(["run", "scenario", "sweep point", "replication", "policy", "error"], rows))


def sweep_section(experiment):
    if not experiment.swept:
        return ""
    points = experiment.plan.drop_duplicates("sweep_point").sort_values("sweep_point")
    rows = [[point, *(fmt(v) for v in values)]
            for point, values in zip(points["sweep_point"], points[experiment.sweep_columns].to_numpy())]
    return "\n## Sweep points\n\n" + md_table(["point", *experiment.sweep_columns], rows)


def outcomes_section(experiment, outcomes):
    out = ["\n## Outcomes by policy\n\nPer-run outcomes from /summary (final values, or totals over the run): "
           "mean over the complete replications with its 95 % CI (Student t).\n"]
    if outcomes.empty:
        return out[0] + "\nNo complete run or no outcome metric chosen.\n"
    for metric, rows in outcomes.groupby("metric", sort=False):
        table = [[*place_cells(experiment, r.scenario, r.sweep_point), r.policy, experiment.firm_label(r.firm),
                  r.n, fmt(r.mean), interval(r.ci_low, r.ci_high)] for r in rows.itertuples()]
        out.append(f"\n### {metric}\n\n"
                   + md_table([*place_header(experiment), "policy", "firm", "n", "mean", "95 % CI"], table))
    return "".join(out)


def comparisons_section(experiment, metrics):
    head = "\n## Policy comparisons\n\n"
    rows = experiment.comparisons[experiment.comparisons["metric"].isin(metrics)]
    if experiment.comparisons.empty:
        return head + "No comparisons: the experiment has a single policy.\n"
    if rows.empty:
        return head + "No comparison of the chosen metrics.\n"
    table = [[*place_cells(experiment, r.scenario, r.sweep_point), r.policy, r.baseline,
              experiment.firm_label(r.firm), r.metric, r.n, fmt(r.baseline_mean), fmt(r.policy_mean),
              fmt(r.mean_difference), interval(r.ci_low, r.ci_high)] for r in rows.itertuples()]
    unpaired = ("Rows with n = 0 had no replication where both the policy and the baseline completed: "
                "they have no difference and no figure.\n\n" if (rows["n"] == 0).any() else "")
    return (head + "Policy minus baseline, paired by replication (from /comparisons; 95 % CI of the mean "
            "difference, Student t).\n\n" + unpaired
            + md_table([*place_header(experiment), "policy", "baseline", "firm", "metric", "n", "baseline mean",
                        "policy mean", "difference", "95 % CI"], table))


def tarp_section(experiment, tarp):
    head = "\n## TARP table\n\n"
    if tarp is None:
        return head + "No run has a TARP table (/runs/<id>/tarp): nothing to compare with TARP 1986.\n"
    table = [[r.scenario, r.policy, r.horizon, experiment.firm_label(r.firm), r.severity, r.outcome, r.runs,
              r.customers,
              r.retained, f"{r.share:.3f}" if np.isfinite(r.share) else "n/a",
              interval(r.ci_low, r.ci_high, lambda v: f"{v:.3f}"),
              f"{r.published:.2f}" if np.isfinite(r.published) else "n/a",
              f"{r.share - r.published:+.3f}" if np.isfinite(r.share - r.published) else "n/a"]
             for r in tarp.itertuples()]
    return (head + "Customers who met a failure and whose observation horizon completed, pooled over the "
            "complete runs (replications and sweep points) of each scenario and policy; share = retained / "
            "customers with its Wilson 95 % interval, still with the firm `horizon` ticks after the failure. "
            "TARP 1986's share who would buy again is set beside it only at horizon 1, where the table counts "
            "the repurchase decision the failure triggers; a longer horizon measures retention in the simulated "
            "market, which TARP did not (n/a).\n\n"
            + md_table(["scenario", "policy", "horizon", "firm", "severity", "outcome", "runs", "customers", "retained",
                        "share", "95 % CI", "TARP 1986", "difference"], table))


def figures_section(figures):
    if not figures:
        return "\n## Figures\n\nNone.\n"
    return "\n## Figures\n\n" + "".join(f"![{p.stem}]({p.name})\n\n" for p in figures)


# ---------------------------------------------------------------- the command

def prepare_outdir(outdir, overwrite):
    if outdir.exists() and not outdir.is_dir():
        raise BadInput(f"{outdir}: exists and is not a folder")
    if outdir.is_dir() and any(outdir.iterdir()) and not overwrite:
        raise BadInput(f"{outdir}: exists and is not empty (use --overwrite to write into it)")
    outdir.mkdir(parents=True, exist_ok=True)


def series_figures(f, experiment, metrics, units, outdir):
    if not metrics or experiment.runs.empty:
        return []
    series = read_series(f, experiment, metrics)
    scenario_stems = stems(experiment.scenarios)
    written = []
    for metric in metrics:
        if series[metric].isna().all():  # e.g. top20_value_share with output.metrics.concentration_every: 0
            print(f"crmsim_report: {metric} is NaN on every tick of every run: no figure", file=sys.stderr)
            continue
        band = series_band(series, metric)
        for (scenario, point), rows in band.groupby(["scenario", "sweep_point"], sort=False):
            path = outdir / f"timeseries_{place_stem(experiment, scenario_stems, scenario, point)}_{metric}.png"
            plot_series(experiment, rows, metric, units[metric], place_title(experiment, scenario, point), path)
            written.append(path)
    return written


def comparison_figures(experiment, metrics, outdir):
    rows = experiment.comparisons[experiment.comparisons["metric"].isin(metrics)]
    scenario_stems = stems(experiment.scenarios)
    written = []
    for (scenario, point, metric), of_place in rows.groupby(["scenario", "sweep_point", "metric"], sort=False):
        if (of_place["n"] == 0).all():
            continue  # no replication where both policies completed: an empty plot would read as "no effect"
        path = outdir / f"comparison_{place_stem(experiment, scenario_stems, scenario, point)}_{metric}.png"
        plot_comparison(experiment, of_place, metric, place_title(experiment, scenario, point), path)
        written.append(path)
    return written


def tarp_figures(experiment, tarp, outdir):
    if tarp is None:
        return []
    scenario_stems, policy_stems = stems(experiment.scenarios), stems(experiment.policies)
    written = []
    for (scenario, policy, horizon), rows in tarp.groupby(["scenario", "policy", "horizon"], sort=False):
        several = tarp.query("scenario == @scenario and policy == @policy")["horizon"].nunique() > 1
        suffix = f"_h{horizon}" if several else ""
        path = outdir / f"tarp_{scenario_stems[scenario]}_{policy_stems[policy]}{suffix}.png"
        plot_tarp(experiment, rows, f"scenario {scenario}, policy {policy}", path)
        written.append(path)
    return written


def report(source, outdir, firm_names, requested_metrics, overwrite):
    with open_results(source) as f:
        experiment = Experiment(f, firm_names)
        units = series_columns(f, experiment)
        series_metrics, outcome_metrics = choose_metrics(
            requested_metrics, units, experiment.outcome_columns)
        prepare_outdir(outdir, overwrite)
        figures = series_figures(f, experiment, series_metrics, units, outdir)
        figures += comparison_figures(experiment, outcome_metrics, outdir)
        tarp = pooled_tarp(f, experiment)
        figures += tarp_figures(experiment, tarp, outdir)
    markdown = outdir / "report.md"
    markdown.write_text(
        overview_section(experiment, source) + failed_section(experiment) + sweep_section(experiment)
        + outcomes_section(experiment, policy_outcomes(experiment, outcome_metrics))
        + comparisons_section(experiment, outcome_metrics) + tarp_section(experiment, tarp)
        + figures_section(figures), encoding="utf-8")
    return [*figures, markdown]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(
        prog="crmsim_report.py", description="Figures and a Markdown report from a crmsim results file.")
    parser.add_argument("results", type=Path, help="the results file (crmsim run ... -o RESULTS.h5)")
    parser.add_argument("-o", "--outdir", type=Path, required=True, help="folder for the PNGs and report.md")
    parser.add_argument("--firm-names", action="store_true",
                        help="label firms by their config names instead of 'firm <index>'")
    parser.add_argument("--metrics", type=lambda s: [m.strip() for m in s.split(",") if m.strip()],
                        help="comma-separated metrics: time-series columns (plotted per tick) and /summary "
                             "columns (tabulated and compared); default: " + ",".join(DEFAULT_SERIES)
                             + " and " + ",".join(DEFAULT_OUTCOMES))
    parser.add_argument("--overwrite", action="store_true", help="write into OUTDIR even if it is not empty")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_arguments(argv)
    try:
        written = report(args.results, args.outdir, args.firm_names, args.metrics, args.overwrite)
    except BadInput as problem:
        print(f"crmsim_report: error: {problem}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
