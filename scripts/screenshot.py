"""Save the README's picture: the side-by-side view of the article's two captures,
as an SVG the app itself renders (python scripts/screenshot.py)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from mountscope.system.loader import load
from mountscope.tui.app import MountscopeApp

REPO = Path(__file__).resolve().parent.parent


async def main() -> None:
    os.chdir(REPO)
    app = MountscopeApp(
        load("samples/article/lambda-pattern1.txt"), load("samples/article/lambda-pattern2.txt")
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # The verdicts and the comparison arrive from workers: wait for them.
        # No key: the cursor starts on the first difference.
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot("screenshot-side-by-side.svg", path=str(REPO / "docs"))


if __name__ == "__main__":
    asyncio.run(main())
