#!/usr/bin/python3
"""Tests the crmsim Python package (experiments/python/crmsim) on real results files.

Run by ctest (Analysis.Package) with CRMSIM_BINARY (the crmsim executable) and
CRMSIM_SOURCE_DIR (the repository) in the environment; by hand:

    CRMSIM_BINARY=build/crmsim CRMSIM_SOURCE_DIR=. /usr/bin/python3 tests/analysis/test_package.py

Statistics are checked against independent computations (numpy and scipy.stats on the raw
h5py datasets) and against crmsim's own /comparisons table, to floating-point tolerance.
"""
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import matplotlib
import numpy as np
from scipy import stats

matplotlib.use("Agg")
SOURCE_DIR = Path(os.environ.get("CRMSIM_SOURCE_DIR", Path(__file__).resolve().parents[2])).resolve()
sys.path.insert(0, str(SOURCE_DIR / "experiments" / "python"))
import crmsim  # noqa: E402
from crmsim import plot  # noqa: E402

SWEPT = "mechanisms.word_of_mouth.negative_reach"
CONFIG = f"""\
experiment: {{name: package-test, seed: 11, ticks: 10, replications: 3}}
population: {{size: 3000}}
firms:
  - {{name: attentive, recovery: {{quick: 0.5, slow: 0.3}}}}
  - {{name: rival, recovery: {{quick: 0.2, slow: 0.3}}}}
scenarios:
  - name: calm
  - name: fragile
    set: {{firms.0.failure_rate: 0.2, firms.1.failure_rate: 0.2}}
policies:
  - {{name: baseline, baseline: true}}
  - {{name: fast-recovery, set: {{firms.0.recovery.quick: 0.8, firms.0.recovery.slow: 0.15}}}}
sweep:
  method: grid
  parameters:
    - {{key: {SWEPT}, low: 0.05, high: 0.2, steps: 2}}
output: {{snapshot_every: 5, transaction_log: true}}
"""
# The 15 metrics crmsim compares in /comparisons.
COMPARED = ("final_customers", "switched_out", "failures", "complaints", "revenue", "recovery_cost", "profit",
            "final_mean_satisfaction", "negative_stories", "positive_stories", "acquired", "terminated",
            "won_back", "final_customer_equity", "initial_customers")


def raw_table(f, name):
    return {k: np.array([x.decode() if isinstance(x, bytes) else x for x in v[()]]) if v.dtype == object
            else v[()] for k, v in f[name].items()}


class Experiment:
    """The test experiment, run once (by crmsim.run) for every test class."""
    tmp = None

    @classmethod
    def get(cls):
        if cls.tmp is None:
            if not os.environ.get("CRMSIM_BINARY"):
                raise RuntimeError("set CRMSIM_BINARY to the crmsim executable (ctest does)")
            cls.tmp = tempfile.TemporaryDirectory()
            cls.dir = Path(cls.tmp.name)
            (cls.dir / "experiment.yaml").write_text(CONFIG)
            cls.stderr = io.StringIO()
            with contextlib.redirect_stderr(cls.stderr), contextlib.redirect_stdout(io.StringIO()):
                cls.res = crmsim.run(cls.dir / "experiment.yaml", output=cls.dir / "results.h5", jobs=2)
            with h5py.File(cls.res.path, "r") as f:
                cls.plan, cls.summary = raw_table(f, "plan"), raw_table(f, "summary")
                cls.comparisons = raw_table(f, "comparisons")
                cls.series = {int(r): raw_table(f, f"runs/{r}/timeseries") for r in cls.plan["run_id"]}
        return cls


class PackageTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        e = Experiment.get()
        cls.dir, cls.stderr, cls.res = e.dir, e.stderr, e.res
        cls.plan, cls.summary, cls.comparisons, cls.series = e.plan, e.summary, e.comparisons, e.series

    def runs_of(self, **where):
        keep = np.ones(len(self.plan["run_id"]), bool)
        for k, v in where.items():
            keep &= self.plan[k] == v
        return {int(r): i for i, r in enumerate(self.plan["run_id"]) if keep[i]}

    def summary_value(self, run, firm, metric):
        rows = (self.summary["run_id"] == run) & (self.summary["firm"] == firm)
        return float(self.summary[metric][rows][0])

    def replication_values(self, metric, scenario, point, policy, firm, at=None):
        """{replication: value} from the raw datasets: /summary, or the time series at a tick
        (`at` an int) or its mean over ticks (`at` a (first, last) pair)."""
        out = {}
        for run, i in self.runs_of(scenario=scenario, sweep_point=point, policy=policy).items():
            replication = int(self.plan["replication"][i])
            if at is None:
                out[replication] = self.summary_value(run, firm, metric)
                continue
            s = self.series[run]
            rows = s["firm"] == firm
            if isinstance(at, int):
                rows &= s["tick"] == at
            else:
                rows &= (s["tick"] >= at[0]) & (s["tick"] <= at[1])
            out[replication] = float(np.mean(s[metric][rows]))
        return out

    def paired_differences(self, metric, scenario, point, firm, at=None, policy="fast-recovery"):
        p = self.replication_values(metric, scenario, point, policy, firm, at)
        b = self.replication_values(metric, scenario, point, "baseline", firm, at)
        return np.array([p[r] - b[r] for r in sorted(p)]), np.array([b[r] for r in sorted(p)])


