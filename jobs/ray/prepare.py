"""Prepare raw tabular data for training, on a Ray cluster.

Reads every CSV and Parquet file under --raw (the raw datasets bucket, mounted read-only through
GCS FUSE), checks each row against --schema, drops rows that do not fit it and duplicate rows (by
--key, or the whole row), writes the rest as one Parquet file per input under --curated (the
curated bucket, mounted read-write), and prints the counts as one JSON line.

Files are cleaned in parallel as Ray tasks when Ray is importable (the rayproject/ray image); the
pure logic (schema parsing, row checks, de-duplication) uses the standard library only, so it can
be tested anywhere (test/jobs/test_prepare.py). Parquet needs pyarrow (in the Ray image).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from datetime import datetime
from typing import Callable, Iterable, Iterator

TYPES: dict[str, Callable[[object], object]] = {}


def _int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("a boolean is not an integer")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text or not text.lstrip("+-").isdigit():
        raise ValueError(f"not an integer: {value!r}")
    return int(text)


def _float(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    number = float(str(value).strip()) if not isinstance(value, (int, float)) else float(value)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _str(value: object) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("empty string")
    return text


def _datetime(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value).strip().replace("Z", "+00:00")
    return datetime.fromisoformat(text).isoformat()


TYPES.update({"int": _int, "float": _float, "str": _str, "datetime": _datetime})


def parse_schema(spec: str) -> list[tuple[str, str]]:
    """`name:type,...` to [(name, type)]; types: int, float, str, datetime."""
    columns: list[tuple[str, str]] = []
    for part in spec.split(","):
        name, sep, kind = part.strip().partition(":")
        if not sep or not name or kind not in TYPES:
            raise ValueError(f"schema column {part!r}: expected name:type with type one of {', '.join(TYPES)}")
        if any(name == existing for existing, _ in columns):
            raise ValueError(f"schema column {name!r} appears twice")
        columns.append((name, kind))
    return columns


def check_columns(header: Iterable[str], schema: list[tuple[str, str]]) -> list[str]:
    """The schema's columns a file lacks (a file without them is skipped whole)."""
    present = set(header)
    return [name for name, _ in schema if name not in present]


def coerce_row(row: dict, schema: list[tuple[str, str]]) -> dict | None:
    """The row with each schema column converted to its type, or None if any is missing or does not convert."""
    out: dict = {}
    for name, kind in schema:
        value = row.get(name)
        if value is None:
            return None
        try:
            out[name] = TYPES[kind](value)
        except (TypeError, ValueError):
            return None
    return out


def clean_rows(rows: Iterable[dict], schema: list[tuple[str, str]], key: list[str] | None = None, seen: set | None = None):
    """Valid, first-seen rows and the counts {read, bad, duplicates, kept}; `seen` carries keys across files."""
    seen = set() if seen is None else seen
    kept: list[dict] = []
    counts = {"read": 0, "bad": 0, "duplicates": 0, "kept": 0}
    columns = key or [name for name, _ in schema]
    for row in rows:
        counts["read"] += 1
        clean = coerce_row(row, schema)
        if clean is None:
            counts["bad"] += 1
            continue
        identity = tuple(clean[c] for c in columns)
        if identity in seen:
            counts["duplicates"] += 1
            continue
        seen.add(identity)
        kept.append(clean)
    counts["kept"] = len(kept)
    return kept, counts


def input_files(root: str) -> list[str]:
    """CSV and Parquet files under root, sorted (a stable order keeps the first of duplicates the same)."""
    found: list[str] = []
    for folder, _, names in os.walk(root):
        found.extend(os.path.join(folder, n) for n in names if n.lower().endswith((".csv", ".parquet")))
    return sorted(found)


def read_rows(path: str) -> tuple[list[str], Iterator[dict]]:
    """A file's header and rows (CSV with the csv module; Parquet with pyarrow)."""
    if path.lower().endswith(".csv"):
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            return list(reader.fieldnames or []), iter(rows)
    import pyarrow.parquet as pq  # noqa: PLC0415 (only for Parquet inputs)

    table = pq.read_table(path)
    return list(table.column_names), iter(table.to_pylist())


def write_parquet(rows: list[dict], schema: list[tuple[str, str]], path: str) -> None:
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    types = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "datetime": pa.string()}
    arrow_schema = pa.schema([(name, types[kind]) for name, kind in schema])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema), path)


def clean_file(path: str, schema: list[tuple[str, str]], key: list[str] | None) -> tuple[list[dict], dict]:
    """One file's valid rows, de-duplicated within the file, and its counts."""
    header, rows = read_rows(path)
    missing = check_columns(header, schema)
    if missing:
        return [], {"read": 0, "bad": 0, "duplicates": 0, "kept": 0, "skippedFiles": 1, "missing": missing}
    kept, counts = clean_rows(rows, schema, key)
    return kept, {**counts, "skippedFiles": 0}


def merge(results: list[tuple[str, list[dict], dict]], schema, key) -> tuple[dict[str, list[dict]], dict]:
    """Per-file results de-duplicated across files (first file wins), with the totals."""
    seen: set = set()
    totals = {"files": len(results), "skippedFiles": 0, "read": 0, "bad": 0, "duplicates": 0, "kept": 0}
    out: dict[str, list[dict]] = {}
    for path, rows, counts in results:
        for k in ("skippedFiles", "read", "bad", "duplicates"):
            totals[k] += counts.get(k, 0)
        kept, again = clean_rows(rows, schema, key, seen)
        totals["duplicates"] += again["duplicates"]
        totals["kept"] += len(kept)
        out[path] = kept
    return out, totals


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", required=True, help="folder of raw CSV/Parquet files (read-only)")
    parser.add_argument("--curated", required=True, help="folder the cleaned Parquet files are written to")
    parser.add_argument("--schema", default="id:int,timestamp:datetime,value:float,label:str")
    parser.add_argument("--key", default="", help="columns that identify a row (default: all)")
    args = parser.parse_args(argv)
    schema = parse_schema(args.schema)
    key = [k for k in args.key.split(",") if k] or None
    unknown = [k for k in key or [] if k not in dict(schema)]
    if unknown:
        parser.error(f"--key {','.join(unknown)}: not a column of --schema")
    files = input_files(args.raw)
    try:
        import ray  # noqa: PLC0415 (present in the Ray image; absent where the logic is unit-tested)
    except ImportError:
        ray = None
    if ray is not None:
        ray.init()
        task = ray.remote(clean_file)
        results = ray.get([task.remote(f, schema, key) for f in files])
    else:
        results = [clean_file(f, schema, key) for f in files]
    cleaned, totals = merge([(f, r, c) for f, (r, c) in zip(files, results)], schema, key)
    for path, rows in cleaned.items():
        relative = os.path.splitext(os.path.relpath(path, args.raw))[0] + ".parquet"
        if rows:
            write_parquet(rows, schema, os.path.join(args.curated, relative))
    print(json.dumps(totals, sort_keys=True))
    return 0 if totals["files"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
