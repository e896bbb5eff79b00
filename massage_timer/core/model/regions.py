"""The anatomical regions routines may target, and the zones they must never press.

Region ids are plain names (never paths). Each id is drawn as one element with the
same ``id`` in one of the diagrams in ``assets/diagrams/``; a test keeps the two in
step. Paired muscles have ``-left``/``-right`` ids and a bilateral alias without the
suffix; in a step worked one side at a time, the alias resolves to that side.
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

from massage_timer.core.model.language import N_, _


class View(StrEnum):
    BACK = "back"
    SIDE = "side"


class Region(msgspec.Struct, frozen=True):
    id: str
    label: str
    """The English name, marked for translation (``N_``): show it as ``_(label)``
    (or through :func:`label`)."""
    view: View


REGIONS: dict[str, Region] = {
    r.id: r
    for r in (
        Region("suboccipitals-left", N_("Suboccipital muscles, left"), View.BACK),
        Region("suboccipitals-right", N_("Suboccipital muscles, right"), View.BACK),
        Region("upper-trapezius-left", N_("Upper trapezius, left"), View.BACK),
        Region("upper-trapezius-right", N_("Upper trapezius, right"), View.BACK),
        Region("levator-scapulae-left", N_("Levator scapulae, left"), View.BACK),
        Region("levator-scapulae-right", N_("Levator scapulae, right"), View.BACK),
        Region("middle-trapezius-left", N_("Middle trapezius, left"), View.BACK),
        Region("middle-trapezius-right", N_("Middle trapezius, right"), View.BACK),
        Region("rhomboids-left", N_("Rhomboids, left"), View.BACK),
        Region("rhomboids-right", N_("Rhomboids, right"), View.BACK),
        Region("upper-erector-spinae-left", N_("Upper erector spinae, left"), View.BACK),
        Region("upper-erector-spinae-right", N_("Upper erector spinae, right"), View.BACK),
        Region("scalenes", N_("Scalenes (side of the neck)"), View.SIDE),
        Region("sternocleidomastoid", N_("Sternocleidomastoid"), View.SIDE),
    )
}

BILATERAL: dict[str, tuple[str, str]] = {
    "suboccipitals": ("suboccipitals-left", "suboccipitals-right"),
    "upper-trapezius": ("upper-trapezius-left", "upper-trapezius-right"),
    "levator-scapulae": ("levator-scapulae-left", "levator-scapulae-right"),
    "rhomboids": ("rhomboids-left", "rhomboids-right"),
    "middle-trapezius": ("middle-trapezius-left", "middle-trapezius-right"),
    "upper-erector-spinae": ("upper-erector-spinae-left", "upper-erector-spinae-right"),
}

BILATERAL_MESSAGES: dict[str, str] = {
    "suboccipitals": N_("Suboccipital muscles (base of the skull)"),
    "upper-trapezius": N_("Upper trapezius"),
    "levator-scapulae": N_("Levator scapulae"),
    "rhomboids": N_("Rhomboids"),
    "middle-trapezius": N_("Middle trapezius"),
    "upper-erector-spinae": N_("Upper erector spinae"),
}
"""A paired muscle's name without a side (marked; see :func:`label`)."""

AVOID_ZONES: dict[str, tuple[str, View]] = {
    "avoid-front-of-neck": (N_("Front of the neck: major blood vessels, never press"),
                            View.SIDE),
    "avoid-spine-back": (N_("Bony points of the spine: never press"), View.BACK),
    "avoid-spine-side": (N_("Bony points of the spine: never press"), View.SIDE),
}
"""Each zone's reason (English, marked: show it through :func:`avoid_reason`) and view."""

LANDMARKS: tuple[str, ...] = (
    "skull-base",
    "shoulder-left",
    "shoulder-right",
    "shoulder-left-point",
    "shoulder-right-point",
    "spine-line",
)


def label(region_id: str) -> str:
    """The name of a region or of a paired muscle's alias, in the current language."""
    if region_id in BILATERAL_MESSAGES:
        return _(BILATERAL_MESSAGES[region_id])
    return _(REGIONS[region_id].label)


def avoid_reason(zone_id: str) -> str:
    """Why a zone must never be pressed, in the current language."""
    return _(AVOID_ZONES[zone_id][0])


def paired(region_id: str) -> str | None:
    """The both-sides id of a one-sided muscle id (``rhomboids`` for ``rhomboids-left``),
    else ``None``."""
    return next((alias for alias, sides in BILATERAL.items() if region_id in sides), None)


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
