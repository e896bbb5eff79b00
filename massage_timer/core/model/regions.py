"""The anatomical regions routines may target, and the zones they must never press.

Region ids are plain names (never paths). Each id is drawn as one element with the
same ``id`` in one of the diagrams in ``assets/diagrams/``; a test keeps the two in
step. Paired muscles have ``-left``/``-right`` ids and a bilateral alias without the
suffix; in a step worked one side at a time, the alias resolves to that side.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class View(StrEnum):
    BACK = "back"
    SIDE = "side"


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    view: View


REGIONS: dict[str, Region] = {
    r.id: r
    for r in (
        Region("suboccipitals", "Suboccipital muscles (base of the skull)", View.BACK),
        Region("upper-trapezius-left", "Upper trapezius, left", View.BACK),
        Region("upper-trapezius-right", "Upper trapezius, right", View.BACK),
        Region("levator-scapulae-left", "Levator scapulae, left", View.BACK),
        Region("levator-scapulae-right", "Levator scapulae, right", View.BACK),
        Region("middle-trapezius", "Middle trapezius", View.BACK),
        Region("rhomboids-left", "Rhomboids, left", View.BACK),
        Region("rhomboids-right", "Rhomboids, right", View.BACK),
        Region("upper-erector-spinae", "Upper erector spinae", View.BACK),
        Region("scalenes", "Scalenes (side of the neck)", View.SIDE),
        Region("sternocleidomastoid", "Sternocleidomastoid", View.SIDE),
    )
}

BILATERAL: dict[str, tuple[str, str]] = {
    "upper-trapezius": ("upper-trapezius-left", "upper-trapezius-right"),
    "levator-scapulae": ("levator-scapulae-left", "levator-scapulae-right"),
    "rhomboids": ("rhomboids-left", "rhomboids-right"),
}

AVOID_ZONES: dict[str, tuple[str, View]] = {
    "avoid-front-of-neck": ("Front of the neck: major blood vessels, never press", View.SIDE),
    "avoid-spine-back": ("Bony points of the spine: never press", View.BACK),
    "avoid-spine-side": ("Bony points of the spine: never press", View.SIDE),
}

LANDMARKS: tuple[str, ...] = (
    "skull-base",
    "shoulder-left",
    "shoulder-right",
    "shoulder-left-point",
    "shoulder-right-point",
    "spine-line",
)


def is_known(region_id: str) -> bool:
    return region_id in REGIONS or region_id in BILATERAL


def resolve(region_ids: list[str] | tuple[str, ...], side: str | None = None) -> tuple[str, ...]:
    """Concrete diagram ids for a step's regions, on one side when ``side`` is given.

    ``side`` is ``"left"`` or ``"right"``; an explicitly sided id is kept as written.
    """
    out: list[str] = []
    for rid in region_ids:
        if rid in BILATERAL:
            left, right = BILATERAL[rid]
            if side == "left":
                out.append(left)
            elif side == "right":
                out.append(right)
            else:
                out.extend((left, right))
        elif rid in REGIONS:
            out.append(rid)
    return tuple(dict.fromkeys(out))
