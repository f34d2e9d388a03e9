"""Figures for a paper, each drawn from the DataFrame it is given (what is plotted is what
the table says). Every function returns a matplotlib Figure; save it with fig.savefig.

Panels that compare share their axes, axes carry the metric's units, and legends sit
outside the plotting area so that they cover no data."""
import textwrap

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import statistics
from .tarp import OUTCOMES, SEVERITIES, TARP_1986


def _suptitle(fig, title):
    """The figure's title, its lines wrapped to the figure's width (a one-panel figure is
    narrower than a long title)."""
    characters = max(30, int(fig.get_figwidth() * 10))
    lines = [textwrap.fill(line, characters, break_long_words=False, break_on_hyphens=False)
             for line in title.split("\n")]
    fig.suptitle("\n".join(lines))


def metric_label(frame, metric, relative=False):
    """'profit [currency units]', or the relative effect in %."""
    if relative:
        return f"{metric}: relative effect [%]"
    units = frame.attrs.get("units", {}).get(metric, "")
    return metric if units in ("", "1", metric) else f"{metric} [{units}]"


def sweep_label(row, parameters, short=False):
    """'mechanisms.word_of_mouth.negative_reach = 0.05' for a row's sweep point (with
    `short`, the key's last part: 'negative_reach = 0.05', for panels; the figure's title
    then names the full keys)."""
    return ", ".join(f"{p.rsplit('.', 1)[-1] if short else p} = {row[p]:.4g}" for p in parameters)


def parameters_of(frame):
    """The swept parameters' columns of an effects table (named by config keys)."""
    return [c for c in frame.columns if "." in c]


def _interval(values, low, high):
    """errorbar's xerr/yerr for intervals [low, high] (NaN intervals: none drawn)."""
    values, low, high = (np.asarray(x, dtype=float) for x in (values, low, high))
    below, above = values - low, high - values
    return np.vstack([np.nan_to_num(below, nan=0.0), np.nan_to_num(above, nan=0.0)])


def _columns(relative):
    return ("relative", "relative_ci_low", "relative_ci_high") if relative else ("mean_difference", "ci_low",
                                                                                  "ci_high")


def forest(effects, relative=True, level=None):
    """Effects with their intervals, one row per policy (and firm and sweep point when there
    are several), one panel per scenario, panels sharing the x axis; a line marks no effect.
    Relative effects are shown in %."""
    if effects.empty:
        raise ValueError("forest: no effects to draw (a single policy, or no complete pairs)")
    metric = effects["metric"].iloc[0]
    parameters = parameters_of(effects)
    value, low, high = _columns(relative)
    scale = 100.0 if relative else 1.0
    scenarios = list(pd.unique(effects["scenario"])) if "scenario" in effects else [None]
    labels = _row_labels(effects, parameters)
    rows = list(pd.unique(labels))
    fig, axes = plt.subplots(1, len(scenarios), sharex=True, sharey=True, squeeze=False,
                             figsize=(3.2 + 3.2 * len(scenarios), 1.3 + (0.3 + 0.2 * len(parts_of(rows))) * len(rows)),
                             layout="constrained")
    for ax, scenario in zip(axes[0], scenarios):
        here = effects if scenario is None else effects[effects["scenario"] == scenario]
        y = np.array([rows.index(label) for label in labels[here.index]], dtype=float)
        v = here[value].to_numpy(dtype=float) * scale
        ax.errorbar(v, y, xerr=_interval(v, here[low] * scale, here[high] * scale), fmt="o", capsize=3,
                    color="C0", label=scenario)
        ax.axvline(0, color="0.4", linewidth=0.8, linestyle="--")
        ax.set_title(f"scenario {scenario}" if scenario is not None else "")
        ax.set_xlabel(metric_label(effects, metric, relative))
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].set_yticks(range(len(rows)), rows)
    axes[0][0].set_ylim(len(rows) - 0.5, -0.5)  # first row on top
    share = effects.attrs.get("level", level or 0.95)
    baseline = effects["baseline"].iloc[0] if "baseline" in effects else "baseline"
    measure = effects["measure"].iloc[0] if "measure" in effects else ""
    swept = f"\nswept: {', '.join(parameters)}" if parameters and effects["sweep_point"].nunique() > 1 else ""
    _suptitle(fig, f"{metric}, {measure}: policy − {baseline}, paired by replication, {share:.0%} CI{swept}")
    return fig


