"""Strip the notebooks before committing them: no outputs, no execution counts, no run- or machine-specific metadata.

The committed notebooks (reformkit/resources/notebooks/*.ipynb; ``notebooks/`` links there) are the source
of truth: an analyst edits them in JupyterLab, then runs ``make strip`` (this script) before committing.

    python scripts/strip_notebooks.py            # strip every packaged notebook in place
    python scripts/strip_notebooks.py A.ipynb    # strip the given notebooks
    python scripts/strip_notebooks.py --check    # exit 1, naming them, if any notebook is not stripped

Kept: cell sources, cell ids, cell tags (``parameters`` marks papermill's cell), the kernelspec and the
language name. Written as Jupyter writes notebooks (nbformat: JSON indented by 1, sorted keys, a final
newline), so a stripped notebook opened and saved unchanged in JupyterLab gives the same bytes.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "reformkit" / "resources" / "notebooks"
KEEP_CELL_METADATA = ("tags",)


def stripped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` without outputs, execution counts and volatile metadata (changed in place and returned)."""
    for cell in nb.cells:
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA and v}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if "attachments" in cell and not cell.attachments:  # pasted images are content; an empty dict is not
            del cell["attachments"]
    language = nb.metadata.get("language_info", {}).get("name", "python")
    nb.metadata = {"kernelspec": nb.metadata.get("kernelspec") or {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": language}}
    return nb


def stripped_text(path: Path) -> str:
    """The stripped notebook at ``path`` as the text it is committed as; raises ValueError if invalid."""
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except (OSError, ValueError, nbformat.ValidationError) as exc:
        raise ValueError(f"{path}: not a valid notebook ({exc})") from None
    return nbformat.writes(stripped(nb)) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="*", type=Path, help="default: every packaged notebook")
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook needs stripping")
    args = ap.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    changed = []
    for path in paths:
        try:
            text = stripped_text(path)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        if text != path.read_text(encoding="utf-8"):
            changed.append(path)
            if not args.check:
                path.write_text(text, encoding="utf-8")
    for path in changed:
        print(f"{'needs stripping' if args.check else 'stripped'}: {path}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
