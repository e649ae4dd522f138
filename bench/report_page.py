#!/usr/bin/env python
"""Benchmark: the resident's reporting page on a slow phone connection.

Starts a real server (SQLite, demo city), drives Debian's Chromium at
360×740 and measures:
- page weight: bytes of everything the scan link loads (HTML after the
  redirect, CSS; no JavaScript, no fonts, no images);
- time to submit: from opening the scan link to the receipt on screen, with
  the form filled by script (no human think time), on loopback and on an
  emulated slow 3G connection (400 ms latency, 400 kbit/s each way);
beside the same figures for the staff login page as the baseline.

    python bench/report_page.py [--write-docs]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.docs import write_section  # noqa: E402
from bench.liveserver import live_server  # noqa: E402
from changan import clock  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]  # fmt: skip
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
TOKEN_SCRIPT = "from intake.services import place_token; print(place_token('grid', '410611101001001'))"


def measure(browser, base: str, path: str, *, slow: bool, submit: bool) -> tuple[int, float]:
    context = browser.new_context(base_url=base, viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    if slow:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    responses = []
    page.on("response", lambda r: responses.append(r))  # bodies are read afterwards, not in the callback
    started = time.perf_counter()
    page.goto(path)
    if submit:
        page.fill("#text", "小区东门路灯坏了一周，晚上很黑")
        page.check("input[name=consent]")
        page.click("#submit")
        page.wait_for_selector("#number")
    else:
        page.wait_for_load_state("load")
    elapsed = time.perf_counter() - started
    # Bodies are readable only before navigating away: weigh the pages that are just loaded.
    weight = 0 if submit else sum(len(r.body()) for r in responses if r.status < 300)
    context.close()
    return weight, elapsed


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as var, live_server(Path(var), cases=0) as server:
        token = server.manage("shell", "-c", TOKEN_SCRIPT).strip().splitlines()[-1]
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            weight, _ = measure(browser, server.url, f"/q/{token}/", slow=False, submit=False)
            base_weight, _ = measure(browser, server.url, "/login/", slow=False, submit=False)
            _, fast = measure(browser, server.url, f"/q/{token}/", slow=False, submit=True)
            _, slow = measure(browser, server.url, f"/q/{token}/", slow=True, submit=True)
            _, base_slow = measure(browser, server.url, "/login/", slow=True, submit=False)
            browser.close()
    r = {"weight": weight, "base_weight": base_weight, "fast": fast, "slow": slow, "base_slow": base_slow}
    text = "\n".join(
        [
            "`python bench/report_page.py` — real server (SQLite), Debian Chromium at 360×740.",
            "",
            "| page | bytes loaded | × staff login page |",
            "|---|---:|---:|",
            f"| reporting page (scan link → form) | {weight:,} | {weight / base_weight:.2f} |",
            f"| staff login page (baseline) | {base_weight:,} | 1.00 |",
            "",
            "| time | seconds | × loading the login page on slow 3G |",
            "|---|---:|---:|",
            f"| scan → form → submit → receipt, loopback | {fast:.2f} | {fast / base_slow:.2f} |",
            f"| scan → form → submit → receipt, slow 3G (400 ms, 400 kbit/s) | {slow:.2f} "
            f"| {slow / base_slow:.2f} |",
            f"| staff login page load, slow 3G (baseline) | {base_slow:.2f} | 1.00 |",
            "",
            f"Measured on {clock.today().isoformat()}; the form is filled by script, so a person's reading "
            "and typing time comes on top.",
        ]
    )
    print(text)
    if args.write_docs:
        write_section("report", text)
        print("\nwritten to docs/benchmarks.md")
    return r


if __name__ == "__main__":
    main()
