"""Draw a family as an inline SVG pedigree with the standard clinical symbols.

Square = male, circle = female, diamond = sex unknown; filled = affected, empty = unaffected,
grey with "?" = affection unknown. Partners are joined by a horizontal line, their children hang
from a sibship line below. The proband gets an arrow; samples that were not sequenced are labelled.
Every piece of text comes from the input files, so all of it is escaped here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from rarevar.base.messages import N_

SIZE = 36  # symbol width and height
COL = 100  # horizontal distance between neighbouring symbols
ROW = 120  # vertical distance between generations (room for two label lines)
MARGIN = 40
LABEL_CHARS = 14  # longer ids are shortened in the drawing; the full id is in the <title>

FILL = {"affected": "#1f2937", "unaffected": "#ffffff", "unknown": "#c8ccd2"}
STROKE = "#1f2937"


@dataclass
class _Person:
    id: str
    order: int
    sex: str
    phenotype: str
    role: str
    sequenced: bool | None
    father: str | None = None
    mother: str | None = None
    gen: int = 0
    x: float = 0.0
    partners: list[str] = field(default_factory=list)

    @property
    def parents(self) -> tuple[str, ...]:
        return tuple(p for p in (self.father, self.mother) if p)


def draw_pedigree(samples: list[dict], word: Callable[[str], str] = str) -> str:
    """SVG markup (for inline use in HTML) of the family described by the payload's `samples`.

    `word` translates the drawing's own English words (roles, sex, status, captions); ids stay as they are."""
    people = _people(samples)
    if not people:
        return _empty_svg(word)
    _assign_generations(people)
    _link_partners(people)
    _assign_x(people)
    return _render(people, word)


# --- reading the samples -------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


def _people(samples) -> dict[str, _Person]:
    people: dict[str, _Person] = {}
    for order, sample in enumerate(samples or []):
        if not isinstance(sample, dict) or _text(sample.get("id")) in ("", *people):
            continue
        sid = _text(sample["id"])
        people[sid] = _Person(
            id=sid,
            order=order,
            sex=_choice(sample.get("sex"), ("male", "female")),
            phenotype=_choice(sample.get("phenotype"), ("affected", "unaffected")),
            role=_text(sample.get("role")),
            sequenced=sample.get("sequenced") if isinstance(sample.get("sequenced"), bool) else None,
            father=_text(sample.get("father")) or None,
            mother=_text(sample.get("mother")) or None,
        )
    # Parents that are not in the list cannot be drawn; the child is drawn as a founder instead.
    for person in people.values():
        person.father = person.father if person.father in people and person.father != person.id else None
        person.mother = person.mother if person.mother in people and person.mother != person.id else None
    return people


def _choice(value, allowed: tuple[str, ...]) -> str:
    value = _text(value).lower()
    return value if value in allowed else "unknown"


# --- layout --------------------------------------------------------------------------------------


def _assign_generations(people: dict[str, _Person]) -> None:
    """Children one row below their lowest parent; partners on the same row (married-in founders)."""
    for _ in range(len(people) + 1):  # bounded, so a malformed (cyclic) pedigree still terminates
        changed = False
        for person in people.values():
            if person.parents:
                gen = 1 + max(people[p].gen for p in person.parents)
                if gen > person.gen and gen <= len(people):
                    person.gen, changed = gen, True
            if person.father and person.mother:
                father, mother = people[person.father], people[person.mother]
                top = max(father.gen, mother.gen)
                for parent in (father, mother):
                    if parent.gen < top:
                        parent.gen, changed = top, True
        if not changed:
            return


def _link_partners(people: dict[str, _Person]) -> None:
    for person in people.values():
        if person.father and person.mother:
            father, mother = people[person.father], people[person.mother]
            if mother.id not in father.partners:
                father.partners.append(mother.id)
                mother.partners.append(father.id)


