#!/usr/bin/python3
"""Figures and a Markdown report from a crmsim results file, drawn with the crmsim
package (experiments/python/crmsim, docs/python.md).

    crmsim_report.py RESULTS.h5 -o OUTDIR [--firm-names] [--metrics a,b,c] [--overwrite]

Writes into OUTDIR:
  timeseries_<scenario>[_p<point>]_<metric>.png   mean per tick over replications, 95 % band,
                                                  firms as subplots, policies as lines
  difference_<metric>.png                         paired difference policy - baseline per tick
                                                  with its 95 % band, a panel per scenario
  forest_<metric>.png                             relative effects policy - baseline, 95 % CI
  tarp[_h<horizon>].png                           simulated TARP table beside TARP 1986
  report.md                                       the key numbers and links to the figures
Exit status: 0 done, 2 bad input (file, metrics, output folder) with nothing written.
"""
import argparse
import math
import re
import sys
from pathlib import Path

try:
    import matplotlib
    import numpy as np
    import pandas as pd
except ImportError as missing:
    sys.exit(f"crmsim_report: {sys.executable} lacks the Python module '{missing.name}' "
             "(Debian 12: apt-get install python3-h5py python3-pandas python3-matplotlib python3-scipy)")

matplotlib.use("Agg")  # files only: no display needed, none opened
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import MaxNLocator  # noqa: E402

# The package, next to this folder (also importable once .ci/build.sh installed it).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
try:
    import crmsim  # noqa: E402
    from crmsim import plot, statistics  # noqa: E402
except ImportError as missing:
    sys.exit(f"crmsim_report: the crmsim package needs the Python module '{missing.name}' "
             "(Debian 12: apt-get install python3-h5py python3-pandas python3-matplotlib python3-scipy)")

DEFAULT_SERIES = ("customers", "mean_satisfaction", "profit", "switched_out")
DEFAULT_OUTCOMES = ("final_customers", "revenue", "profit", "final_mean_satisfaction")
# Columns that locate a row rather than measure something.
KEY_COLUMNS = {"run", "run_id", "tick", "firm", "firm_name", "sweep_point", "replication"}


class BadInput(Exception):
    """A problem with what the user gave us: reported on stderr, exit status 2."""


# ---------------------------------------------------------------- reading

class Experiment:
    """What was run, read through crmsim.open: the plan, the complete runs and their
    outcomes, and the names."""

    def __init__(self, results, label_by_name):
        self.results = results
        self.attrs = results.attrs
        self.plan = results.plan
        self.runs = self.plan[self.plan["status"] == "complete"]
        self.failed = self.plan[self.plan["status"] != "complete"]
        self.summary = results.summary[results.summary["run"].isin(self.runs["run"])]
        self.outcome_columns = [c for c in results.summary.columns if c not in KEY_COLUMNS
                                and c not in results.coordinates and pd.api.types.is_numeric_dtype(results.summary[c])]
        self.comparisons = results.comparisons
        self.scenarios, self.policies = results.scenarios, results.policies
        self.sweep_points = sorted(pd.unique(self.plan["sweep_point"]))
        self.sweep_columns = results.parameters
        self.baseline = results.baseline if len(self.policies) > 1 or len(self.comparisons) else self.policies[0]
        self.firm_names = dict(enumerate(results.firms))
        self.label_by_name = label_by_name

    def firm_label(self, firm):
        firm = int(firm)
        return self.firm_names.get(firm, f"firm {firm}") if self.label_by_name else f"firm {firm}"

    def attribute(self, name):
        """A root attribute as text ("?" when the file lacks it)."""
        value = self.attrs.get(name)
        if value is None:
            return "?"
        return f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)

    @property
    def swept(self):
        return len(self.sweep_points) > 1


def open_results(path):
    try:
        return crmsim.open(path)
    except crmsim.CrmsimError as problem:
        raise BadInput(str(problem)) from None


def series_columns(experiment):
    """The time-series columns, with their units, from the first complete run."""
    if experiment.runs.empty:
        return {}
    first = experiment.results.timeseries(runs=[experiment.runs["run"].iloc[0]])
    return {c: experiment.results.units.get(c, "") for c in first.columns
            if c not in KEY_COLUMNS and c not in experiment.results.coordinates
            and pd.api.types.is_numeric_dtype(first[c])}


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
            s = statistics.mean_interval(group[metric])
            rows.append((*key, metric, s["n"], s["mean"], s["ci_low"], s["ci_high"]))
    return pd.DataFrame(rows, columns=[*keys, "metric", "n", "mean", "ci_low", "ci_high"])


