"""The employee's self-review writes: correct an attribution, pick highlights, explain flags, write a narrative,
release the latest version to the manager chain or withdraw the release. A new version is sent as a packet run,
so it is started in reviews.tasks (packet_version_start), which owns the run's tasks.

Every write is the owner's alone and refuses a closed cycle; each raises ApplicationError with a message naming the
field and its limit. Words and corrections belong to the person and cycle, not to a version: every later version
computes and prints with them. Nothing here changes the machine's record (links, attributions, stored facts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from reviews.errors import ApplicationError
from reviews.models import Annotation, Correction, Packet, PacketRelease, Person, ReviewCycle
from reviews.selectors import current_release_get
from reviews.self_review import MAX_HIGHLIGHTS
from reviews.services.audit import PacketAction, audit_record

TOOL_LIMIT = 60


@dataclass(frozen=True)
class HighlightInput:
    """One picked item and the employee's three texts on it (each at most 1,000 characters)."""

    item: str
    context: str = ""
    what_ai_did: str = ""
    outcome: str = ""


def _owner_check(*, person: Person, cycle: ReviewCycle, user: User) -> None:
    if person.user_id is None or person.user_id != user.pk:
        raise ApplicationError("Only the employee can change their own self-review.")
    if cycle.state == ReviewCycle.State.CLOSED:
        raise ApplicationError(f"Cycle {cycle.name!r} is closed: its self-reviews can no longer change.")


def _text(value: str, *, field: str, limit: int) -> str:
    """The text stripped of surrounding whitespace, refused with the field's name when over its limit."""
    text = value.strip()
    if len(text) > limit:
        raise ApplicationError(
            f"The {field} is {len(text):,} characters; the limit is {limit:,}.", extra={"field": field}
        )
    return text


def _item_key(item: str) -> str:
    key = " ".join(item.split())
    if not key or len(key) > 300:
        raise ApplicationError(
            "The item must name a work item as '<repository> <ref>' (at most 300 characters).", extra={"field": "item"}
        )
    return key


def correction_set(
    *, person: Person, cycle: ReviewCycle, item: str, ai_assisted: bool, tool: str = "", reason: str, user: User
) -> None:
    """Mark one work item AI-assisted (with its tool, when known) or not, with a reason of at most 500 characters.

    Replaces an earlier correction of the same item. The item is named by its key; one that is not among the
    person's work items in the cycle has no effect on the figures until it is (a later import may bring it).
    """
    _owner_check(person=person, cycle=cycle, user=user)
    key = _item_key(item)
    why = _text(reason, field="reason", limit=Correction.REASON_LIMIT)
    if not why:
        raise ApplicationError("Give a reason for the correction.", extra={"field": "reason"})
    tool_name = _text(tool, field="tool", limit=TOOL_LIMIT) if ai_assisted else ""
    Correction.objects.update_or_create(
        person=person,
        cycle=cycle,
        item_key=key,
        defaults={"ai_assisted": ai_assisted, "tool": tool_name, "reason": why, "author": user},
    )


def correction_delete(*, person: Person, cycle: ReviewCycle, item: str, user: User) -> None:
    """Take back a correction: the item counts as the machine found it again. Raises ApplicationError if none."""
    _owner_check(person=person, cycle=cycle, user=user)
    deleted, _by_model = Correction.objects.filter(person=person, cycle=cycle, item_key=_item_key(item)).delete()
    if not deleted:
        raise ApplicationError(f"There is no correction of {item!r} to take back.", extra={"field": "item"})


def highlights_set(*, person: Person, cycle: ReviewCycle, items: Sequence[HighlightInput], user: User) -> None:
    """Pick at most five items, in order, each with context / what AI did / outcome; replaces the earlier picks.

    An empty list takes every pick back, and the packet shows the automatic highlights again.
    """
    _owner_check(person=person, cycle=cycle, user=user)
    if len(items) > MAX_HIGHLIGHTS:
        raise ApplicationError(f"Pick at most {MAX_HIGHLIGHTS} highlights, not {len(items)}.", extra={"field": "items"})
    picks = [
        Annotation(
            person=person,
            cycle=cycle,
            kind=Annotation.Kind.HIGHLIGHT,
            item_key=_item_key(pick.item),
            text=_text(pick.context, field=f"highlight {position + 1} context", limit=Annotation.HIGHLIGHT_PART_LIMIT),
            what_ai_did=_text(
                pick.what_ai_did, field=f"highlight {position + 1} what AI did", limit=Annotation.HIGHLIGHT_PART_LIMIT
            ),
            outcome=_text(
                pick.outcome, field=f"highlight {position + 1} outcome", limit=Annotation.HIGHLIGHT_PART_LIMIT
            ),
            position=position,
            highlighted=True,
            author=user,
        )
        for position, pick in enumerate(items)
    ]
    if len({pick.item_key for pick in picks}) != len(picks):
        raise ApplicationError("Each item can be picked once.", extra={"field": "items"})
    with transaction.atomic():
        Annotation.objects.filter(person=person, cycle=cycle, kind=Annotation.Kind.HIGHLIGHT).delete()
        Annotation.objects.bulk_create(picks)


