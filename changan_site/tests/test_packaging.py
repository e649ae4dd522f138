"""The wheel carries every app and every file the apps read at run time.

`pip install .` builds from pyproject.toml's package list and package-data, not
from the checkout, so an app or a data file left out there only shows up as a
failing `migrate` on a server. These tests read the same configuration the build
does; `make wheel-check` (.ci/wheel_check.sh) builds and installs the real wheel.
"""

import fnmatch
import glob
import subprocess
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
# Files in the packages that are not needed at run time: the source catalogue (its .mo is shipped).
NOT_SHIPPED = ["*.po"]


def shipped_packages() -> dict[str, Path]:
    """What `[tool.setuptools.packages.find]` finds (setuptools' find_packages rules)."""
    find = SETUPTOOLS["packages"]["find"]
    assert find.get("namespaces") is False and find.get("where", ["."]) == ["."]
    include, exclude = find.get("include", ["*"]), find.get("exclude", [])
    found, todo = {}, [(ROOT, "")]
    while todo:
        folder, prefix = todo.pop()
        for child in sorted(folder.iterdir()):
            if not child.is_dir() or "." in child.name or not (child / "__init__.py").is_file():
                continue  # setuptools does not descend into a folder that is not a package
            name = prefix + child.name
            if any(fnmatch.fnmatchcase(name, p) for p in include) and not any(
                fnmatch.fnmatchcase(name, p) for p in exclude
            ):
                found[name] = child
            if not any(f"{name}{tail}" in exclude for tail in ("*", ".*")):
                todo.append((child, name + "."))
    return found


def local_apps():
    """Apps whose module is this checkout's folder of that name (not .venv's site-packages)."""
    return [a for a in apps.get_app_configs() if Path(a.path).resolve() == ROOT.joinpath(*a.name.split("."))]


def test_every_local_app_is_in_the_wheel():
    packages = shipped_packages()
    names = [a.name for a in local_apps()]
    assert "earlywarning" in names and "changan" not in names
    assert sorted(set(names) - set(packages)) == []
    assert "changan" in packages and "intel" in packages  # settings, urls; the models' code
    assert not any(p.startswith("bench") or ".tests" in p for p in packages)


def test_every_python_folder_of_a_shipped_package_is_a_package():
    """A folder without __init__.py imports fine from a checkout but is left out of the wheel."""
    packages = shipped_packages()
    for top in {name.split(".")[0] for name in packages}:
        for source in (ROOT / top).rglob("*.py"):
            rel = source.parent.relative_to(ROOT)
            if "tests" in rel.parts:
                continue
            assert ".".join(rel.parts) in packages, f"{rel} has Python files but no __init__.py"


def test_every_data_file_of_a_shipped_package_is_package_data():
    """Templates, static files, CSVs, models, the compiled catalogue: all match package-data."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout.decode().split("\0")  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs a git checkout: the wheel is built from git's file list")
    packages = shipped_packages()
    data = SETUPTOOLS.get("package-data", {})
    matched = set()
    for name, folder in packages.items():
        for pattern in data.get("*", []) + data.get(name, []):
            matched |= {Path(f).resolve() for f in glob.glob(str(folder / pattern), recursive=True)}
    tops = {name.split(".")[0] for name in packages}
    missing = []
    for rel in filter(None, listed):
        path = ROOT / rel
        parts = Path(rel).parts
        if parts[0] not in tops or "tests" in parts or path.suffix == ".py" or not path.is_file():
            continue
        if any(fnmatch.fnmatchcase(path.name, p) for p in NOT_SHIPPED):
            continue
        if path.resolve() not in matched:
            missing.append(rel)
    assert missing == [], "add these to [tool.setuptools.package-data] in pyproject.toml"


def test_settings_read_files_only_from_inside_the_packages():
    """In a wheel the checkout's top level (locale/, build/) does not exist."""
    package_dirs = [folder.resolve() for folder in shipped_packages().values()]
    paths = [*settings.LOCALE_PATHS, settings.DEMO_DATA_DIR]
    paths += [d[1] if isinstance(d, tuple) else d for d in settings.STATICFILES_DIRS]
    paths += [d for t in settings.TEMPLATES for d in t["DIRS"]]
    for path in map(Path, paths):
        assert any(path.resolve().is_relative_to(p) for p in package_dirs), path
        assert path.exists(), f"{path} is missing (run `make vendor`?)"
    assert (Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo").is_file()
    assert (Path(settings.STATICFILES_DIRS[0]) / "vendor" / "htmx" / "htmx.min.js").is_file()