class Import(unittest.TestCase):
    def test_the_set_up_script_makes_crmsim_importable_from_any_folder(self):
        with tempfile.TemporaryDirectory() as site:
            env = {**os.environ, "CRMSIM_PYTHON_SITE": site, "CRMSIM_PYTHON": sys.executable}
            done = subprocess.run(["bash", str(SOURCE_DIR / ".ci" / "python-path.sh")], env=env,
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            pth = Path(site) / "crmsim.pth"
            self.assertEqual(pth.read_text().strip(), str((SOURCE_DIR / "experiments" / "python").resolve()))
            # A fresh interpreter, in another folder, with no PYTHONPATH, that reads the site
            # folder as Python reads its own (site.addsitedir processes .pth files).
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
            check = subprocess.run([sys.executable, "-c", f"import site; site.addsitedir({site!r}); "
                                    "import crmsim; print(crmsim.__file__)"], cwd="/", env=env,
                                   capture_output=True, text=True, timeout=60)
            self.assertEqual(check.returncode, 0, check.stderr)
            self.assertEqual(Path(check.stdout.strip()).resolve(),
                             (SOURCE_DIR / "experiments" / "python" / "crmsim" / "__init__.py").resolve())

    def test_without_the_right_to_write_it_says_what_to_set(self):
        with tempfile.TemporaryDirectory() as folder:
            blocked = Path(folder) / "file"
            blocked.write_text("")  # a file where the site folder should be: cannot be written
            env = {**os.environ, "CRMSIM_PYTHON_SITE": str(blocked / "site"), "CRMSIM_PYTHON": sys.executable}
            done = subprocess.run(["bash", str(SOURCE_DIR / ".ci" / "python-path.sh")], env=env,
                                  capture_output=True, text=True, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn(f"export PYTHONPATH={SOURCE_DIR.resolve()}/experiments/python", done.stderr)


class Run(PackageTestCase):
    def test_returns_the_results_and_showed_progress(self):
        self.assertIsInstance(self.res, crmsim.Results)
        self.assertEqual(len(self.res.plan), 2 * 2 * 3 * 2)
        self.assertIn("runs done", self.stderr.getvalue())

    def test_set_seed_and_jobs_reach_the_command_line(self):
        out = self.dir / "small.h5"
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            small = crmsim.run(self.dir / "experiment.yaml", output=out, seed=5, jobs=1, progress=False,
                               set={"population.size": 500, "experiment.replications": 1, "sweep.parameters.0.steps": 2,
                                    "mechanisms.word_of_mouth.enabled": True})
        self.assertEqual(int(small.attrs["seed"]), 5)
        self.assertEqual(int(small.summary.groupby("run")["initial_customers"].sum().iloc[0]), 500)
        self.assertEqual(len(small.plan), 2 * 2 * 1 * 2)
        with self.assertRaises(crmsim.CrmsimError) as refused:  # an existing output needs overwrite=True
            crmsim.run(self.dir / "experiment.yaml", output=out, progress=False)
        self.assertEqual(refused.exception.status, 2)

    def test_a_bad_config_raises_with_the_command_lines_message(self):
        out = self.dir / "never.h5"
        with self.assertRaises(crmsim.CrmsimError) as raised:
            crmsim.run(self.dir / "experiment.yaml", output=out, set={"firms.0.failure_rat": 0.1}, progress=False)
        self.assertEqual(raised.exception.status, 2)
        self.assertIn("firms.0.failure_rat", str(raised.exception))
        self.assertIn("did you mean 'failure_rate'", str(raised.exception))
        self.assertFalse(out.exists())

    def test_the_binary_comes_from_crmsim_binary(self):
        saved = os.environ["CRMSIM_BINARY"]
        try:
            os.environ["CRMSIM_BINARY"] = str(self.dir / "no-such-crmsim")
            with self.assertRaises(crmsim.CrmsimError) as raised:
                crmsim.run(self.dir / "experiment.yaml", output=self.dir / "x.h5", progress=False)
            self.assertIn("no-such-crmsim", str(raised.exception))
        finally:
            os.environ["CRMSIM_BINARY"] = saved


class Tables(PackageTestCase):
    def test_plan_and_summary_carry_the_coordinates_and_the_swept_parameter(self):
        self.assertEqual(self.res.parameters, [SWEPT])
        self.assertEqual(self.res.baseline, "baseline")
        self.assertEqual(self.res.firms, ["attentive", "rival"])
        s = self.res.summary
        self.assertEqual(list(s.columns[:6]), ["run", "scenario", "sweep_point", SWEPT, "policy", "replication"])
        self.assertEqual(sorted(s[SWEPT].unique()), [0.05, 0.2])
        row = s[(s["run"] == 5) & (s["firm"] == 1)].iloc[0]
        i = list(self.plan["run_id"]).index(5)
        self.assertEqual(row["scenario"], self.plan["scenario"][i])
        self.assertEqual(row["policy"], self.plan["policy"][i])
        self.assertEqual(row["profit"], self.summary_value(5, 1, "profit"))

    def test_timeseries_in_long_form(self):
        ts = self.res.timeseries(["customers", "profit"])
        self.assertEqual(len(ts), 24 * 10 * 2)  # runs x ticks x firms
        self.assertEqual(list(ts.columns), [*self.res.coordinates, "tick", "firm", "firm_name", "customers", "profit"])
        one = ts[(ts["run"] == 7) & (ts["firm"] == 0)].sort_values("tick")
        raw = self.series[7]
        np.testing.assert_array_equal(one["profit"], raw["profit"][raw["firm"] == 0])
        self.assertEqual(set(ts.loc[ts["firm"] == 1, "firm_name"]), {"rival"})
        everything = self.res.timeseries(runs=[0])
        self.assertIn("customer_equity", everything.columns)
        self.assertEqual(ts.attrs["units"]["profit"], "currency units")

    def test_units_and_descriptions_come_from_the_file(self):
        with h5py.File(self.res.path, "r") as f:
            for column in ("profit", "mean_satisfaction", "final_customers"):
                group = "runs/0/timeseries" if column in f["runs/0/timeseries"] else "summary"
                self.assertEqual(self.res.units[column], f[group][column].attrs["units"])
                self.assertEqual(self.res.descriptions[column], f[group][column].attrs["description"])

    def test_tarp_snapshots_and_transactions(self):
        tarp = self.res.tarp()
        self.assertEqual(set(tarp["outcome"]), {"silent", "unresolved", "resolved", "resolved_quickly"})
        pooled = self.res.tarp(pooled=True)
        row = pooled[(pooled["scenario"] == "calm") & (pooled["policy"] == "baseline") & (pooled["firm"] == 0)
                     & (pooled["severity"] == "minor") & (pooled["outcome"] == "silent")].iloc[0]
        raw = tarp[(tarp["scenario"] == "calm") & (tarp["policy"] == "baseline") & (tarp["firm"] == 0)
                   & (tarp["severity"] == "minor") & (tarp["outcome"] == "silent")]
        self.assertEqual(row["customers"], raw["customers"].sum())
        self.assertEqual(row["runs"], 6)  # 3 replications x 2 sweep points
        self.assertAlmostEqual(row["share"], raw["retained"].sum() / raw["customers"].sum())
        self.assertEqual(row["published"], 0.37)
        snap = self.res.snapshots(0)
        self.assertEqual(snap.attrs["tick"], 9)
        self.assertEqual(len(snap), 3000)
        self.assertEqual(int((snap["firm"] == 0).sum()), int(self.summary_value(0, 0, "final_customers")))
        self.assertEqual(self.res.snapshots(0, tick=4).attrs["tick"], 4)
        tx = self.res.transactions(0)
        self.assertEqual(list(tx.columns), ["run", "customer", "tick", "firm", "purchases", "amount"])
        revenue = tx[(tx["tick"] == 3) & (tx["firm"] == 0)]["amount"].sum()
        raw = self.series[0]
        self.assertAlmostEqual(revenue, raw["revenue"][(raw["tick"] == 3) & (raw["firm"] == 0)][0], delta=1e-6 * revenue)


class Effects(PackageTestCase):
    def test_every_compared_metric_equals_crmsims_comparisons(self):
        c = self.comparisons
        compared = sorted(set(c["metric"]))
        self.assertEqual(sorted(COMPARED), compared)
        for metric in compared:
            effects = self.res.effects(metric)
            for k in np.flatnonzero(c["metric"] == metric):
                row = effects[(effects["scenario"] == c["scenario"][k]) & (effects["sweep_point"] == c["sweep_point"][k])
                              & (effects["policy"] == c["policy"][k]) & (effects["firm"] == c["firm"][k])]
                self.assertEqual(len(row), 1)
                # Means and sd to rounding; the interval through a t quantile that Boost
                # (crmsim) and scipy compute to about 1e-9 relative.
                for column, rtol in (("n", 0), ("baseline_mean", 1e-12), ("policy_mean", 1e-12),
                                     ("mean_difference", 1e-12), ("sd_difference", 1e-12), ("ci_low", 1e-7),
                                     ("ci_high", 1e-7)):
                    with self.subTest(metric=metric, row=int(k), column=column):
                        scale = abs(c["baseline_mean"][k]) if np.isfinite(c["baseline_mean"][k]) else 1.0
                        np.testing.assert_allclose(row[column].iloc[0], c[column][k], rtol=rtol,
                                                   atol=1e-12 * (1 + scale), equal_nan=True)

    def check_paired(self, row, d, b):
        n = len(d)
        self.assertEqual(row["n"], n)
        self.assertAlmostEqual(row["mean_difference"], d.mean(), delta=1e-9 * (1 + abs(d.mean())))
        low, high = stats.t.interval(0.95, n - 1, loc=d.mean(), scale=stats.sem(d))
        self.assertAlmostEqual(row["ci_low"], low, delta=1e-9 * (1 + abs(low)))
        self.assertAlmostEqual(row["ci_high"], high, delta=1e-9 * (1 + abs(high)))
        self.assertAlmostEqual(row["p_value"], stats.ttest_1samp(d, 0).pvalue, places=9)
        self.assertAlmostEqual(row["relative"], d.mean() / b.mean(), places=12)

    def test_a_time_series_column_at_a_tick(self):
        effects = self.res.effects("mean_satisfaction", firm="attentive", tick=6)
        self.assertEqual(len(effects), 4)  # 2 scenarios x 2 sweep points, one firm
        row = effects[(effects["scenario"] == "fragile") & (effects["sweep_point"] == 1)].iloc[0]
        self.assertEqual(row[SWEPT], 0.2)
        self.check_paired(row, *self.paired_differences("mean_satisfaction", "fragile", 1, 0, at=6))

    def test_a_column_averaged_over_a_window(self):
        effects = self.res.effects("churn_after_failure", window=(3, 8))
        row = effects[(effects["scenario"] == "calm") & (effects["sweep_point"] == 0) & (effects["firm"] == 1)].iloc[0]
        self.check_paired(row, *self.paired_differences("churn_after_failure", "calm", 0, 1, at=(3, 8)))
        self.assertEqual(row["measure"], "mean over ticks 3-8")

    def test_without_a_tick_a_time_series_column_is_its_last_tick(self):
        effects = self.res.effects("customers", firm=0)
        compared = self.res.effects("final_customers", firm=0)
        np.testing.assert_allclose(effects["mean_difference"], compared["mean_difference"])

    def test_relative_interval_by_the_delta_method(self):
        effects = self.res.effects("revenue", firm=0)
        row = effects[(effects["scenario"] == "calm") & (effects["sweep_point"] == 0)].iloc[0]
        d, b = self.paired_differences("revenue", "calm", 0, 0)
        n, mb, md = len(d), b.mean(), d.mean()
        cov = np.cov(d, b)
        se = np.sqrt((cov[0, 0] / mb ** 2 - 2 * md * cov[0, 1] / mb ** 3 + md ** 2 * cov[1, 1] / mb ** 4) / n)
        half = stats.t.ppf(0.975, n - 1) * se
        self.assertAlmostEqual(row["relative_ci_low"], md / mb - half, places=12)
        self.assertAlmostEqual(row["relative_ci_high"], md / mb + half, places=12)
        # With a baseline that does not vary it is the absolute interval over the baseline.
        self.assertLess(row["relative_ci_low"], row["relative"])
        self.assertGreater(row["relative_ci_high"], row["relative"])

    def test_pooled_over_sweep_points_with_by(self):
        effects = self.res.effects("profit", firm=0, by=["scenario"])
        self.assertEqual(len(effects), 2)
        row = effects[effects["scenario"] == "calm"].iloc[0]
        d = np.concatenate([self.paired_differences("profit", "calm", p, 0)[0] for p in (0, 1)])
        self.assertEqual(row["n"], 6)
        self.assertAlmostEqual(row["mean_difference"], d.mean(), delta=1e-9 * abs(d.mean()))


class Contrasts(PackageTestCase):
    def test_unpaired_when_scenarios_have_their_own_streams(self):
        self.assertFalse(self.res.streams_shared("fragile", "calm"))
        contrast = self.res.contrast("profit", firm="attentive", scenarios=("fragile", "calm"))
        row = contrast[contrast["sweep_point"] == 1].iloc[0]
        self.assertEqual(row["pairing"], "welch")
        a, _ = self.paired_differences("profit", "fragile", 1, 0)
        b, _ = self.paired_differences("profit", "calm", 1, 0)
        welch = stats.ttest_ind(a, b, equal_var=False)
        self.assertAlmostEqual(row["difference"], a.mean() - b.mean(), delta=1e-9 * abs(a.mean() - b.mean()))
        self.assertAlmostEqual(row["p_value"], welch.pvalue, places=9)
        va, vb = a.var(ddof=1) / 3, b.var(ddof=1) / 3
        df = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 2)
        half = stats.t.ppf(0.975, df) * np.sqrt(va + vb)
        self.assertAlmostEqual(row["ci_low"], a.mean() - b.mean() - half, delta=1e-6 * half)
        self.assertEqual(row["effect_a"], self.res.effects("profit", firm=0).query(
            "scenario == 'fragile' and sweep_point == 1")["mean_difference"].iloc[0])

    def test_paired_when_the_plan_says_the_streams_are_shared(self):
        # The same file with the plan's stream keys made equal across scenarios, as with
        # common random numbers across scenarios (scenario 'fragile' takes calm's keys).
        shared = self.dir / "shared.h5"
        shutil.copy(self.res.path, shared)
        with h5py.File(shared, "r+") as f:
            plan = raw_table(f, "plan")
            keys = plan["stream_key"].copy()
            for i in range(len(keys)):
                twin = np.flatnonzero((plan["scenario"] == "calm") & (plan["sweep_point"] == plan["sweep_point"][i])
                                      & (plan["replication"] == plan["replication"][i]) & (plan["policy"] == plan["policy"][i]))
                keys[i] = plan["stream_key"][twin[0]]
            f["plan/stream_key"][...] = keys
        res = crmsim.open(shared)
        self.assertTrue(res.streams_shared("fragile", "calm"))
        row = res.contrast("profit", firm=0, scenarios=("fragile", "calm")).query("sweep_point == 0").iloc[0]
        self.assertEqual(row["pairing"], "paired")
        a, _ = self.paired_differences("profit", "fragile", 0, 0)
        b, _ = self.paired_differences("profit", "calm", 0, 0)
        paired = stats.ttest_rel(a, b)
        self.assertAlmostEqual(row["p_value"], paired.pvalue, places=9)
        low, high = stats.t.interval(0.95, 2, loc=(a - b).mean(), scale=stats.sem(a - b))
        self.assertAlmostEqual(row["ci_low"], low, delta=1e-9 * (1 + abs(low)))
        self.assertAlmostEqual(row["ci_high"], high, delta=1e-9 * (1 + abs(high)))

    def test_contrast_between_sweep_points(self):
        row = self.res.contrast("profit", firm=0, sweep_points=(1, 0)).query("scenario == 'calm'").iloc[0]
        a, _ = self.paired_differences("profit", "calm", 1, 0)
        b, _ = self.paired_differences("profit", "calm", 0, 0)
        self.assertAlmostEqual(row["difference"], a.mean() - b.mean(), delta=1e-9 * abs(a.mean() - b.mean()))
        self.assertEqual(row["pairing"], "welch")  # each sweep point has its own streams


class LayoutVariants(PackageTestCase):
    """Files from other crmsim versions: a `columns` attribute that is an array of strings
    rather than one comma-joined string, and unsigned stream keys."""

    def test_reads_both_layouts_alike(self):
        variant = self.dir / "variant.h5"
        shutil.copy(self.res.path, variant)
        with h5py.File(variant, "r+") as f:
            for r in self.plan["run_id"]:  # each layout of `columns` becomes the other
                group = f[f"runs/{r}/timeseries"]
                names = group.attrs["columns"]
                if isinstance(names, (bytes, str)):
                    names = names.decode() if isinstance(names, bytes) else names
                    group.attrs["columns"] = np.array(names.split(","), dtype=h5py.string_dtype())
                else:
                    group.attrs["columns"] = ",".join(n.decode() if isinstance(n, bytes) else n for n in names)
            keys = f["plan/stream_key"][()].astype(np.uint64)
            del f["plan/stream_key"]
            f["plan/stream_key"] = keys
        res = crmsim.open(variant)
        with h5py.File(variant, "r") as f:
            self.assertNotEqual(type(f["runs/0/timeseries"].attrs["columns"]),
                                type(h5py.File(self.res.path, "r")["runs/0/timeseries"].attrs["columns"]))
        columns = list(res.timeseries(runs=[0]).columns)
        self.assertEqual(columns, list(self.res.timeseries(runs=[0]).columns))
        self.assertEqual(columns[columns.index("tick"):columns.index("tick") + 5],
                         ["tick", "firm", "firm_name", "customers", "switched_out"])  # the file's order
        np.testing.assert_array_equal(res.plan["stream_key"].astype(np.uint64),
                                      self.res.plan["stream_key"].astype(np.uint64))
        self.assertFalse(res.streams_shared("fragile", "calm"))
        self.assertTrue(res.effects("profit").equals(self.res.effects("profit")))

    def test_not_a_results_file(self):
        other = self.dir / "other.h5"
        with h5py.File(other, "w") as f:
            f.attrs["format"] = "else"
        for path, says in ((other, "not a crmsim results file"), (self.dir / "none.h5", "no such file"),
                           (self.dir / "experiment.yaml", "not an HDF5 file")):
            with self.assertRaises(crmsim.CrmsimError) as raised:
                crmsim.open(path)
            self.assertIn(says, str(raised.exception))


class ReadmeExample(unittest.TestCase):
    """The README's first study in Python, run as written (smaller: 2,000 customers) in a
    scratch folder that has the repository's configs/."""

    def test_runs_as_written(self):
        readme = (SOURCE_DIR / "README.md").read_text()
        section = readme.split("## A first study in Python", 1)[1].split("\n## ", 1)[0]
        script = section.split("```python\n", 1)[1].split("```", 1)[0]
        self.assertIn('"population.size": 20000', script)
        script = script.replace('"population.size": 20000', '"population.size": 2000')
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "configs").symlink_to(SOURCE_DIR / "configs")
            env = {**os.environ, "PYTHONPATH": str(SOURCE_DIR / "experiments" / "python"), "MPLBACKEND": "Agg"}
            done = subprocess.run([sys.executable, "-c", script], cwd=folder, env=env, capture_output=True,
                                  text=True, timeout=240)
            self.assertEqual(done.returncode, 0, done.stderr[-3000:])
            self.assertTrue((Path(folder) / "results" / "forest.png").is_file())
            self.assertTrue((Path(folder) / "results" / "recovery.h5").is_file())


