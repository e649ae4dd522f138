"""The layers of the code base, bottom up (docs/architecture.md draws them).

A package may import only packages in layers below its own, or before it in
its own layer: so the import graph has no loop and a reader can learn the code
from the bottom. ``changan_site/tests/test_import_graph.py`` checks every
import in the source against this list; a new package gets its place here.
"""

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core: utilities that know no app", ("changan", "intel")),
    ("people and places", ("accounts", "regions", "orgs", "worktime", "notify")),
    ("the case core", ("cases",)),
    (
        "apps that use cases",
        ("figures", "triage", "intake", "open311", "fieldwork", "mediation", "earlywarning"),
    ),
    ("running it: background work, the demo city", ("worker", "demo")),
    ("the project wiring: settings, URLs; the benchmarks", ("changan_site", "bench")),
)

ORDER: tuple[str, ...] = tuple(package for _, packages in LAYERS for package in packages)