def parts_of(rows):
    """The lines of the longest row label."""
    return max((label.split("\n") for label in rows), key=len)


def _row_labels(effects, parameters):
    parts = [effects["policy"].astype(str)]
    if effects["firm"].nunique() > 1:
        parts[0] = parts[0] + ", " + effects["firm_name"].astype(str)
    if "sweep_point" in effects and effects["sweep_point"].nunique() > 1 and parameters:
        parts.append(effects.apply(lambda r: sweep_label(r, parameters, short=True), axis=1))
    label = parts[0]
    for p in parts[1:]:
        label = label + "\n" + p
    return label


def _series(rows, whole):
    """(label, rows) per line drawn: per policy, and per firm when `whole` has several."""
    label = rows["policy"].astype(str)
    if whole["firm"].nunique() > 1:
        label = label + " / " + rows["firm_name"].astype(str)
    return rows.groupby(label, sort=False)


def _series_title(whole):
    return "policy / firm" if whole["firm"].nunique() > 1 else "policy"


def effect_by_parameter(effects, parameter=None, relative=False):
    """The effect with its interval against a swept parameter's value, one line per policy
    (and firm), one panel per scenario sharing the y axis; the x axis is labelled with the
    parameter's config key and ticks at the swept values."""
    parameters = parameters_of(effects)
    if parameter is None:
        if len(parameters) != 1:
            raise ValueError(f"effect_by_parameter: name the parameter, one of {parameters}")
        parameter = parameters[0]
    if parameter not in effects:
        raise KeyError(f"effect_by_parameter: no swept parameter {parameter!r}; the effects have {parameters}")
    metric = effects["metric"].iloc[0]
    value, low, high = _columns(relative)
    scale = 100.0 if relative else 1.0
    scenarios = list(pd.unique(effects["scenario"]))
    fig, axes = plt.subplots(1, len(scenarios), sharex=True, sharey=True, squeeze=False,
                             figsize=(1.5 + 4 * len(scenarios), 4), layout="constrained")
    title = _series_title(effects)
    for ax, scenario in zip(axes[0], scenarios):
        here = effects[effects["scenario"] == scenario]
        for i, (name, line) in enumerate(_series(here, effects)):
            line = line.sort_values(parameter)
            x = line[parameter].to_numpy(dtype=float)
            v = line[value].to_numpy(dtype=float) * scale
            ax.errorbar(x, v, yerr=_interval(v, line[low] * scale, line[high] * scale), fmt="o-", capsize=3,
                        color=f"C{i}", label=name)
        ax.axhline(0, color="0.4", linewidth=0.8, linestyle="--")
        ax.set_xticks(sorted(pd.unique(here[parameter])))
        ax.set_xlabel(parameter)
        ax.set_title(f"scenario {scenario}")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(metric_label(effects, metric, relative) + (" (policy − baseline)" if not relative else ""))
    axes[0][-1].legend(title=title, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small")
    share = effects.attrs.get("level", 0.95)
    _suptitle(fig, f"{metric}, {effects['measure'].iloc[0]}: effect against {parameter} ({share:.0%} CI)")
    return fig


def differences_over_time(over_time, tick_days=None):
    """The paired difference policy − baseline per tick with its interval as a band, one
    line per policy, one panel per scenario (and sweep point), panels sharing both axes.
    `over_time` is Results.effects_over_time(metric, firm)."""
    if over_time.empty:
        raise ValueError("differences_over_time: nothing to draw")
    metric = over_time["metric"].iloc[0]
    parameters = parameters_of(over_time)
    scenarios = list(pd.unique(over_time["scenario"]))
    points = over_time[["sweep_point", *parameters]].drop_duplicates("sweep_point")
    fig, axes = plt.subplots(len(points), len(scenarios), sharex=True, sharey=True, squeeze=False,
                             figsize=(1.5 + 4 * len(scenarios), 0.8 + 3.0 * len(points)), layout="constrained")
    title = _series_title(over_time)
    swept = len(points) > 1 and parameters
    for i, (_, point) in enumerate(points.iterrows()):
        for j, scenario in enumerate(scenarios):
            ax = axes[i][j]
            here = over_time[(over_time["scenario"] == scenario) & (over_time["sweep_point"] == point["sweep_point"])]
            for k, (name, line) in enumerate(_series(here, over_time)):
                line = line.sort_values("tick")
                ax.plot(line["tick"], line["mean_difference"], color=f"C{k}", label=name)
                ax.fill_between(line["tick"], line["ci_low"], line["ci_high"], color=f"C{k}", alpha=0.25,
                                linewidth=0)
            ax.axhline(0, color="0.4", linewidth=0.8, linestyle="--")
            heading = f"scenario {scenario}" + (f"\n{sweep_label(point, parameters, short=True)}" if swept else "")
            ax.set_title(heading, fontsize="medium")
            ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("tick" + (f" ({tick_days:g} days)" if tick_days else ""))
    for ax in axes[:, 0]:
        ax.set_ylabel(metric_label(over_time, metric) + "\npolicy − baseline")
    axes[0][-1].legend(title=title, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small")
    share = over_time.attrs.get("level", 0.95)
    baseline = over_time["baseline"].iloc[0]
    keys = f"\nswept: {', '.join(parameters)}" if swept else ""
    _suptitle(fig, f"{metric}: paired difference policy − {baseline} per tick, {share:.0%} CI{keys}")
    return fig


def tarp_table(pooled, firm=None):
    """The pooled TARP table (Results.tarp(pooled=True)) for one firm, or summed over the
    firms, with Wilson intervals: what tarp() draws."""
    rows = pooled if firm is None else pooled[(pooled["firm"] == firm) | (pooled["firm_name"] == firm)]
    keys = [c for c in ("scenario", "policy", "horizon") if c in rows] + ["severity", "outcome"]
    out = rows.groupby(keys, sort=False)[["customers", "retained"]].sum().reset_index()
    out["share"], out["ci_low"], out["ci_high"] = statistics.wilson(out["retained"], out["customers"])
    out["published"] = [TARP_1986.get(g, np.nan) if h == 1 else np.nan
                        for g, h in zip(zip(out["severity"], out["outcome"]), out["horizon"])]
    return out


def tarp(pooled, firm=None):
    """One figure: the simulated TARP table (share still buying after a failure, by
    severity and outcome, Wilson intervals), a panel per scenario (rows) and policy
    (columns), sharing the y axis [0, 1], with the published TARP 1986 share beside each
    group (at horizon 1, where the two measure the same thing)."""
    table = tarp_table(pooled, firm)
    scenarios = list(pd.unique(table["scenario"]))
    policies = list(pd.unique(table["policy"]))
    groups = [(s, o) for s in SEVERITIES for o in OUTCOMES]
    x = np.arange(len(groups))
    fig, axes = plt.subplots(len(scenarios), len(policies), sharex=True, sharey=True, squeeze=False,
                             figsize=(1.8 + 4.6 * len(policies), 0.8 + 2.8 * len(scenarios)), layout="constrained")
    for i, scenario in enumerate(scenarios):
        for j, policy in enumerate(policies):
            ax = axes[i][j]
            here = table[(table["scenario"] == scenario) & (table["policy"] == policy)]
            here = here.set_index(["severity", "outcome"]).reindex(groups)
            share = here["share"].to_numpy(dtype=float)
            ax.bar(x - 0.2, here["published"].to_numpy(dtype=float), 0.4, color="0.65", label="TARP 1986")
            ax.bar(x + 0.2, share, 0.4, color="C0", label="simulated",
                   yerr=_interval(share, here["ci_low"], here["ci_high"]), capsize=2)
            ax.set_title(f"{scenario} / {policy}", fontsize="medium")
            ax.set_ylim(0, 1.0)
            ax.grid(axis="y", alpha=0.3)
    for ax in axes[-1]:
        ax.set_xticks(x, [f"{s}\n{o.replace('_', chr(10))}" for s, o in groups], fontsize="x-small")
    for ax in axes[:, 0]:
        ax.set_ylabel("share still buying [fraction]")
    axes[0][-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="small")
    who = "all firms" if firm is None else f"firm {firm}"
    _suptitle(fig, f"Repurchase after a failure, simulated ({who}, Wilson 95 % CI) beside TARP 1986")
    return fig


def close(fig):
    """Frees a figure made here (pyplot keeps every figure until closed)."""
    plt.close(fig)


__all__ = ["forest", "effect_by_parameter", "differences_over_time", "tarp", "tarp_table", "close"]
_ = matplotlib  # the backend is the user's (inline in a notebook, Agg without a display)
