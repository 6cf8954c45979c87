"""The studio's fixed data, the same as the mock backend's (src/mocks/mock-data.ts)."""

import base64
from datetime import datetime, timedelta, timezone
from typing import List

STATUSES = ["completed", "completed", "running", "completed", "failed", "queued"]
COLLECTIONS = ["Aurora rings", "Tidal pendants", "Ember earrings", "Frost bangles", "Orchard brooches"]
SERVICES = [
    ("jewelry-generate", "2.4.1"),
    ("temporal-worker", "1.22.0"),
    ("image-validation", "0.9.3"),
    ("credits", "1.3.0"),
]
WORKFLOW_DURATION_MS = 2_500
DEFAULT_CREDITS = 25


def iso(moment: datetime) -> str:
    """JavaScript's toISOString: milliseconds and a Z."""
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def batches() -> List[dict]:
    """The 47 batches an admin pages through."""
    start = datetime(2025, 1, 6, 9, 0, 0, tzinfo=timezone.utc)
    rows = []
    for index in range(47):
        n = index + 1
        rows.append(
            {
                "id": f"batch-{n:03d}",
                "name": f"{COLLECTIONS[index % len(COLLECTIONS)]} #{-(-n // len(COLLECTIONS))}",
                "status": STATUSES[index % len(STATUSES)],
                "items": 8 + ((n * 7) % 40),
                "created_at": iso(start + timedelta(hours=6 * index)),
            }
        )
    return rows


def ring_image(workflow_id: str) -> str:
    """A tiny ring drawing, its colour taken from the workflow id."""
    digest = 0
    for char in workflow_id:
        digest = (digest * 31 + ord(char)) & 0xFFFFFFFF
    hue = digest % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160">'
        '<rect width="160" height="160" fill="#faf7f2"/>'
        '<circle cx="80" cy="92" r="42" fill="none" stroke="#c9a227" stroke-width="10"/>'
        f'<polygon points="80,30 96,50 80,66 64,50" fill="hsl({hue},70%,55%)" stroke="#7a5c00" stroke-width="2"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