def errorbar_data(ax):
    """(x, y, low, high) of each errorbar drawn on `ax`, from the artists."""
    out = []
    for container in ax.containers:
        if not isinstance(container, matplotlib.container.ErrorbarContainer):
            continue
        line, _, (bars,) = container.lines
        segments = np.array(bars.get_segments())
        out.append((np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float), segments))
    return out


class SensitivityAndCalibration(unittest.TestCase):
    """res.sensitivity() and crmsim.open_fit against the raw datasets of real files."""
    DESIGN = """\
experiment: {name: package-sensitivity, seed: 3, ticks: 6}
population: {size: 500}
firms: [{name: a}, {name: b}]
sweep:
  method: saltelli
  points: 8
  parameters:
    - {key: firms.0.failure_rate, low: 0.05, high: 0.15}
    - {key: firms.0.recovery.quick, low: 0.2, high: 0.6}
  outputs:
    - {metric: final_customers}
    - {column: complaints, per: failures, from: 0, to: 5}
  bootstrap: {resamples: 100}
"""
    FIT = """\
experiment: {name: package-fit, seed: 3, ticks: 6, replications: 2}
population: {size: 500}
firms: [{name: a}, {name: b}]
calibration:
  parameters:
    - {key: firms.0.failure_rate, low: 0.02, high: 0.3, start: 0.25}
  max_trials: 12
"""

    def setUp(self):
        if not os.environ.get("CRMSIM_BINARY"):
            raise RuntimeError("set CRMSIM_BINARY to the crmsim executable (ctest does)")
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def test_sensitivity_is_the_files_table_tidy(self):
        (self.dir / "design.yaml").write_text(self.DESIGN)
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            res = crmsim.run(self.dir / "design.yaml", output=self.dir / "design.h5", progress=False)
        table = res.sensitivity()
        with h5py.File(res.path, "r") as f:
            raw = raw_table(f, "sensitivity")
            self.assertEqual(table.attrs["bootstrap_resamples"], f["sensitivity"].attrs["bootstrap_resamples"])
        self.assertEqual(len(table), len(raw["estimate"]))
        for column in ("method", "output", "firm_name", "parameter", "index"):
            self.assertEqual(list(table[column]), list(raw[column]), column)
        np.testing.assert_array_equal(table["estimate"].to_numpy(), raw["estimate"])
        # 2 outputs x 2 firms x 2 parameters x (S1, ST), the ratio output named as the docs say.
        first_order = table[table["index"] == "S1"]
        self.assertEqual(len(first_order), 8)
        self.assertEqual(set(table["output"]), {"final_customers", "complaints/failures@0..5"})
        self.assertEqual(set(table["method"]), {"saltelli"})
        self.assertTrue((table["ci_low"] <= table["ci_high"]).all())
        self.assertEqual(table.attrs["common_random_numbers"], "true")

    def test_no_sensitivity_table_is_an_error_that_says_why(self):
        res = Experiment.get().res
        with self.assertRaisesRegex(crmsim.CrmsimError, "no /sensitivity table"):
            res.sensitivity()

    def test_a_fit_reads_as_tables(self):
        (self.dir / "fit.yaml").write_text(self.FIT)
        (self.dir / "targets.yaml").write_text(
            "targets:\n  - {column: customers, per: market, tick: 5, firm: a, value: 0.48, sd: 0.01}\n")
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            made = crmsim.calibrate(self.dir / "fit.yaml", self.dir / "targets.yaml", output=self.dir / "fit.h5",
                                    progress=False)
        fit = crmsim.open_fit(self.dir / "fit.h5")
        np.testing.assert_array_equal(made.fit["estimate"].to_numpy(), fit.fit["estimate"].to_numpy())
        with h5py.File(self.dir / "fit.h5", "r") as f:
            trials = raw_table(f, "calibration/trials")
            estimate = f["calibration/fit/estimate"][0]
            self.assertEqual(fit.converged, f["calibration"].attrs["converged"] in ("true", b"true"))
        self.assertEqual(list(fit.fit["parameter"]), ["firms.0.failure_rate"])
        self.assertEqual(fit.fit["estimate"][0], estimate)
        self.assertEqual(len(fit.trials), len(trials["objective"]))
        np.testing.assert_array_equal(fit.trials["objective"].to_numpy(), trials["objective"])
        self.assertEqual(fit.trials["phase"].iloc[0], "search")
        self.assertEqual(fit.trials["firms.0.failure_rate"].iloc[0], 0.25)
        self.assertEqual(list(fit.targets["output"]), ["customers/market@5"])
        self.assertIn("customers, per: market", fit.attrs["targets"])
        self.assertEqual(fit.provenance["format"], "crmsim-results")
        with self.assertRaisesRegex(crmsim.CrmsimError, "no /calibration group"):
            crmsim.open_fit(Experiment.get().res.path)

    def test_calibrate_raises_crmsims_message_and_writes_nothing(self):
        (self.dir / "fit.yaml").write_text(self.FIT)
        (self.dir / "targets.yaml").write_text("targets:\n  - {column: customers, tick: 5, firm: a, value: 0.48}\n")
        with self.assertRaisesRegex(crmsim.CrmsimError, "targets.yaml.*sd") as caught:
            crmsim.calibrate(self.dir / "fit.yaml", self.dir / "targets.yaml", output=self.dir / "fit.h5",
                             progress=False)
        self.assertEqual(caught.exception.status, 2)
        self.assertFalse((self.dir / "fit.h5").exists())


