"""Unit tests of jobs/ray/prepare.py's logic (standard library only: no Ray, pandas or pyarrow here)."""

import importlib.util
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout
from io import StringIO

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location("prepare", os.path.join(HERE, "..", "..", "jobs", "ray", "prepare.py"))
prepare = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(prepare)

SCHEMA = prepare.parse_schema("id:int,timestamp:datetime,value:float,label:str")


class ParseSchema(unittest.TestCase):
    def test_columns_and_types(self):
        self.assertEqual(SCHEMA, [("id", "int"), ("timestamp", "datetime"), ("value", "float"), ("label", "str")])

    def test_unknown_type_is_refused(self):
        with self.assertRaisesRegex(ValueError, "type one of"):
            prepare.parse_schema("id:integer")

    def test_duplicate_column_is_refused(self):
        with self.assertRaisesRegex(ValueError, "twice"):
            prepare.parse_schema("id:int,id:str")


class CleanRows(unittest.TestCase):
    def rows(self):
        return [
            {"id": "1", "timestamp": "2026-01-01T00:00:00Z", "value": "1.5", "label": "a"},
            {"id": "1", "timestamp": "2026-01-01T00:00:00Z", "value": "1.5", "label": "a"},  # duplicate
            {"id": "2", "timestamp": "not a date", "value": "2", "label": "b"},  # bad timestamp
            {"id": "x", "timestamp": "2026-01-02", "value": "2", "label": "b"},  # bad id
            {"id": "3", "timestamp": "2026-01-03", "value": "nan", "label": "c"},  # not finite
            {"id": "4", "timestamp": "2026-01-04", "value": "4", "label": "  "},  # empty label
            {"id": "5", "timestamp": "2026-01-05", "value": "5"},  # missing column
            {"id": " 6 ", "timestamp": "2026-01-06T12:30:00+02:00", "value": "-6e1", "label": "d"},
        ]

    def test_counts(self):
        kept, counts = prepare.clean_rows(self.rows(), SCHEMA)
        self.assertEqual(counts, {"read": 8, "bad": 5, "duplicates": 1, "kept": 2})
        self.assertEqual([r["id"] for r in kept], [1, 6])

    def test_values_are_converted(self):
        kept, _ = prepare.clean_rows(self.rows(), SCHEMA)
        self.assertEqual(kept[1], {"id": 6, "timestamp": "2026-01-06T12:30:00+02:00", "value": -60.0, "label": "d"})
        self.assertEqual(kept[0]["timestamp"], "2026-01-01T00:00:00+00:00")

    def test_key_deduplicates_on_its_columns_only(self):
        rows = [
            {"id": "1", "timestamp": "2026-01-01", "value": "1", "label": "a"},
            {"id": "1", "timestamp": "2026-01-02", "value": "2", "label": "b"},
        ]
        kept, counts = prepare.clean_rows(rows, SCHEMA, key=["id"])
        self.assertEqual((len(kept), counts["duplicates"]), (1, 1))
        self.assertEqual(kept[0]["label"], "a")


class Files(unittest.TestCase):
    def write(self, root, name, text):
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_csv_files_cleaned_and_deduplicated_across_files(self):
        with tempfile.TemporaryDirectory() as raw:
            header = "id,timestamp,value,label\n"
            a = self.write(raw, "a/part-1.csv", header + "1,2026-01-01,1,a\n2,2026-01-02,2,b\n2,2026-01-02,2,b\n")
            b = self.write(raw, "b.csv", header + "2,2026-01-02,2,b\n3,bad,3,c\n4,2026-01-04,4,d\n")
            c = self.write(raw, "c.csv", "id,value\n9,9\n")  # lacks columns: skipped whole
            self.write(raw, "notes.txt", "ignored")
            files = prepare.input_files(raw)
            self.assertEqual(files, sorted([a, b, c]))
            results = [(f, *prepare.clean_file(f, SCHEMA, None)) for f in files]
            cleaned, totals = prepare.merge(results, SCHEMA, None)
            self.assertEqual(
                totals, {"files": 3, "skippedFiles": 1, "read": 6, "bad": 1, "duplicates": 2, "kept": 3}
            )
            self.assertEqual([r["id"] for r in cleaned[a]], [1, 2])
            self.assertEqual([r["id"] for r in cleaned[b]], [4])

    def test_main_without_inputs_reports_and_fails(self):
        with tempfile.TemporaryDirectory() as raw, tempfile.TemporaryDirectory() as curated:
            out = StringIO()
            with redirect_stdout(out):
                code = prepare.main(["--raw", raw, "--curated", curated])
            self.assertEqual(code, 1)
            self.assertEqual(json.loads(out.getvalue())["files"], 0)


if __name__ == "__main__":
    sys.exit(unittest.main())
