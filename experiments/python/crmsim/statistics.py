"""Paired differences, their intervals and relative effects; Welch's unpaired interval.

The paired interval is the one crmsim's /comparisons uses (experiments/stats/
PairedComparison.cpp): pairs where either value is not finite are dropped, the interval is
Student's t of the mean difference, undefined (NaN) below two pairs."""
import math

import numpy as np
from scipy import stats

NAN = math.nan


def t_quantile(level, df):
    return stats.t.ppf(0.5 + level / 2.0, df)


def paired(policy, baseline, level=0.95):
    """Statistics of policy - baseline over the pairs where both are finite."""
    p, b = np.asarray(policy, dtype=float), np.asarray(baseline, dtype=float)
    keep = np.isfinite(p) & np.isfinite(b)
    p, b = p[keep], b[keep]
    d = p - b
    n = len(d)
    out = dict(n=n, baseline_mean=NAN, policy_mean=NAN, mean_difference=NAN, sd_difference=NAN,
               ci_low=NAN, ci_high=NAN, p_value=NAN, relative=NAN, relative_ci_low=NAN, relative_ci_high=NAN)
    if n == 0:
        return out
    out.update(baseline_mean=b.mean(), policy_mean=p.mean(), mean_difference=d.mean())
    if out["baseline_mean"] != 0:
        out["relative"] = out["mean_difference"] / out["baseline_mean"]
    if n < 2:
        return out
    sd = d.std(ddof=1)
    t = t_quantile(level, n - 1)
    half = t * sd / math.sqrt(n)
    out.update(sd_difference=sd, ci_low=out["mean_difference"] - half, ci_high=out["mean_difference"] + half,
               p_value=two_sided_p(out["mean_difference"], sd / math.sqrt(n), n - 1))
    out.update(relative_interval(d, b, t))
    return out


def relative_interval(d, b, t):
    """Interval of mean(d) / mean(b) by the delta method, with the covariance of the
    paired d and b: var(r) = (var d / mb^2 - 2 md cov(d, b) / mb^3 + md^2 var b / mb^4) / n."""
    mb, md, n = b.mean(), d.mean(), len(d)
    if mb == 0:
        return {}
    cov = np.cov(d, b, ddof=1)
    variance = (cov[0, 0] / mb ** 2 - 2 * md * cov[0, 1] / mb ** 3 + md ** 2 * cov[1, 1] / mb ** 4) / n
    half = t * math.sqrt(max(variance, 0.0))
    return dict(relative_ci_low=md / mb - half, relative_ci_high=md / mb + half)


def two_sided_p(mean, standard_error, df):
    if standard_error == 0:
        return 0.0 if mean != 0 else 1.0
    return float(2 * stats.t.sf(abs(mean / standard_error), df))


def mean_interval(values, level=0.95):
    """n, mean, sd and the t interval of the mean of the finite values."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = len(v)
    if n == 0:
        return dict(n=0, mean=NAN, sd=NAN, ci_low=NAN, ci_high=NAN, p_value=NAN)
    if n < 2:
        return dict(n=1, mean=v.mean(), sd=NAN, ci_low=NAN, ci_high=NAN, p_value=NAN)
    sd = v.std(ddof=1)
    half = t_quantile(level, n - 1) * sd / math.sqrt(n)
    return dict(n=n, mean=v.mean(), sd=sd, ci_low=v.mean() - half, ci_high=v.mean() + half,
                p_value=two_sided_p(v.mean(), sd / math.sqrt(n), n - 1))


def welch(a, b, level=0.95):
    """mean(a) - mean(b) with Welch's interval (unequal variances, Welch-Satterthwaite df)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    out = dict(n_a=len(a), n_b=len(b), difference=NAN, ci_low=NAN, ci_high=NAN, p_value=NAN, df=NAN)
    if len(a) == 0 or len(b) == 0:
        return out
    out["difference"] = a.mean() - b.mean()
    if len(a) < 2 or len(b) < 2:
        return out
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1)) if se > 0 else len(a) + len(b) - 2
    half = t_quantile(level, df) * se
    out.update(ci_low=out["difference"] - half, ci_high=out["difference"] + half,
               p_value=two_sided_p(out["difference"], se, df), df=df)
    return out


def wilson(successes, trials, level=0.95):
    """Share with its Wilson score interval (arrays; NaN where there are no trials)."""
    z = stats.norm.ppf(0.5 + level / 2.0)
    k, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denominator = 1 + z ** 2 / n
        centre = (p + z ** 2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / denominator
    # The interval contains p in exact arithmetic; at p = 0 or 1 rounding can put a bound a few
    # ulps on the wrong side (n = 10, all retained: high = p - 1.1e-16), which plots as a
    # negative error bar, so the bounds are clamped to p.
    low, high = np.minimum(centre - half, p), np.maximum(centre + half, p)
    empty = n == 0
    return (np.where(empty, NAN, p), np.where(empty, NAN, low), np.where(empty, NAN, high))
