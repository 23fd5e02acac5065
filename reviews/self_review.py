"""Reads for the employee's self-review workspace: the items they can act on, their words, the release, the log.

Frozen values built with a bounded number of queries (five for `self_review_get` once a version exists, six
before; however many work items), so a page or API response costs the same for ten items or a thousand. Access is
decided before these are called, by reviews.permissions.self_review_access; the writes are in
reviews.services.self_review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from evidence.facts.schema import EvidenceFactsDict, Verdict, WorkItemDict, WorkItemKind, stored_facts
from evidence.selectors import evidence_facts_stored_get
from reviews.models import Annotation, AuditEvent, Packet, PacketRelease, Person, ReviewCycle
from reviews.models import Correction as CorrectionRow
from reviews.printing.context import FLAG_NAMES, OUTCOME_FIGURES, outcome_figure
from reviews.selectors import current_release_get, release_date_passed
from reviews.services.audit import OPENING_ACTIONS

MAX_HIGHLIGHTS = 5


@dataclass(frozen=True)
class AiVerdict:
    """The machine's verdict, as found: attributed (a strong signal), temporal (timing only) or none."""

    verdict: Verdict
    tool: str
    rule: str
    confidence: float | None


@dataclass(frozen=True)
class Correction:
    """The employee's correction of one item's verdict (reviews.models.Correction, as the workspace shows it)."""

    ai_assisted: bool
    tool: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class HighlightText:
    context: str
    what_ai_did: str
    outcome: str


@dataclass(frozen=True)
class ItemOutcome:
    merged: bool | None  # None for a commit
    survival_share: float | None  # 0..1
    reverted: bool  # within 30 days
    follow_up_fix_lines: int


@dataclass(frozen=True)
class WorkItem:
    key: str  # "<repository> <ref>"
    kind: WorkItemKind
    repository: str
    ref: str  # "#<number>" or the 12-character SHA
    title: str
    url: str
    ai: AiVerdict
    correction: Correction | None
    highlighted: bool
    highlight: HighlightText | None
    outcome: ItemOutcome

    @property
    def ai_assisted(self) -> bool:
        """The group the next version counts it in: the correction's verdict, else the machine's."""
        return self.correction.ai_assisted if self.correction is not None else self.ai.verdict != "none"


@dataclass(frozen=True)
class FlagNote:
    kind: str
    label: str
    explanation: str
    summary: str = ""


@dataclass(frozen=True)
class Release:
    """The release in force: which version the manager chain sees, since when, and whether it can be withdrawn."""

    version: int
    packet: Packet
    at: datetime
    first_opened_at: datetime | None

    @property
    def withdrawable(self) -> bool:
        """Only until someone in the manager chain has opened it."""
        return self.first_opened_at is None


@dataclass(frozen=True)
class SelfReview:
    person: Person
    cycle: ReviewCycle
    latest: Packet | None  # the latest version, any status
    latest_done: Packet | None  # the latest finished version: what a release would release
    released: Release | None
    newer_draft: bool  # a finished version newer than the released one is waiting
    managers_see_latest: bool  # the cycle's release date has passed: managers see the latest version, released or not
    items: tuple[WorkItem, ...]  # by repository, then pull requests before commits, then ref
    flags: tuple[FlagNote, ...]
    narrative: str
    read_only: bool  # a closed cycle, or a viewer who is not the owner (HR reading)


@dataclass(frozen=True)
class AccessEntry:
    at: datetime
    actor: str  # the person's name, else the account's user name
    role: str  # "manager", "hr", "admin", or "other"
    action: str  # "view", "download" or "export"
    version: int


@dataclass(frozen=True)
class VersionsDiff:
    """What changed between the released version and the latest finished one."""

    released_version: int
    latest_version: int
    items_added: tuple[str, ...]  # item keys
    items_removed: tuple[str, ...]
    figures_changed: tuple[tuple[str, str, str], ...]  # (label, before, after), as printed
    corrections_applied: tuple[str, ...]  # item keys whose correction is new or changed

    @property
    def empty(self) -> bool:
        return not (self.items_added or self.items_removed or self.figures_changed or self.corrections_applied)