def series_band(series, metric):
    """Mean per (scenario, sweep point, policy, firm, tick) with the 95 % interval."""
    rows = []
    for key, group in series.groupby(["scenario", "sweep_point", "policy", "firm", "tick"], sort=False):
        s = statistics.mean_interval(group[metric])
        rows.append((*key, s["mean"], s["ci_low"], s["ci_high"]))
    return pd.DataFrame(rows, columns=["scenario", "sweep_point", "policy", "firm", "tick", "mean", "low", "high"])


def pooled_tarp(experiment):
    """Runs' TARP tables summed per (scenario, policy, horizon, firm, severity, outcome), or
    None. TARP 1986's shares are set beside them only at horizon 1, where the table counts
    the repurchase decision a failure triggers, as TARP asked about intention to buy again;
    a longer horizon measures retention in the simulated market (research guide, 8.1)."""
    return experiment.results.tarp(pooled=True)


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
    if not experiment.swept:
        return f"scenario {scenario}"
    values = experiment.plan[experiment.plan["sweep_point"] == point].iloc[0]
    return f"scenario {scenario}, " + plot.sweep_label(values, experiment.sweep_columns)


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
    fig, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.6 * rows), squeeze=False, sharex=True,
                             sharey=True)
    colours = policy_colours(experiment)
    for ax, firm in zip(axes.flat, firms):
        for policy in experiment.policies:
            line = band[(band["firm"] == firm) & (band["policy"] == policy)]
            if line.empty:
                continue
            ax.plot(line["tick"], line["mean"], color=colours[policy], label=policy)
            # No band from a single replication (the interval is NaN there, so nothing is drawn).
            ax.fill_between(line["tick"], line["low"], line["high"], color=colours[policy], alpha=0.2, linewidth=0)
        ax.set_title(experiment.firm_label(firm))
        ax.set_xlabel(f"tick ({experiment.attribute('tick_days')} days)")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        # Units that add nothing ("1", or the metric's own name) are left out.
        ax.set_ylabel(metric if units in ("", "1", metric) else f"{metric} [{units}]")
    for ax in axes.flat[len(firms):]:
        ax.set_visible(False)
    axes.flat[len(firms) - 1].legend(title="policy", fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1))
    banded = np.isfinite(band["high"]).any()
    fig.suptitle(f"{metric}: mean over replications{' with 95 % band' if banded else ''}, {title}")
    fig.tight_layout()  # cheaper than a constrained layout, and it keeps the legend in the figure
    save(fig, path)


def save(fig, path):
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
    rows = [(r.run, r.scenario, r.sweep_point, r.replication, r.policy, r.error or r.status)
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


def series_figures(experiment, metrics, units, outdir):
    if not metrics or experiment.runs.empty:
        return []
    series = experiment.results.timeseries(metrics)
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
        if len(experiment.policies) > 1:
            over_time = experiment.results.effects_over_time(metric)
            if np.isfinite(over_time["mean_difference"]).any():
                path = outdir / f"difference_{metric}.png"
                save(plot.differences_over_time(over_time, float(experiment.attrs.get("tick_days", 0)) or None), path)
                written.append(path)
    return written


def forest_figures(experiment, metrics, outdir):
    written = []
    if len(experiment.policies) < 2:
        return written
    for metric in metrics:
        effects = experiment.results.effects(metric)
        if effects.empty or (effects["n"] == 0).all():
            continue  # no replication where both policies completed: an empty plot would read as "no effect"
        relative = bool(np.isfinite(effects["relative"]).any())  # a metric whose baseline is 0 has none
        path = outdir / f"forest_{metric}.png"
        save(plot.forest(effects, relative=relative), path)
        written.append(path)
    return written


def tarp_figures(tarp, outdir):
    if tarp is None:
        return []
    horizons = sorted(pd.unique(tarp["horizon"]))
    written = []
    for horizon in horizons:
        path = outdir / ("tarp.png" if len(horizons) == 1 else f"tarp_h{horizon}.png")
        save(plot.tarp(tarp[tarp["horizon"] == horizon]), path)
        written.append(path)
    return written


def report(source, outdir, firm_names, requested_metrics, overwrite):
    experiment = Experiment(open_results(source), firm_names)
    units = series_columns(experiment)
    series_metrics, outcome_metrics = choose_metrics(requested_metrics, units, experiment.outcome_columns)
    prepare_outdir(outdir, overwrite)
    figures = series_figures(experiment, series_metrics, units, outdir)
    figures += forest_figures(experiment, outcome_metrics, outdir)
    tarp = pooled_tarp(experiment)
    figures += tarp_figures(tarp, outdir)
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
