"""Reading crmsim's tables (HDF5 groups of equally long 1-D datasets) into DataFrames.

Written for every version of the layout: a time series' `columns` attribute may be one
comma-joined string or an array of strings, strings may come back as bytes or str, and
integer keys may be stored signed or unsigned."""
import h5py
import numpy as np
import pandas as pd

from .errors import CrmsimError


def open_hdf5(path):
    """`path` opened for reading (h5py.File), or CrmsimError saying why it cannot be: missing,
    or not HDF5 (or damaged). Results and Fit open their files through it."""
    if not path.is_file():
        raise CrmsimError(f"{path}: no such file")
    try:
        return h5py.File(path, "r")
    except OSError as problem:
        raise CrmsimError(f"{path}: not an HDF5 file, or a damaged one ({problem})") from None


def text(value):
    """An HDF5 string (bytes, numpy bytes or str) as str."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("utf-8")
    return str(value)


def column_order(group):
    """The group's column names in the order the file gives (its `columns` attribute),
    then any other datasets in the file's order."""
    names = [k for k, v in group.items() if isinstance(v, h5py.Dataset)]
    declared = group.attrs.get("columns")
    if declared is None:
        return names
    if isinstance(declared, (str, bytes, np.bytes_)):
        declared = text(declared).split(",")
    else:
        declared = [text(c) for c in np.ravel(declared)]
    declared = [c.strip() for c in declared if c.strip() in names]
    return declared + [n for n in names if n not in declared]


def read_column(dataset):
    values = dataset[()]
    if values.dtype == object or values.dtype.kind == "S":  # variable- or fixed-length strings
        return np.array([text(v) for v in values], dtype=object)
    return values


def read_table(group, columns=None):
    """A table group as a DataFrame; `columns` picks some (in that order; missing ones are
    an error naming the group and what it has)."""
    available = column_order(group)
    if columns is None:
        columns = available
    missing = [c for c in columns if c not in available]
    if missing:
        raise KeyError(f"{group.name}: no column {', '.join(missing)}; it has {', '.join(available)}")
    return pd.DataFrame({c: read_column(group[c]) for c in columns})


def column_attributes(group, attribute):
    """{column: the attribute's text} for every dataset of the group that has it."""
    out = {}
    for name, data in group.items():
        if isinstance(data, h5py.Dataset) and attribute in data.attrs:
            out[name] = text(data.attrs[attribute])
    return out
