#!/usr/bin/python3
"""Tests experiments/analysis/crmsim_report.py end to end.

Run by ctest (Analysis.Report) with CRMSIM_BINARY (the crmsim executable) and
CRMSIM_SOURCE_DIR (the repository) in the environment; by hand:

    CRMSIM_BINARY=build/crmsim CRMSIM_SOURCE_DIR=. /usr/bin/python3 tests/analysis/test_report.py
"""
import math
import os
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

# The report needs matplotlib; without it this test must fail, not skip.
try:
    import matplotlib  # noqa: F401
except ImportError:
    sys.exit(f"test_report: {sys.executable} has no matplotlib, which crmsim_report.py needs "
             "(Debian 12: apt-get install python3-matplotlib)")
import h5py
import numpy as np

SOURCE_DIR = Path(os.environ.get("CRMSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
TOOL = SOURCE_DIR / "experiments" / "analysis" / "crmsim_report.py"
T975_DF2 = 4.302652729911275  # t_{0.975, 2}: three replications (exact: the report uses scipy)

CONFIG = """\
experiment: {name: report-test, seed: 11, ticks: 10, replications: 3}
population: {size: 3000}
firms:
  - {name: attentive, recovery: {quick: 0.5, slow: 0.3}}
  - {name: rival, recovery: {quick: 0.2, slow: 0.3}}
scenarios:
  - name: calm
  - name: fragile
    set: {firms.0.failure_rate: 0.2, firms.1.failure_rate: 0.2}
policies:
  - {name: baseline, baseline: true}
  - {name: fast-recovery, set: {firms.0.recovery.quick: 0.8, firms.0.recovery.slow: 0.15}}
"""
SCENARIOS = ("calm", "fragile")
SERIES = ("customers", "mean_satisfaction", "profit", "switched_out")
OUTCOMES = ("final_customers", "revenue", "profit", "final_mean_satisfaction")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_report(*arguments):
    return subprocess.run([sys.executable, str(TOOL), *map(str, arguments)],
                          capture_output=True, text=True, timeout=120)


def text_table(f, name):
    """A results-file table as a dict of numpy arrays, strings decoded."""
    return {k: np.array([x.decode() for x in v[()]]) if v.dtype == object else v[()]
            for k, v in f[name].items()}


def table_rows(report, heading):
    """The cells of every row of the Markdown table under `heading` (up to the next heading)."""
    section = report.split(heading + "\n", 1)[1].split("\n#", 1)[0]
    return [[c.strip() for c in line.strip("|").split("|")]
            for line in section.splitlines() if line.startswith("|") and not line.startswith("|---")]


class ReportTestCase(unittest.TestCase):
    def assert_printed(self, printed, value):
        """`printed` shows `value` to the precision it is printed with."""
        decimals = len(printed.split(".")[1]) if "." in printed else 0
        self.assertAlmostEqual(float(printed), value, delta=0.5 * 10 ** -decimals * (1 + 1e-9),
                               msg=f"printed {printed}, expected {value}")

    def assert_png(self, path):
        data = path.read_bytes()
        self.assertEqual(data[:8], PNG_SIGNATURE, f"{path} is not a PNG")
        width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
        self.assertGreater(width, 200, path)
        self.assertGreater(height, 200, path)
        self.assertGreater(len(data), 10_000, f"{path} is suspiciously small")

    def assert_bad_input(self, result, named):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(str(named), result.stderr)


class ReportOnCrmsimResults(ReportTestCase):
    """A real experiment: 2 scenarios x 2 policies x 3 replications."""

    @classmethod
    def setUpClass(cls):
        binary = os.environ.get("CRMSIM_BINARY")
        if not binary:
            raise RuntimeError("set CRMSIM_BINARY to the crmsim executable (ctest does)")
        cls.tmp = tempfile.TemporaryDirectory()
        tmp = Path(cls.tmp.name)
        (tmp / "experiment.yaml").write_text(CONFIG)
        cls.results = tmp / "results.h5"
        subprocess.run([binary, "run", str(tmp / "experiment.yaml"), "-o", str(cls.results), "--quiet"],
                       check=True, timeout=120)
        cls.outdir = tmp / "report"
        cls.result = run_report(cls.results, "-o", cls.outdir, "--firm-names")
        cls.report = (cls.outdir / "report.md").read_text() if cls.result.returncode == 0 else ""
        with h5py.File(cls.results, "r") as f:
            cls.plan, cls.summary = text_table(f, "plan"), text_table(f, "summary")
            cls.comparisons = text_table(f, "comparisons")
            cls.has_tarp = any(f"runs/{r}/tarp" in f for r in cls.plan["run_id"])

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_succeeds_and_lists_the_files_it_wrote(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        listed = {Path(line) for line in self.result.stdout.splitlines()}
        self.assertEqual(listed, set(self.outdir.iterdir()))

    def test_writes_valid_figures(self):
        expected = [f"timeseries_{s}_{m}.png" for s in SCENARIOS for m in SERIES]
        expected += [f"difference_{m}.png" for m in SERIES]  # paired differences per tick, all scenarios
        expected += [f"forest_{m}.png" for m in OUTCOMES]  # relative effects, all scenarios
        self.assertTrue(self.has_tarp, "every complete crmsim run writes a TARP table")
        expected += ["tarp.png"]  # faceted by scenario and policy
        for name in expected:
            with self.subTest(figure=name):
                self.assertTrue((self.outdir / name).is_file(), f"{name} missing")
                self.assert_png(self.outdir / name)
                self.assertIn(f"]({name})", self.report)

    def test_reports_the_design(self):
        self.assertIn("| experiment | report-test |", self.report)
        self.assertIn("| seed | 11 |", self.report)
        self.assertIn("| replications | 3 |", self.report)
        self.assertIn("| runs | 12 (12 complete, 0 failed) |", self.report)
        self.assertIn("| scenarios | calm, fragile |", self.report)
        self.assertIn("| policies | baseline (baseline), fast-recovery |", self.report)
        self.assertIn("| firms | 0 attentive, 1 rival |", self.report)

    def test_policy_mean_and_interval_match_the_file(self):
        runs = self.plan["run_id"][(self.plan["scenario"] == "fragile") & (self.plan["policy"] == "fast-recovery")]
        rows = np.isin(self.summary["run_id"], runs) & (self.summary["firm"] == 0)
        values = self.summary["final_customers"][rows].astype(float)
        self.assertEqual(len(values), 3)
        half = T975_DF2 * values.std(ddof=1) / math.sqrt(3)
        row = next(r for r in table_rows(self.report, "### final_customers")
                   if r[:3] == ["fragile", "fast-recovery", "attentive"])
        self.assertEqual(row[3], "3")
        self.assert_printed(row[4], values.mean())
        low, high = row[5].strip("[]").split(", ")
        self.assert_printed(low, values.mean() - half)
        self.assert_printed(high, values.mean() + half)

    def test_comparison_interval_matches_the_file(self):
        c = self.comparisons
        k = np.flatnonzero((c["scenario"] == "calm") & (c["policy"] == "fast-recovery")
                           & (c["firm"] == 1) & (c["metric"] == "profit"))[0]
        row = next(r for r in table_rows(self.report, "## Policy comparisons")
                   if r[:5] == ["calm", "fast-recovery", "baseline", "rival", "profit"])
        self.assert_printed(row[8], c["mean_difference"][k])
        low, high = row[9].strip("[]").split(", ")
        self.assert_printed(low, c["ci_low"][k])
        self.assert_printed(high, c["ci_high"][k])

    def test_says_when_there_is_no_tarp_table(self):
        # A copy of the results with the TARP tables taken out.
        stripped = Path(self.tmp.name) / "no-tarp.h5"
        stripped.write_bytes(Path(self.results).read_bytes())
        with h5py.File(stripped, "r+") as f:
            for r in self.plan["run_id"]:
                if f"runs/{r}/tarp" in f:
                    del f[f"runs/{r}/tarp"]
        outdir = Path(self.tmp.name) / "no-tarp"
        result = run_report(stripped, "-o", outdir, "--metrics", "profit")  # one metric: fewer figures, faster
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("No run has a TARP table", (outdir / "report.md").read_text())
        self.assertEqual(list(outdir.glob("tarp_*.png")), [])

    def test_metrics_option_chooses_the_figures(self):
        outdir = Path(self.tmp.name) / "chosen"
        result = run_report(self.results, "-o", outdir, "--metrics", "customers,profit")
        self.assertEqual(result.returncode, 0, result.stderr)
        figures = sorted(p.name for p in outdir.glob("*.png"))
        self.assertEqual(figures, sorted([f"timeseries_{s}_{m}.png" for s in SCENARIOS
                                          for m in ("customers", "profit")]
                                         + ["difference_customers.png", "difference_profit.png",
                                            "forest_profit.png", "tarp.png"]))

    def test_unknown_metric_is_bad_input(self):
        outdir = Path(self.tmp.name) / "unknown-metric"
        result = run_report(self.results, "-o", outdir, "--metrics", "customers,happiness")
        self.assert_bad_input(result, "happiness")
        self.assertFalse(outdir.exists())

    def test_refuses_a_non_empty_outdir(self):
        outdir = Path(self.tmp.name) / "occupied"
        outdir.mkdir()
        (outdir / "notes.txt").write_text("mine")
        result = run_report(self.results, "-o", outdir)
        self.assert_bad_input(result, outdir)
        self.assertEqual(sorted(p.name for p in outdir.iterdir()), ["notes.txt"])
        result = run_report(self.results, "-o", outdir, "--overwrite", "--metrics", "profit")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue((outdir / "report.md").is_file())
        self.assertEqual((outdir / "notes.txt").read_text(), "mine")


class ReportOnBadInput(ReportTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.dir = Path(self.tmp.name)

    def test_missing_file(self):
        missing = self.dir / "nowhere.h5"
        self.assert_bad_input(run_report(missing, "-o", self.dir / "out"), missing)
        self.assertFalse((self.dir / "out").exists())

    def test_not_hdf5(self):
        path = self.dir / "notes.h5"
        path.write_text("not HDF5 at all\n")
        self.assert_bad_input(run_report(path, "-o", self.dir / "out"), path)

    def test_hdf5_but_not_crmsim(self):
        path = self.dir / "other.h5"
        with h5py.File(path, "w") as f:
            f.attrs["format"] = "something-else"
            f["x"] = np.arange(3)
        self.assert_bad_input(run_report(path, "-o", self.dir / "out"), path)
        self.assertFalse((self.dir / "out").exists())


# A synthetic file with TARP tables (layout of /runs/<id>/tarp), two complete runs
# and a failed one whose table must be left out.
# (run, firm, severity, outcome) -> (customers, retained)
TARP_COUNTS = {
    (0, 0, "minor", "resolved_quickly"): (40, 37), (1, 0, "minor", "resolved_quickly"): (60, 56),
    (0, 1, "major", "silent"): (30, 2), (1, 1, "major", "silent"): (20, 3),
    (0, 0, "major", "unresolved"): (0, 0), (1, 0, "major", "unresolved"): (0, 0),
    (2, 0, "minor", "resolved_quickly"): (1000, 0), (2, 1, "major", "silent"): (1000, 1000),
}


STRING_COLUMNS = {"scenario", "policy", "baseline", "status", "error", "firm_name", "metric", "severity",
                  "outcome"}


def write_table(group, columns):
    """Columns as crmsim writes them: 1-D datasets, strings variable-length."""
    for name, values in columns.items():
        group[name] = np.array(values, dtype=h5py.string_dtype() if name in STRING_COLUMNS else None)


def write_synthetic(path, horizon=1):
    with h5py.File(path, "w") as f:
        f.attrs.update({"format": "crmsim-results", "experiment_name": "synthetic", "seed": 5, "ticks": 3,
                        "tick_days": 7.0, "replications": 3, "config": "experiment: {name: synthetic}\n"})
        write_table(f.create_group("plan"), {
            "run_id": [0, 1, 2], "scenario": ["base"] * 3, "sweep_point": [0] * 3, "replication": [0, 1, 2],
            "policy": ["baseline"] * 3, "status": ["complete", "complete", "failed"],
            "error": ["", "", "disk full"]})
        write_table(f.create_group("summary"), {
            "run_id": [0, 0, 1, 1, 2, 2], "firm": [0, 1] * 3, "firm_name": ["a", "b"] * 3,
            "final_customers": [50, 50, 52, 48, -1, -1], "profit": [10.0, 11.0, 12.0, 9.0, np.nan, np.nan]})
        write_table(f.create_group("comparisons"), {c: [] for c in (
            "scenario", "sweep_point", "policy", "baseline", "firm", "firm_name", "metric", "n", "baseline_mean",
            "policy_mean", "mean_difference", "sd_difference", "ci_low", "ci_high")})
        for run in (0, 1, 2):
            write_table(f.create_group(f"runs/{run}/timeseries"), {
                "tick": [0, 0, 1, 1, 2, 2], "firm": [0, 1] * 3, "customers": [50, 50, 51, 49, 50 + run, 50 - run],
                "profit": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
            # The run's resolved config as crmsim writes it (yaml-cpp block layout).
            f[f"runs/{run}"].attrs["config"] = f"mechanisms:\n  tarp:\n    horizon: {horizon}\noutput:\n  x: 1\n"
            rows = [(firm, sev, out, counts) for (r, firm, sev, out), counts in TARP_COUNTS.items() if r == run]
            write_table(f.create_group(f"runs/{run}/tarp"), {
                "firm": [r[0] for r in rows], "severity": [r[1] for r in rows], "outcome": [r[2] for r in rows],
                "customers": [r[3][0] for r in rows], "retained": [r[3][1] for r in rows],
                "share": [r[3][1] / r[3][0] if r[3][0] else np.nan for r in rows]})


def wilson(retained, customers, z=1.96):
    p = retained / customers
    centre = (p + z * z / (2 * customers)) / (1 + z * z / customers)
    half = z / (1 + z * z / customers) * math.sqrt(p * (1 - p) / customers + z * z / (4 * customers ** 2))
    return p, centre - half, centre + half


class ReportOnTarpTables(ReportTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tmp = Path(cls.tmp.name)
        write_synthetic(tmp / "synthetic.h5")
        cls.outdir = tmp / "report"
        cls.result = run_report(tmp / "synthetic.h5", "-o", cls.outdir)
        cls.report = (cls.outdir / "report.md").read_text() if cls.result.returncode == 0 else ""
        cls.rows = {tuple(r[3:6]): r for r in table_rows(cls.report, "## TARP table")[1:]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_succeeds(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)

    def test_tarp_figure(self):
        self.assert_png(self.outdir / "tarp.png")
        self.assertIn("](tarp.png)", self.report)

    def test_no_comparisons_with_a_single_policy(self):
        self.assertFalse(list(self.outdir.glob("forest_*")))
        self.assertFalse(list(self.outdir.glob("difference_*")))
        self.assertIn("single policy", self.report)

    def test_failed_run_is_counted_and_left_out(self):
        self.assertIn("| runs | 3 (2 complete, 1 failed) |", self.report)
        self.assertIn("disk full", self.report)

    def assert_pooled(self, firm, severity, outcome, customers, retained, published):
        row = self.rows[(f"firm {firm}", severity, outcome)]
        share, low, high = wilson(retained, customers)
        self.assertEqual(row[2], "1")  # the horizon
        self.assertEqual(row[6:9], ["2", str(customers), str(retained)])
        self.assert_printed(row[9], share)
        printed_low, printed_high = row[10].strip("[]").split(", ")
        self.assert_printed(printed_low, low)
        self.assert_printed(printed_high, high)
        self.assertEqual(row[11], f"{published:.2f}")
        self.assert_printed(row[12], share - published)

    def test_pooled_share_and_wilson_interval(self):
        # 37 + 56 of 40 + 60 quickly resolved minor failures stayed: 0.930, Wilson [0.863, 0.966].
        self.assert_pooled(0, "minor", "resolved_quickly", 100, 93, 0.95)
        self.assert_pooled(1, "major", "silent", 50, 5, 0.09)

    def test_hand_computed_wilson(self):
        # The helper above agrees with a hand computation (z = 1.96, n = 100, p = 0.93).
        share, low, high = wilson(93, 100)
        self.assertAlmostEqual(low, 0.8625, places=4)
        self.assertAlmostEqual(high, 0.9657, places=4)

    def test_group_without_customers_has_no_share(self):
        row = self.rows[("firm 0", "major", "unresolved")]
        self.assertEqual(row[7:11], ["0", "0", "n/a", "n/a"])


class ReportOnUnpairedComparisons(ReportTestCase):
    """A metric with n = 0 (no replication where policy and baseline both have a value)
    gets no forest figure: an empty plot around zero would read as "no effect"."""

    def test_no_figure_for_n_zero(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "unpaired.h5"
            write_synthetic(path)
            with h5py.File(path, "a") as f:
                for name in ("plan", "summary", "comparisons"):
                    del f[name]
                write_table(f.create_group("plan"), {
                    "run_id": [0, 1, 2, 3], "scenario": ["base"] * 4, "sweep_point": [0] * 4,
                    "replication": [0, 0, 1, 1], "policy": ["baseline", "fast"] * 2, "status": ["complete"] * 4,
                    "error": [""] * 4})
                write_table(f.create_group("summary"), {
                    "run_id": [0, 1, 2, 3], "firm": [0] * 4, "firm_name": ["a"] * 4,
                    "final_customers": [50.0, np.nan, 52.0, np.nan], "profit": [10.0, 12.0, 11.0, 14.0]})
                write_table(f.create_group("comparisons"), {
                    "scenario": ["base", "base"], "sweep_point": [0, 0], "policy": ["fast", "fast"],
                    "baseline": ["baseline", "baseline"], "firm": [0, 0], "firm_name": ["a", "a"],
                    "metric": ["profit", "final_customers"], "n": [2, 0], "baseline_mean": [10.5, np.nan],
                    "policy_mean": [13.0, np.nan], "mean_difference": [2.5, np.nan], "sd_difference": [0.7071, np.nan],
                    "ci_low": [-3.85, np.nan], "ci_high": [8.85, np.nan]})
                write_table(f.create_group("runs/3/timeseries"), {
                    "tick": [0, 1, 2], "firm": [0] * 3, "customers": [50, 51, 52], "profit": [1.0, 2.0, 3.0]})
                f["runs/3"].attrs["config"] = "mechanisms:\n  tarp:\n    horizon: 1\n"
            result = run_report(path, "-o", Path(tmp) / "report", "--metrics", "profit,final_customers")
            self.assertEqual(result.returncode, 0, result.stderr)
            figures = sorted(p.name for p in (Path(tmp) / "report").glob("forest_*.png"))
            self.assertEqual(figures, ["forest_profit.png"])
            self.assertIn("Rows with n = 0", (Path(tmp) / "report" / "report.md").read_text())


class ReportOnANeverComputedSeries(ReportTestCase):
    """A time-series column that is NaN throughout (the top-20 % share when
    output.metrics.concentration_every is 0) gets no empty figure, and a note."""

    def test_no_figure_and_a_note(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "nan.h5"
            write_synthetic(path)
            with h5py.File(path, "a") as f:
                for run in (0, 1, 2):
                    f[f"runs/{run}/timeseries/top20_value_share"] = np.full(6, np.nan)
            result = run_report(path, "-o", Path(tmp) / "report", "--metrics", "top20_value_share,customers")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("top20_value_share is NaN on every tick", result.stderr)
            figures = sorted(p.name for p in (Path(tmp) / "report").glob("timeseries_*.png"))
            self.assertEqual(figures, ["timeseries_base_customers.png"])


class ReportOnALongerTarpHorizon(ReportTestCase):
    """At horizon 4 the table measures retention in the simulated market, not TARP's
    intention to buy again: TARP 1986 is not set beside it (research guide, 8.1)."""

    def test_published_shares_only_at_horizon_one(self):
        with tempfile.TemporaryDirectory() as tmp:
            write_synthetic(Path(tmp) / "h4.h5", horizon=4)
            result = run_report(Path(tmp) / "h4.h5", "-o", Path(tmp) / "report")
            self.assertEqual(result.returncode, 0, result.stderr)
            rows = table_rows((Path(tmp) / "report" / "report.md").read_text(), "## TARP table")[1:]
            quick = next(r for r in rows if r[3:6] == ["firm 0", "minor", "resolved_quickly"])
            self.assertEqual(quick[2], "4")
            self.assertEqual(quick[9], "0.930")  # the simulated share is still reported
            self.assertEqual(quick[11:13], ["n/a", "n/a"])
            self.assert_png(Path(tmp) / "report" / "tarp.png")


if __name__ == "__main__":
    unittest.main(verbosity=2)
