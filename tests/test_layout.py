"""The README's layout section against the tree: every folder and module is named where it is,
and nothing named there is missing."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "broadcaster"


def layout() -> str:
    readme = (ROOT / "README.md").read_text("utf-8")
    return readme.split("### Layout\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]


def modules(folder: Path) -> set[str]:
    """What a folder's bullet must name: its modules and its Python subfolders."""
    return {p.name for p in folder.glob("*.py") if p.name != "__init__.py"} | {
        f"{p.name}/" for p in folder.iterdir() if (p / "__init__.py").exists()
    }


def test_the_tree_names_every_folder_and_top_module():
    tree = layout().split("```")[1]
    drawn = set(re.findall(r"[├└]── (\S+)", tree))
    on_disk = {f"{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    on_disk |= {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    assert drawn == on_disk


def test_each_folder_bullet_names_its_modules_and_nothing_else():
    bullets = re.findall(r"^- `(\w+)/`: (.+?)(?=^- |\n\n)", layout(), re.S | re.M)
    described = {name for name, _ in bullets}
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert described == folders
    for name, text in bullets:
        named = set(re.findall(r"`([\w.]+/?)`", text.replace("\n", " ")))
        files = modules(PACKAGE / name)
        assert files <= named, (name, files - named)
        extra = {n for n in named - files if n.endswith((".py", "/"))}
        assert all((PACKAGE / name / n.rstrip("/")).exists() for n in extra), (name, extra)