def self_review_get(*, person: Person, cycle: ReviewCycle, read_only: bool = False) -> SelfReview:
    """The workspace of one person for one cycle.

    Items come from the latest finished version's facts (else the facts the last build stored; else there are
    none yet), with the employee's current corrections, picks and words laid over them, so a change shows at once
    and the next version computes with it. `read_only` is set for a caller who is not the owner (HR reading:
    reviews.permissions.SelfReviewAccess.owner); a closed cycle is read-only for everyone.
    """
    versions = list(
        Packet.objects.filter(person=person, cycle=cycle).defer("facts", "annotations").order_by("-version")
    )
    latest = versions[0] if versions else None
    latest_done = next((packet for packet in versions if packet.status == Packet.Status.DONE), None)
    release = current_release_get(person=person, cycle=cycle)
    facts = _facts(person=person, cycle=cycle, packet=latest_done)
    corrections = {row.item_key: row for row in CorrectionRow.objects.filter(person=person, cycle=cycle)}
    notes = list(Annotation.objects.filter(person=person, cycle=cycle))
    picks = {note.item_key: note for note in notes if note.kind == Annotation.Kind.HIGHLIGHT and note.highlighted}
    explanations = {note.item_key: note.text for note in notes if note.kind == Annotation.Kind.FLAG_EXPLANATION}
    narrative = next((note.text for note in notes if note.kind == Annotation.Kind.NARRATIVE), "")
    items = tuple(
        _work_item(item, corrections.get(item["key"]), picks.get(item["key"]))
        for item in (facts.get("work_items", []) if facts else [])
    )
    flags = tuple(
        FlagNote(
            kind=flag["kind"],
            label=FLAG_NAMES.get(flag["kind"], flag["kind"]),
            explanation=explanations.get(flag["kind"], ""),
            summary=flag["summary"],
        )
        for flag in (facts["flags"] if facts else [])
    )
    return SelfReview(
        person=person,
        cycle=cycle,
        latest=latest,
        latest_done=latest_done,
        released=(
            Release(
                version=release.packet.version,
                packet=release.packet,
                at=release.released_at,
                first_opened_at=release.first_opened_at,
            )
            if release is not None
            else None
        ),
        newer_draft=release is not None and latest_done is not None and latest_done.pk != release.packet_id,
        managers_see_latest=release_date_passed(cycle),
        items=items,
        flags=flags,
        narrative=narrative,
        read_only=read_only or cycle.state == ReviewCycle.State.CLOSED,
    )


def _facts(*, person: Person, cycle: ReviewCycle, packet: Packet | None) -> EvidenceFactsDict | None:
    if packet is not None:
        stored = Packet.objects.filter(pk=packet.pk).values_list("facts", flat=True).first()
        if stored:
            return stored_facts(stored)
    return evidence_facts_stored_get(person=person, cycle=cycle)


def _work_item(item: WorkItemDict, correction: CorrectionRow | None, pick: Annotation | None) -> WorkItem:
    ai, outcome = item["ai"], item["outcome"]
    return WorkItem(
        key=item["key"],
        kind=item["kind"],
        repository=item["repository"],
        ref=item["ref"],
        title=item["title"],
        url=url if (url := item["url"] or "").startswith("https://") else "",
        ai=AiVerdict(verdict=ai["verdict"], tool=ai["tool"], rule=ai["rule"], confidence=ai["confidence"]),
        correction=(
            Correction(
                ai_assisted=correction.ai_assisted,
                tool=correction.tool,
                reason=correction.reason,
                at=correction.updated_at,
            )
            if correction is not None
            else None
        ),
        highlighted=pick is not None,
        highlight=HighlightText(pick.text, pick.what_ai_did, pick.outcome) if pick is not None else None,
        outcome=ItemOutcome(
            merged=outcome["merged"],
            survival_share=outcome["survival_share"],
            reverted=outcome["reverted"],
            follow_up_fix_lines=outcome["follow_up_fix_lines"],
        ),
    )