def _assign_x(people: dict[str, _Person]) -> None:
    for gen in sorted({p.gen for p in people.values()}):
        row = [p for p in people.values() if p.gen == gen]
        _place_row(_order_row(row, people), people)
    left = min(p.x for p in people.values())
    for person in people.values():
        person.x += MARGIN + SIZE / 2 - left


def _sibship_center(person: _Person, people: dict[str, _Person]) -> float | None:
    if not person.parents:
        return None
    return sum(people[p].x for p in person.parents) / len(person.parents)


def _order_row(row: list[_Person], people: dict[str, _Person]) -> list[_Person]:
    """Children sorted under their parents; a partner without drawn parents sits next to their spouse."""

    def key(person: _Person):
        center = _sibship_center(person, people)
        return (center is None, center or 0.0, person.order)

    ordered: list[_Person] = []
    placed: set[str] = set()
    for person in sorted(row, key=key):
        if person.id in placed:
            continue
        spouses = [
            people[p]
            for p in person.partners
            if people[p].gen == person.gen and not people[p].parents and p not in placed
        ]
        placed.update([person.id, *(s.id for s in spouses)])
        # The first child's spouse goes to its left, so spouses stay outside the sibship line.
        first_child = person.parents and (not ordered or ordered[-1].parents != person.parents)
        ordered.extend([*spouses, person] if first_child else [person, *spouses])
    return ordered


def _place_row(ordered: list[_Person], people: dict[str, _Person]) -> None:
    """Place blocks of siblings (with their spouses) centred under their parents, never overlapping."""
    blocks: list[list[_Person]] = []
    for person in ordered:
        last = blocks[-1] if blocks else []
        same_parents = person.parents and any(p.parents == person.parents for p in last)
        married_in = not person.parents and any(p.id in person.partners for p in last)
        spouse_of_next = last and not last[-1].parents and person.id in last[-1].partners
        if same_parents or married_in or spouse_of_next:
            blocks[-1].append(person)
        else:
            blocks.append([person])
    next_free = None
    for block in blocks:
        width = (len(block) - 1) * COL
        center = next((c for c in (_sibship_center(p, people) for p in block) if c is not None), None)
        start = center - width / 2 if center is not None else (next_free if next_free is not None else 0.0)
        if next_free is not None:
            start = max(start, next_free)
        for i, person in enumerate(block):
            person.x = start + i * COL
        next_free = start + width + COL


# --- drawing -------------------------------------------------------------------------------------


def _y(person: _Person) -> float:
    """Centre of the symbol."""
    return MARGIN + SIZE / 2 + person.gen * ROW


def _render(people: dict[str, _Person], word: Callable[[str], str]) -> str:
    width = max(p.x for p in people.values()) + SIZE / 2 + MARGIN
    height = max(_y(p) for p in people.values()) + SIZE / 2 + 46
    parts = [
        f'<svg class="pedigree" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="img" aria-label="{escape(word("Pedigree drawing"))}">',
        f"<title>{escape(word('Pedigree'))}</title>",
        f'<g class="lines" stroke="{STROKE}" stroke-width="1.5" fill="none">',
        *_partner_lines(people),
        *_sibship_lines(people),
        "</g>",
    ]
    for person in sorted(people.values(), key=lambda p: p.order):
        parts.append(_individual(person, word))
    parts.append("</svg>")
    return "\n".join(parts)


def _line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'


def _partner_lines(people: dict[str, _Person]) -> list[str]:
    lines = []
    for person in people.values():
        for partner_id in person.partners:
            partner = people[partner_id]
            if person.order < partner.order:  # draw each couple once
                left, right = sorted((person, partner), key=lambda p: p.x)
                lines.append(_line(left.x + SIZE / 2, _y(left), right.x - SIZE / 2, _y(right)))
    return lines


