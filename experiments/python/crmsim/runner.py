"""crmsim.run: an experiment run by the crmsim command line, from Python.

A subprocess rather than a binding: see docs/python.md ("Why a subprocess")."""
import os
import shutil
import subprocess
import sys
import threading
import warnings
from pathlib import Path

from .calibration import Fit
from .errors import CrmsimError
from .results import Results

# experiments/python/crmsim/runner.py -> the source tree's root
SOURCE_DIR = Path(__file__).resolve().parents[3]
# The source tree's example and study configs (configs/examples, configs/tarp, ...).
CONFIGS = SOURCE_DIR / "configs"


def binary():
    """The crmsim executable: $CRMSIM_BINARY, else build/crmsim of the source tree this
    package lives in, else `crmsim` on PATH."""
    named = os.environ.get("CRMSIM_BINARY")
    if named:
        if not Path(named).is_file():
            raise CrmsimError(f"CRMSIM_BINARY={named}: no such file")
        return str(named)
    built = SOURCE_DIR / "build" / "crmsim"
    if built.is_file():
        return str(built)
    found = shutil.which("crmsim")
    if found:
        return found
    raise CrmsimError(f"no crmsim executable: build it (bash .ci/build.sh makes {built}), put it on PATH, "
                      "or set CRMSIM_BINARY")


def yaml_value(value):
    """A Python value as the YAML text --set expects."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def overrides(set=None, seed=None, jobs=None):
    """--set, --seed and --jobs as arguments, which run and calibrate share."""
    args = []
    for key, value in (set or {}).items():
        args += ["--set", f"{key}={yaml_value(value)}"]
    if seed is not None:
        args += ["--seed", str(int(seed))]
    if jobs is not None:
        args += ["--jobs", str(int(jobs))]
    return args


def command(config, output, set=None, seed=None, jobs=None, threads=None, overwrite=False, resume=False,
            progress=True):
    """The command line crmsim.run runs (a list of arguments)."""
    args = [binary(), "run", str(config), "-o", str(output)] + overrides(set, seed, jobs)
    if threads is not None:
        args += ["--threads", str(int(threads))]
    if overwrite:
        args.append("--overwrite")
    if resume:
        args.append("--resume")
    args.append("--progress" if progress else "--quiet")
    return args


def run(config, output=None, set=None, seed=None, jobs=None, threads=None, overwrite=False, resume=False,
        progress=True):
    """Runs the experiment in `config` with `crmsim run` and returns its results (Results).

    `set` maps dotted config keys to values (each a --set KEY=VALUE); `output` defaults to
    the config's name with .h5 in the current folder. With `progress`, the command's
    progress (stderr) and timing (stdout) are shown as it runs. A bad config or
    argument raises CrmsimError with crmsim's message (file, line and key) and nothing is
    written; runs that failed while running leave a results file, returned with a warning."""
    config = Path(config)
    output = Path(output) if output is not None else Path.cwd() / (config.stem + ".h5")
    if output.resolve() == config.resolve():
        raise CrmsimError(f"{config}: give an output other than the input (output=...)")
    args = command(config, output, set, seed, jobs, threads, overwrite, resume, progress)
    output.parent.mkdir(parents=True, exist_ok=True)
    before = output.stat().st_mtime_ns if output.exists() else None
    status, out, err = execute(args, progress)
    written = output.exists() and output.stat().st_mtime_ns != before
    if status == 0:
        return Results(output)
    message = (err.strip() or out.strip() or f"crmsim exited with status {status}")
    if status == 1 and written:
        warnings.warn(f"crmsim: some runs failed; their errors are in the plan's error column: {message}",
                      stacklevel=2)
        return Results(output)
    raise CrmsimError(message, status, args)


def calibrate(config, targets, output=None, set=None, seed=None, jobs=None, overwrite=False, progress=True):
    """Fits the parameters of `config`'s calibration section to `targets` with `crmsim
    calibrate` (docs/sensitivity.md) and returns the fit (Fit: fit.fit, fit.targets,
    fit.trials). `output` defaults to the config's name with -fit.h5 in the current folder;
    `set`, `seed` and `jobs` are as in run. A bad config, targets file or argument raises
    CrmsimError with crmsim's message, and nothing is written."""
    config = Path(config)
    output = Path(output) if output is not None else Path.cwd() / (config.stem + "-fit.h5")
    args = [binary(), "calibrate", str(config), "--targets", str(targets), "-o", str(output)]
    args += overrides(set, seed, jobs)
    if overwrite:
        args.append("--overwrite")
    output.parent.mkdir(parents=True, exist_ok=True)
    status, out, err = execute(args, progress)
    if status != 0:
        raise CrmsimError(err.strip() or out.strip() or f"crmsim exited with status {status}", status, args)
    return Fit(output)


def execute(args, echo):
    """Runs `args`, passing stderr (progress) and stdout through when `echo`; returns the
    exit status and everything written to stdout and stderr."""
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        captured = {"out": b""}

        def drain_stdout():
            captured["out"] = process.stdout.read()

        reader = threading.Thread(target=drain_stdout, daemon=True)
        reader.start()
        err = b""
        try:
            while True:
                chunk = process.stderr.read1(4096)
                if not chunk:
                    break
                err += chunk
                if echo:
                    sys.stderr.write(chunk.decode("utf-8", "replace"))
                    sys.stderr.flush()
            status = process.wait()
        except KeyboardInterrupt:  # Ctrl-C / a notebook's interrupt: stop crmsim too
            process.terminate()
            process.wait()
            raise
        reader.join()
    out = captured["out"].decode("utf-8", "replace")
    if echo and out:  # the timing lines; the per-run table is in the results (res.summary)
        sys.stdout.write(out.split("\n\n", 1)[0].rstrip("\n") + "\n")
        sys.stdout.flush()
    return status, out, err.decode("utf-8", "replace")
