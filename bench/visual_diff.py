"""Speed of the screenshot comparison (:mod:`cxaudit.analysis.visual`), per pair of pictures.

Pictures like audit screenshots (a header band, lines of text-like dashes, a
few blocks of colour) are drawn with Pillow and saved as cxaudit saves them
(WebP, quality 70); the second of each pair has two areas changed. Timed:
the whole comparison of two files (both decoded), and the comparison of two
pictures already decoded; median wall and CPU time of the rounds, each size 1280 x 800 (a
laptop's first screen) and 1280 x 4000 (a full page at the height cap).

    .venv/bin/python -m bench.visual_diff [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PIL import Image, ImageDraw

from cxaudit.analysis.visual import diff_files, diff_images

SIZES = ((1280, 800), (1280, 4000))


def picture(width: int, height: int, seed: int = 3) -> Image.Image:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 64), fill=(20, 40, 90))
    rng = random.Random(seed)
    for y in range(96, height - 20, 22):
        x = 40
        while x < width - 80:
            length = rng.randint(8, 60)
            draw.line((x, y, x + length, y), fill=(30, 30, 30), width=3)
            x += length + 6
        if rng.random() < 0.05:
            draw.rectangle((40, y, 440, y + 120), fill=(rng.randint(0, 255), 120, 60))
    return image


def changed(image: Image.Image) -> Image.Image:
    out = image.copy()
    draw = ImageDraw.Draw(out)
    draw.rectangle((100, 300, 420, 380), fill=(200, 0, 0))
    draw.rectangle((900, 120, 1100, 150), fill=(0, 140, 0))
    return out


def timed(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process, in ms (on a busy
    machine the CPU time is the steadier figure)."""
    wall, cpu = [], []
    for _ in range(rounds):
        started, used = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        for width, height in SIZES:
            before = picture(width, height)
            after = changed(before)
            a, b = Path(folder) / "a.webp", Path(folder) / "b.webp"
            before.save(a, quality=70)
            after.save(b, quality=70)
            decoded = (Image.open(a).convert("RGB"), Image.open(b).convert("RGB"))
            result = diff_images(*decoded, 0.2)
            files = timed(partial(diff_files, a, b, 0.2), args.rounds)
            pixels = timed(partial(diff_images, *decoded, 0.2), args.rounds)
            print(
                f"{width} x {height}: two files {files[0]:.1f} ms ({files[1]:.1f} ms CPU), "
                f"decoded {pixels[0]:.1f} ms ({pixels[1]:.1f} ms CPU); "
                f"changed {100 * result.ratio:.2f} %, {len(result.regions)} areas"
            )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