def _sibship_lines(people: dict[str, _Person]) -> list[str]:
    sibships: dict[tuple[str, ...], list[_Person]] = {}
    for person in people.values():
        if person.parents:
            sibships.setdefault(person.parents, []).append(person)
    lines = []
    for parent_ids, children in sibships.items():
        parents = [people[p] for p in parent_ids]
        drop_x = sum(p.x for p in parents) / len(parents)
        # From the partner line for a couple, from the bottom of the symbol for a single parent.
        drop_top = max(_y(p) for p in parents) + (0 if len(parents) == 2 else SIZE / 2)
        bar_y = min(_y(c) for c in children) - SIZE / 2 - 22
        xs = [c.x for c in children] + [drop_x]
        lines.append(_line(drop_x, drop_top, drop_x, bar_y))
        lines.append(_line(min(xs), bar_y, max(xs), bar_y))
        lines.extend(_line(c.x, bar_y, c.x, _y(c) - SIZE / 2) for c in children)
    return lines


def _shape(person: _Person) -> str:
    x, y, half = person.x, _y(person), SIZE / 2
    common = (
        f'class="symbol" data-sample="{escape(person.id)}" data-sex="{person.sex}" '
        f'data-phenotype="{person.phenotype}" fill="{FILL[person.phenotype]}" stroke="{STROKE}" '
        'stroke-width="2"'
    )
    if person.sex == "male":
        return f'<rect {common} x="{x - half:.1f}" y="{y - half:.1f}" width="{SIZE}" height="{SIZE}"/>'
    if person.sex == "female":
        return f'<circle {common} cx="{x:.1f}" cy="{y:.1f}" r="{half:.1f}"/>'
    points = f"{x:.1f},{y - half:.1f} {x + half:.1f},{y:.1f} {x:.1f},{y + half:.1f} {x - half:.1f},{y:.1f}"
    return f'<polygon {common} points="{points}"/>'


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "\u2026"


def _individual(person: _Person, word: Callable[[str], str]) -> str:
    x, y = person.x, _y(person)
    words = (person.role, person.sex, person.phenotype, _sequenced_note(person))
    tooltip = ", ".join(s for s in (person.id, *(word(w) for w in words if w)) if s)
    parts = [f'<g class="individual" data-sample="{escape(person.id)}">', f"<title>{escape(tooltip)}</title>"]
    parts.append(_shape(person))
    if person.phenotype == "unknown":
        parts.append(f'<text x="{x:.1f}" y="{y + 6:.1f}" text-anchor="middle" font-size="17">?</text>')
    if person.role == "proband":
        parts.append(_proband_arrow(x, y))
    label_y = y + SIZE / 2 + 16
    parts.append(
        f'<text class="label" x="{x:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="12">'
        f"{escape(_short(person.id))}</text>"
    )
    if person.sequenced is False:
        parts.append(
            f'<text class="not-sequenced" x="{x:.1f}" y="{label_y + 14:.1f}" text-anchor="middle" '
            f'font-size="10.5" font-style="italic" fill="#555">{escape(word("not sequenced"))}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _sequenced_note(person: _Person) -> str:
    return {True: N_("sequenced"), False: N_("not sequenced")}.get(person.sequenced, "")


def _proband_arrow(x: float, y: float) -> str:
    """The conventional arrow pointing at the proband from the lower left."""
    # Shallow angle, so the arrow stays clear of the label under the symbol.
    tip_x, tip_y = x - SIZE / 2 - 3, y + SIZE / 2 - 4
    return (
        f'<g class="proband-arrow" stroke="{STROKE}" fill="{STROKE}">'
        f"{_line(tip_x - 22, tip_y + 11, tip_x, tip_y)}"
        f'<polygon points="{tip_x:.1f},{tip_y:.1f} {tip_x - 10:.1f},{tip_y + 1:.1f} '
        f'{tip_x - 6:.1f},{tip_y + 8:.1f}"/></g>'
    )


def _empty_svg(word: Callable[[str], str]) -> str:
    return (
        '<svg class="pedigree" viewBox="0 0 300 40" width="300" height="40" role="img" '
        f'aria-label="{escape(word("Pedigree drawing"))}">'
        f'<text x="10" y="25" font-size="13">{escape(word("No family members listed."))}</text></svg>'
    )
