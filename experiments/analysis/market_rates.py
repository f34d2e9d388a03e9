#!/usr/bin/python3
"""The yearly rates of a crmsim market, as the example configs' headers record them.

    experiments/analysis/market_rates.py RESULTS.h5 [--by scenario,policy]

Pooled over runs, ticks and firms (or per group of --by): a tick's churn hazard is leavers over
the customers the firms had at the start of the tick, h = sum switched_out / sum starting
customers, the mean of 1 - retention weighted by starting customers. A year is 365 / tick_days
ticks (52.14 weekly ticks), and the conversions are those of a constant hazard:

    annual retention  = (1 - h) ** ticks_per_year      annual churn = 1 - annual retention
    failures per customer-year = sum failures / sum starting customers * ticks_per_year
    complaints per failure     = sum complaints / sum failures
    churn after a failure      = sum churn_after_failure / sum switched_out

Also printed: drift and termination shares of churn, and the binomial standard errors the test
of the example markets (tests/integration/test_example_markets.cpp) uses."""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import crmsim  # noqa: E402


def rates(frame, ticks_per_year):
    """The pooled rates of one group of time-series rows (with a `start` column)."""
    start = frame["start"].sum()
    leavers = frame["switched_out"].sum()
    failures = frame["failures"].sum()
    h = leavers / start
    r_year = (1 - h) ** ticks_per_year
    # Delta method: d(1 - (1 - h)^k)/dh = k (1 - h)^(k - 1), binomial se of h.
    se_h = math.sqrt(h * (1 - h) / start)
    complaints = frame["complaints"].sum() / failures if failures else float("nan")
    return {
        "customer_ticks": int(start),
        "annual_churn": 1 - r_year,
        "annual_churn_se": ticks_per_year * (1 - h) ** (ticks_per_year - 1) * se_h,
        "annual_retention": r_year,
        "weekly_churn": h,
        "failures_per_customer_year": failures / start * ticks_per_year,
        "complaints_per_failure": complaints,
        "complaints_per_failure_se": math.sqrt(complaints * (1 - complaints) / failures) if failures else float("nan"),
        "churn_after_failure_share": frame["churn_after_failure"].sum() / leavers if leavers else float("nan"),
        "churn_drift_share": frame["churn_drift"].sum() / leavers if leavers else float("nan"),
        "churn_termination_share": frame["churn_termination"].sum() / leavers if leavers else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results")
    parser.add_argument("--by", default="", help="comma-separated columns to group by: scenario, policy, firm, year (ticks 0-51 are year 0)")
    args = parser.parse_args()
    res = crmsim.open(args.results)
    tick_days = float(res.attrs["tick_days"])
    ticks_per_year = 365.0 / tick_days
    columns = ["customers", "switched_out", "failures", "complaints", "churn_after_failure", "churn_drift",
               "churn_termination"]
    ts = res.timeseries(columns).sort_values(["run", "firm", "tick"])
    initial = res.summary.set_index(["run", "firm"])["initial_customers"]
    # Customers at the start of a tick: the row before's, or the run's initial ones at tick 0.
    ts["start"] = ts.groupby(["run", "firm"])["customers"].shift(1)
    first = ts["start"].isna()
    ts.loc[first, "start"] = [initial[(r, f)] for r, f in zip(ts.loc[first, "run"], ts.loc[first, "firm"])]
    by = [c for c in args.by.split(",") if c]
    ts["year"] = (ts["tick"] // round(ticks_per_year)).astype(int)
    groups = ts.groupby(by if len(by) > 1 else by[0]) if by else [("all", ts)]
    for key, frame in groups:
        r = rates(frame, ticks_per_year)
        print(f"{key if by else 'pooled'}: " + ", ".join(
            f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in r.items()))


if __name__ == "__main__":
    main()
