"""annotation_set: the employee's highlights, flag explanations, narrative and corrections on their packet.

Annotations belong to the person and cycle, not to a packet version, so regenerating a packet keeps them; each
version stores the snapshot it printed. Pages for editing them come later; this is the write they will call.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from reviews.errors import ApplicationError
from reviews.models import Annotation, Person, ReviewCycle
from reviews.services.cycles import cycle_change_check

MAX_TEXT_CHARS = {
    Annotation.Kind.HIGHLIGHT: 1200,
    Annotation.Kind.FLAG_EXPLANATION: 1200,
    Annotation.Kind.DISPUTE: 1200,
    Annotation.Kind.NARRATIVE: 6000,
}


def annotation_set(
    *,
    person: Person,
    cycle: ReviewCycle,
    kind: Annotation.Kind,
    item_key: str = "",
    text: str = "",
    highlighted: bool = False,
    author: User | None = None,
) -> Annotation:
    """Create or replace the employee's annotation on one packet item. Raises ApplicationError for text over
    the limit, an item not named, or a closed cycle (read-only)."""
    cycle_change_check(cycle=cycle, change="corrections or notes")
    text = text.strip()
    limit = MAX_TEXT_CHARS[kind]
    if len(text) > limit:
        raise ApplicationError(f"The {kind.label.lower()} is {len(text):,} characters; the limit is {limit:,}.")
    if kind != Annotation.Kind.NARRATIVE and not item_key.strip():
        raise ApplicationError(f"A {kind.label.lower()} must name the packet item it is about.")
    if kind == Annotation.Kind.NARRATIVE:
        item_key = ""
    annotation, _ = Annotation.objects.update_or_create(
        person=person,
        cycle=cycle,
        kind=kind,
        item_key=item_key.strip(),
        defaults={"text": text, "highlighted": highlighted and kind == Annotation.Kind.HIGHLIGHT, "author": author},
    )
    return annotation
