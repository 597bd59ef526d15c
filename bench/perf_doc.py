"""Writes a benchmark's table into docs/performance.md between its own markers (<!-- NAME start --> and
<!-- NAME end -->), with the machine and the date, so each bench script owns one section and reruns replace it."""
from __future__ import annotations

import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    load = ""
    try:
        load = f", load average {os.getloadavg()[0]:.1f} at the start"
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}){memory}, {platform.system()} {platform.release()}{load}"


def stamp(started_load: str | None = None) -> str:
    return f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {started_load or machine()}."


def write_section(name: str, text: str, doc: Path = DOC) -> None:
    """Replaces what lies between the markers (appends a marked section when they are not there yet)."""
    start, end = f"<!-- {name} start -->", f"<!-- {name} end -->"
    body = f"{start}\n{text.rstrip()}\n{end}"
    current = doc.read_text()
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    updated = pattern.sub(lambda _: body, current) if pattern.search(current) else current.rstrip() + "\n\n" + body + "\n"
    doc.write_text(updated)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from the state on (the name may hold spaces)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and all its living descendants (an emulator and the JVM
    it started), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        if fields := _stat(p):
            total += (int(fields[11]) + int(fields[12])) / tick
        todo.extend(children.get(p, []))
    return total
