"""Snapshot the outputs of the shipped scenarios, or compare them with an earlier snapshot.

A refactoring that claims "behaviour unchanged" proves it with this script: write a snapshot at the old
revision, check out the new one, and compare. Only the public CLI is used, so the same script works at any
revision of the project.

    python scripts/compare_outputs.py write /tmp/before          # at the old revision
    python scripts/compare_outputs.py compare /tmp/before        # at the new revision; exit 1 on a difference

What is compared: ``reformkit evaluate SCENARIO --json`` for every file in data/scenarios/ (JSON equality),
and the bytes of every report ``reformkit render data/scenarios/*.yaml`` writes, with the one line that
carries the generation-time marker left out.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = b"reformkit:generated"


def _reformkit() -> list[str]:
    return [sys.executable, "-m", "reformkit.cli"]


def write(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    scenarios = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))
    for sc in scenarios:
        subprocess.run([*_reformkit(), "evaluate", str(sc), "--json", str(out / f"{sc.stem}.json")],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    reports = out / "reports"
    subprocess.run([*_reformkit(), "render", *map(str, scenarios), "--out", str(reports), "--jobs", "2"],
                   check=True, cwd=ROOT)


def _report_bytes(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().splitlines() if MARKER not in line]


def compare(before: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        now = Path(tmp)
        write(now)
        problems = []
        for old in sorted(before.glob("*.json")):
            new = now / old.name
            if not new.is_file():
                problems.append(f"{old.name}: missing now")
            elif json.loads(old.read_text()) != json.loads(new.read_text()):
                problems.append(f"{old.name}: evaluate JSON differs")
        for old in sorted((before / "reports").glob("*.html")):
            new = now / "reports" / old.name
            if not new.is_file():
                problems.append(f"reports/{old.name}: missing now")
            elif _report_bytes(old) != _report_bytes(new):
                problems.append(f"reports/{old.name}: bytes differ")
        checked = len(list(before.glob("*.json"))) + len(list((before / "reports").glob("*.html")))
        for p in problems:
            print(p)
        print(f"{checked} outputs compared, {len(problems)} differ")
        if problems:
            keep = before.parent / (before.name + "-now")
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(now, keep)
            print(f"the new outputs are kept in {keep}")
        return 1 if problems else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["write", "compare"])
    ap.add_argument("folder", type=Path)
    args = ap.parse_args()
    if args.action == "write":
        write(args.folder)
        return 0
    return compare(args.folder)


if __name__ == "__main__":
    sys.exit(main())