def packet_access_log_get(*, person: Person, cycle: ReviewCycle) -> tuple[AccessEntry, ...]:
    """Who opened this person's packet versions for the cycle: every view, download and HR export, newest first.

    Read from the audit log (two queries). The employee's own views are left out: the log answers who else looked.
    The role is the one recorded when they looked.
    """
    versions = dict(Packet.objects.filter(person=person, cycle=cycle).values_list("pk", "version"))
    events = (
        AuditEvent.objects.filter(
            object_type=Packet._meta.label_lower,
            object_id__in=[str(packet_id) for packet_id in versions],
            action__in=[str(action) for action in OPENING_ACTIONS],
        )
        .exclude(actor__isnull=False, actor=person.user_id)
        .select_related("actor__person")
        .order_by("-at", "-pk")
    )
    return tuple(
        AccessEntry(
            at=event.at,
            actor=_actor_name(event),
            role=str(event.detail.get("role") or "other"),
            action=event.action.removeprefix("packet."),
            version=versions[int(event.object_id)],
        )
        for event in events
    )


def _actor_name(event: AuditEvent) -> str:
    person = getattr(event.actor, "person", None) if event.actor is not None else None
    return person.name if isinstance(person, Person) else event.actor_label


def packet_versions_diff_get(*, person: Person, cycle: ReviewCycle) -> VersionsDiff | None:
    """Released version against the latest finished one; None when nothing is released or nothing newer exists."""
    release = current_release_get(person=person, cycle=cycle)
    latest = Packet.objects.filter(person=person, cycle=cycle, status=Packet.Status.DONE).order_by("-version").first()
    if release is None or latest is None or latest.pk == release.packet_id:
        return None
    before, after = stored_facts(release.packet.facts), stored_facts(latest.facts)
    before_items = {item["key"]: item for item in before.get("work_items", [])}
    after_items = {item["key"]: item for item in after.get("work_items", [])}
    figures = []
    pairs = (
        ("AI-assisted", before["outcomes"]["ai_assisted"], after["outcomes"]["ai_assisted"]),
        ("other work", before["outcomes"]["other"], after["outcomes"]["other"]),
    )
    for group, was_group, now_group in pairs:
        for _section, key, label, unit in OUTCOME_FIGURES:
            was, now = outcome_figure(was_group, key, unit), outcome_figure(now_group, key, unit)
            if was != now:
                figures.append((f"{label}, {group}", was, now))
    return VersionsDiff(
        released_version=release.packet.version,
        latest_version=latest.version,
        items_added=tuple(sorted(set(after_items) - set(before_items))),
        items_removed=tuple(sorted(set(before_items) - set(after_items))),
        figures_changed=tuple(figures),
        corrections_applied=tuple(
            sorted(
                key
                for key, item in after_items.items()
                if item["correction"] is not None
                and (key not in before_items or before_items[key]["correction"] != item["correction"])
            )
        ),
    )


def manager_chain_get(*, person: Person) -> tuple[Person, ...]:
    """Everyone above the person in the org chart, direct manager first: who sees a released packet.

    One query per level; a loop in the chart (which the data should never hold) ends the walk.
    """
    chain: list[Person] = []
    seen = {person.pk}
    manager_id = person.manager_id
    while manager_id is not None and manager_id not in seen:
        manager = Person.objects.filter(pk=manager_id).first()
        if manager is None:
            break
        chain.append(manager)
        seen.add(manager.pk)
        manager_id = manager.manager_id
    return tuple(chain)


def release_history_get(*, person: Person, cycle: ReviewCycle) -> tuple[PacketRelease, ...]:
    """Every release of the person's packet for the cycle, newest first, withdrawn and superseded ones included."""
    return tuple(
        PacketRelease.objects.filter(person=person, cycle=cycle)
        .select_related("packet")
        .order_by("-released_at", "-pk")
    )