def flag_explanation_set(*, person: Person, cycle: ReviewCycle, kind: str, explanation: str, user: User) -> None:
    """The employee's explanation of one context flag (at most 2,000 characters); an empty one removes it."""
    _owner_check(person=person, cycle=cycle, user=user)
    flag = kind.strip()
    if not flag or len(flag) > 60:
        raise ApplicationError("The flag kind is missing or too long.", extra={"field": "kind"})
    text = _text(explanation, field="explanation", limit=Annotation.FLAG_EXPLANATION_LIMIT)
    _annotation_put(person=person, cycle=cycle, kind=Annotation.Kind.FLAG_EXPLANATION, key=flag, text=text, user=user)


def narrative_set(*, person: Person, cycle: ReviewCycle, text: str, user: User) -> None:
    """The employee's narrative, plain paragraphs of at most 10,000 characters; an empty one removes it."""
    _owner_check(person=person, cycle=cycle, user=user)
    narrative = _text(text, field="narrative", limit=Annotation.NARRATIVE_LIMIT)
    _annotation_put(person=person, cycle=cycle, kind=Annotation.Kind.NARRATIVE, key="", text=narrative, user=user)


def _annotation_put(
    *, person: Person, cycle: ReviewCycle, kind: Annotation.Kind, key: str, text: str, user: User
) -> None:
    if not text:
        Annotation.objects.filter(person=person, cycle=cycle, kind=kind, item_key=key).delete()
        return
    Annotation.objects.update_or_create(
        person=person, cycle=cycle, kind=kind, item_key=key, defaults={"text": text, "author": user}
    )


def packet_version_check(*, person: Person, cycle: ReviewCycle, user: User) -> None:
    """Whether the owner may make a new version now (reviews.tasks.packet_version_start makes it).

    Raises ApplicationError for anyone but the owner, in a closed cycle, or while an earlier version is still
    being made.
    """
    _owner_check(person=person, cycle=cycle, user=user)
    busy = Packet.objects.filter(
        person=person, cycle=cycle, status__in=(Packet.Status.PENDING, Packet.Status.RENDERING)
    ).first()
    if busy is not None:
        raise ApplicationError(f"Version {busy.version} is still being made: wait for it to finish.")


def packet_release(*, person: Person, cycle: ReviewCycle, user: User, ip_address: str | None = None) -> PacketRelease:
    """Release the latest finished version to the manager chain; it stays what they see until the next release.

    Releasing the version already in force changes nothing and returns its release. Audited as packet.release.
    Raises ApplicationError when there is no finished version yet.
    """
    _owner_check(person=person, cycle=cycle, user=user)
    with transaction.atomic():
        latest = (
            Packet.objects.select_for_update()
            .filter(person=person, cycle=cycle, status=Packet.Status.DONE)
            .order_by("-version")
            .first()
        )
        if latest is None:
            raise ApplicationError("There is no finished version to release yet: make a new version first.")
        current = current_release_get(person=person, cycle=cycle)
        if current is not None and current.packet_id == latest.pk:
            return current
        release = PacketRelease.objects.create(
            person=person, cycle=cycle, packet=latest, released_at=timezone.now(), released_by=user
        )
        audit_record(
            actor=user,
            action=PacketAction.RELEASE,
            target=latest,
            ip_address=ip_address,
            detail={"role": "employee", "release": release.pk},
        )
    return release


def packet_release_withdraw(*, person: Person, cycle: ReviewCycle, user: User, ip_address: str | None = None) -> None:
    """Withdraw the release in force, while nobody in the manager chain has opened it; audited.

    The managers then see the release before it, if any. Raises ApplicationError when nothing is released, or
    when a manager has opened it: a new release supersedes it instead, and both stay in the history.
    """
    _owner_check(person=person, cycle=cycle, user=user)
    with transaction.atomic():
        current = current_release_get(person=person, cycle=cycle)
        if current is None:
            raise ApplicationError("Nothing is released, so there is nothing to withdraw.")
        withdrawn = PacketRelease.objects.filter(pk=current.pk, first_opened_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if not withdrawn:
            raise ApplicationError(
                f"Your manager has already opened version {current.packet.version}, so it cannot be withdrawn; "
                "release a newer version instead."
            )
        audit_record(
            actor=user,
            action=PacketAction.WITHDRAW,
            target=current.packet,
            ip_address=ip_address,
            detail={"role": "employee", "release": current.pk},
        )