class Figures(PackageTestCase):
    """What each figure plots equals what the tables say."""

    def test_forest_plots_the_relative_effects_and_intervals(self):
        effects = self.res.effects("profit")
        fig = plot.forest(effects)
        try:
            axes = [ax for ax in fig.axes if ax.get_visible()]
            self.assertEqual([ax.get_title() for ax in axes], ["scenario calm", "scenario fragile"])
            self.assertIs(axes[0].get_shared_x_axes().joined(axes[0], axes[1]), True)
            for ax, scenario in zip(axes, ("calm", "fragile")):
                (x, y, segments), = errorbar_data(ax)
                here = effects[effects["scenario"] == scenario]
                np.testing.assert_allclose(x, here["relative"] * 100)
                np.testing.assert_allclose(segments[:, 0, 0], here["relative_ci_low"] * 100)
                np.testing.assert_allclose(segments[:, 1, 0], here["relative_ci_high"] * 100)
                self.assertEqual(ax.get_xlabel(), "profit: relative effect [%]")
            labels = [t.get_text() for t in axes[0].get_yticklabels()]
            self.assertIn("fast-recovery, attentive\nnegative_reach = 0.05", labels)
            self.assertIn(SWEPT, fig._suptitle.get_text())
        finally:
            plot.close(fig)

    def test_effect_against_the_swept_parameter_is_labelled_with_its_name_and_values(self):
        effects = self.res.effects("profit", firm=0)
        fig = plot.effect_by_parameter(effects)
        try:
            ax = fig.axes[0]
            self.assertEqual(ax.get_xlabel(), SWEPT)
            self.assertEqual(ax.get_ylabel(), "profit [currency units] (policy − baseline)")
            np.testing.assert_allclose(ax.get_xticks(), [0.05, 0.2])
            (x, y, segments), = errorbar_data(ax)
            calm = effects[effects["scenario"] == "calm"].sort_values(SWEPT)
            np.testing.assert_allclose(x, calm[SWEPT])
            np.testing.assert_allclose(y, calm["mean_difference"])
            np.testing.assert_allclose(segments[:, 0, 1], calm["ci_low"])
            legend = fig.axes[-1].get_legend()
            self.assertGreater(legend.get_window_extent().x0, fig.axes[-1].get_window_extent().x1,
                               "the legend sits right of the last panel, outside the data")
        finally:
            plot.close(fig)

    def test_differences_over_time_plots_the_paired_difference_and_its_band(self):
        over_time = self.res.effects_over_time("customers", firm="attentive")
        fig = plot.differences_over_time(over_time, tick_days=7)
        try:
            self.assertEqual(len(fig.axes), 4)  # 2 sweep points x 2 scenarios
            ax = fig.axes[1]  # sweep point 0, scenario fragile
            self.assertEqual(ax.get_title(), "scenario fragile\nnegative_reach = 0.05")
            here = over_time.query("scenario == 'fragile' and sweep_point == 0").sort_values("tick")
            line = ax.get_lines()[0]
            np.testing.assert_allclose(line.get_ydata(), here["mean_difference"])
            band = ax.collections[0].get_paths()[0].vertices
            np.testing.assert_allclose(band[:, 1].min(), here["ci_low"].min())
            np.testing.assert_allclose(band[:, 1].max(), here["ci_high"].max())
            for t in (0, 9):  # two ticks checked against the effects at a tick
                row = self.res.effects("customers", firm=0, tick=t).query(
                    "scenario == 'fragile' and sweep_point == 0").iloc[0]
                self.assertAlmostEqual(row["mean_difference"], here[here["tick"] == t]["mean_difference"].iloc[0])
            self.assertEqual(fig.axes[2].get_xlabel(), "tick (7 days)")
        finally:
            plot.close(fig)

    def test_tarp_figure_plots_the_pooled_shares_beside_tarp_1986(self):
        pooled = self.res.tarp(pooled=True)
        fig = plot.tarp(pooled, firm=0)
        try:
            self.assertEqual(len(fig.axes), 4)  # scenarios x policies
            ax = fig.axes[2]  # fragile / baseline
            self.assertEqual(ax.get_title(), "fragile / baseline")
            heights = np.array([p.get_height() for p in ax.patches])
            published, simulated = heights[:8], heights[8:]
            np.testing.assert_allclose(published, [crmsim.TARP_1986[(s, o)] for s in ("minor", "major")
                                                   for o in ("silent", "unresolved", "resolved", "resolved_quickly")])
            rows = pooled.query("scenario == 'fragile' and policy == 'baseline' and firm == 0")
            for k, (s, o) in enumerate([(s, o) for s in ("minor", "major")
                                        for o in ("silent", "unresolved", "resolved", "resolved_quickly")]):
                row = rows[(rows["severity"] == s) & (rows["outcome"] == o)]
                self.assertAlmostEqual(simulated[k], row["retained"].sum() / row["customers"].sum())
        finally:
            plot.close(fig)


if __name__ == "__main__":
    try:
        unittest.main(verbosity=2)
    finally:
        if Experiment.tmp is not None:
            Experiment.tmp.cleanup()
