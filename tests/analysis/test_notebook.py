#!/usr/bin/python3
"""Executes experiments/notebooks/recovery-paradox.ipynb (the research guide's study with
the crmsim package, from config to forest plot) with nbclient, in a scratch folder, and
checks what each step shows.

Run by ctest (Analysis.Notebook) with CRMSIM_BINARY and CRMSIM_SOURCE_DIR set; by hand:

    CRMSIM_BINARY=build/crmsim CRMSIM_SOURCE_DIR=. /usr/bin/python3 tests/analysis/test_notebook.py
"""
import os
import struct
import tempfile
import unittest
from pathlib import Path

import nbformat
from nbclient import NotebookClient

SOURCE_DIR = Path(os.environ.get("CRMSIM_SOURCE_DIR", Path(__file__).resolve().parents[2])).resolve()
NOTEBOOK = SOURCE_DIR / "experiments" / "notebooks" / "recovery-paradox.ipynb"


def text_of(cell):
    """Everything a code cell showed, as text (plain text, HTML tables and streams)."""
    out = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            out.append(output["text"])
        for kind in ("text/plain", "text/html"):
            out.append(output.get("data", {}).get(kind, ""))
    return "\n".join(out)


def images_of(cell):
    return [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]


class Notebook(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.environ.get("CRMSIM_BINARY"):
            raise RuntimeError("set CRMSIM_BINARY to the crmsim executable (ctest does)")
        cls.tmp = tempfile.TemporaryDirectory()
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [str(SOURCE_DIR / "experiments" / "python"), *filter(None, [os.environ.get("PYTHONPATH")])])
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
        os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # ipykernel's debugger notes frozen modules
        cls.nb = nbformat.read(NOTEBOOK, as_version=4)
        client = NotebookClient(cls.nb, timeout=240, kernel_name="python3",
                                resources={"metadata": {"path": cls.tmp.name}})
        client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
        cls.code = [c for c in cls.nb.cells if c.cell_type == "code"]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def cell(self, containing):
        # The last cell reruns the study, calling crmsim.run and res.timeseries again.
        rerun = "paradox-rerun.h5"
        found = [c for c in self.code if containing in c.source and (containing == rerun or rerun not in c.source)]
        self.assertEqual(len(found), 1, containing)
        return found[0]

    def test_every_cell_ran_in_order(self):
        self.assertEqual([c.execution_count for c in self.code], list(range(1, len(self.code) + 1)))

    def test_runs_the_experiment_from_its_config(self):
        shown = text_of(self.cell("crmsim.run("))
        self.assertIn("<crmsim results results/paradox.h5: tarp-recovery-paradox, 60 runs (60 complete)", shown)
        self.assertTrue((Path(self.tmp.name) / "results" / "paradox.h5").is_file())

    def test_shows_tidy_tables_with_units(self):
        self.assertIn("final_customers", text_of(self.cell("res.summary[")))
        shown = text_of(self.cell("res.timeseries("))
        self.assertIn("'mean_satisfaction':", shown)
        self.assertIn("firm_name", shown)

    def test_effects_and_a_contrast(self):
        shown = text_of(self.cell('res.effects("final_customers"'))
        for policy in ("paradox-repeated", "paradox-unconditional"):
            self.assertIn(policy, shown)
        self.assertIn("sum over ticks 13-25", text_of(self.cell('"churn_after_failure"')))
        self.assertIn("welch", text_of(self.cell("res.contrast(")))

    def test_reruns_from_its_results_file_in_another_folder(self):
        shown = text_of(self.cell("paradox-rerun.h5"))
        self.assertIn("identical summary: True", shown)
        self.assertIn("identical time series: True", shown)

    def test_draws_the_figures(self):
        for source in ("crmsim.plot.tarp(", "crmsim.plot.differences_over_time(", "crmsim.plot.forest("):
            with self.subTest(figure=source):
                images = images_of(self.cell(source))
                self.assertEqual(len(images), 1, source)
        forest = Path(self.tmp.name) / "results" / "paradox-forest.png"
        width, height = struct.unpack(">II", forest.read_bytes()[16:24])
        self.assertGreater(width, 400)
        self.assertGreater(height, 200)


if __name__ == "__main__":
    unittest.main(verbosity=2)
