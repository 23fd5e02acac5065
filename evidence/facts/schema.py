"""The evidence facts JSON, typed: one `TypedDict` per object of docs/evidence-schema.json (version 1).

The facts are the one source of packets, pages, exports and the API, so every builder returns these types and
every reader takes them: renaming a key fails mypy wherever it is read. A test walks these types and the JSON
Schema and fails on any key or required-ness that differs. Keys added within version 1 (`confidence` outside
outcomes and patterns, `refactor_lines_moved`, `provenance.commits_with_moves_measured`, `work_items`) are `NotRequired`:
facts stored before them lack them, and readers say "no data".
"""

from __future__ import annotations

from typing import Final, Literal, NotRequired, TypedDict, cast, final

from reviews.errors import ApplicationError

EVIDENCE_SCHEMA: Final = "tokenproof.evidence/1"

Level = Literal["high", "medium", "low"]
TeamBand = Literal["below", "near", "above"]
PatternKind = Literal["delegation", "exploration", "iterative_debugging", "review_assistance", "inline_completion"]
FlagKind = Literal["unlinked_usage", "idle_loop", "volume_spike"]
WorkItemKind = Literal["pull_request", "commit"]
HighlightKind = WorkItemKind
Verdict = Literal["attributed", "temporal", "none"]


class ConfidenceDict(TypedDict):
    """How sure a figure group is, read from properties of the data behind it (evidence.facts.confidence)."""

    level: Level
    basis: str


class UsageConfidenceDict(ConfidenceDict):
    per_user_share: float | None  # share of usage (by tokens) from per-user identities, 0..1


class CostConfidenceDict(ConfidenceDict):
    computed_cost_share: float  # share of the cost computed at list prices, 0..1


class SplitConfidenceDict(ConfidenceDict):
    """How sure the AI-assisted/other split is; the counts are in `ai_assisted` only."""

    direct_commits: NotRequired[int]
    temporal_commits: NotRequired[int]
    direct_prs: NotRequired[int]
    temporal_prs: NotRequired[int]


class ManagerDict(TypedDict):
    email: str
    name: str


class PersonDict(TypedDict):
    email: str
    name: str
    team: str
    manager: ManagerDict | None


class PeriodDict(TypedDict):
    """A review cycle's name and its first and last day (ISO dates)."""

    name: str
    start: str
    end: str


class CycleDict(PeriodDict):
    previous: PeriodDict | None  # the latest cycle ending before this one starts


class ToolUsageDict(TypedDict):
    tool: str
    provider: str
    active_days: int
    sessions: int
    models: list[str]


class ModelUsageDict(TypedDict):
    model: str
    requests: int
    tokens: int


class PurposeUsageDict(TypedDict):
    """Tokens and cost of one purpose (evidence.facts.usage.by_purpose): context, ordered by purpose."""

    purpose: str
    mapped: bool
    tokens: int
    cost_usd: float | None


class TokensDict(TypedDict):
    """Tokens by kind, kept apart (tokens, not thousands)."""

    input_uncached: int
    cache_read: int
    cache_write: int
    output: int


class AcceptanceDict(TypedDict):
    accepted: int
    rejected: int
    rate: float | None


class CostBandDict(TypedDict):
    """The person's own cost per merged AI-assisted PR (USD) and where it sits against the team median."""

    usd: float | None
    team_band: TeamBand | None
    band_note: str


class CostPerMergedAIPRDict(CostBandDict):
    confidence: NotRequired[CostConfidenceDict | None]  # None when usd is None


class DailyUsageDict(TypedDict):
    day: str
    tokens: int
    linked: bool


class UsageProvenanceDict(TypedDict):
    sources: list[str]
    first_day: str | None
    last_day: str | None
    records: int


class UsageDict(TypedDict):
    """How much AI was used: context only, never an outcome and never a rank."""

    tools: list[ToolUsageDict]
    models: list[ModelUsageDict]
    by_purpose: NotRequired[list[PurposeUsageDict]]  # added within version 1: facts stored before lack it
    active_days: int
    sessions: int
    tokens: TokensDict
    cost_usd: float | None
    cache_read_share: float | None
    acceptance: AcceptanceDict
    cost_per_merged_ai_pr: CostPerMergedAIPRDict
    daily: list[DailyUsageDict]
    provenance: UsageProvenanceDict
    confidence: NotRequired[UsageConfidenceDict]


class WorkDict(TypedDict):
    commits: int
    pull_requests: int
    reviews_given: int
    repositories: list[str]
    confidence: NotRequired[ConfidenceDict]


class OutcomeProvenanceDict(TypedDict):
    commits_with_survival_measured: int
    survival_measured_at: str | None  # ISO 8601 UTC
    commits_with_moves_measured: NotRequired[int]


class OutcomeDict(TypedDict):
    """What came of one group of work items (AI-assisted, or the person's other work) in one cycle."""

    commits: int
    prs_opened: int
    prs_merged: int
    merge_rate: float | None
    median_hours_to_merge: float | None
    review_rounds_per_pr: float | None
    median_pr_lines: int | None
    lines_added: int
    lines_surviving: int
    survival_share: float | None
    reverted: int
    follow_up_fix_lines: int
    tests_touched: int
    issues_closed: int
    refactor_lines_deleted: int
    refactor_lines_moved: NotRequired[int]
    confidence: NotRequired[SplitConfidenceDict]
    provenance: NotRequired[OutcomeProvenanceDict]


class OutcomePairDict(TypedDict):
    ai_assisted: OutcomeDict
    other: OutcomeDict  # no AI signal found: unknown, not proven human


class OutcomesDict(OutcomePairDict):
    previous_cycle: OutcomePairDict | None
    reviews_of_ai_prs: int


class PatternDict(TypedDict):
    kind: PatternKind
    label: str
    summary: str
    rests_on: dict[str, int]  # the counts the pattern rests on, by figure name
    confidence: Level


# Final, so a reader tells the three apart by a key only one of them has (mypy narrows on `in`).
@final
class UnlinkedUsageFiguresDict(TypedDict):
    days: int
    tokens_on_those_days: int
    share_of_coding_tokens: float


@final
class IdleLoopFiguresDict(TypedDict):
    sessions: int
    session_hours: float
    tokens_in_those_sessions: int
    days_without_sessions: int
    tokens_on_those_days: int
    accepted_edits: int
    commits: int


class SpikeWeekDict(TypedDict):
    week_start: str
    tokens: int
    commits_and_merged_prs: int


@final
class VolumeSpikeFiguresDict(TypedDict):
    weeks: list[SpikeWeekDict]
    median_weekly_tokens: float
    median_weekly_commits_and_merged_prs: float


class FlagDict(TypedDict):
    kind: FlagKind
    summary: str
    days: list[str]
    figures: UnlinkedUsageFiguresDict | IdleLoopFiguresDict | VolumeSpikeFiguresDict
    confidence: NotRequired[ConfidenceDict]


class CoverageSourceDict(TypedDict):
    source: str
    first_day: str
    last_day: str
    records: int


class CoverageDict(TypedDict):
    sources: list[CoverageSourceDict]
    usage_linked_share: float | None
    unresolved_identities: int
    # repositories known only from GitHub (no clone, no git blame, so no durability figure), by full name
    repositories_without_blame: NotRequired[list[str]]
    confidence: NotRequired[ConfidenceDict]


class HighlightAIDict(TypedDict):
    tools: list[str]
    reason: str  # a WorkLink.Reason value
    evidence: NotRequired[str]  # what the link rests on, in words: "co-author trailer"
    confidence: float  # the link's confidence, 0..1


class HighlightOutcomeDict(TypedDict):
    merged: bool | None
    survival_share: float | None
    reverted: bool
    confidence: NotRequired[ConfidenceDict]


class HighlightDict(TypedDict):
    kind: HighlightKind
    repository: str
    ref: str
    title: str
    url: str | None
    ai: HighlightAIDict
    outcome: HighlightOutcomeDict
    context: str


class WorkItemAIDict(TypedDict):
    """The machine's verdict on a work item, kept as found whatever the employee says."""

    verdict: Verdict  # attributed: a strong signal; temporal: AI tool use on its days only; none: no signal found
    tool: str  # the tools named by the strongest link, comma-separated; "" when none
    rule: str  # the attribution rule's name, else the link's reason (a WorkLink.Reason value); "" when none
    confidence: float | None  # the strongest link's confidence, 0..1; None when no link


class CorrectionDict(TypedDict):
    """The employee's correction of the machine's verdict: printed beside it, never in its place."""

    ai_assisted: bool
    tool: str
    reason: str


class WorkItemOutcomeDict(TypedDict):
    merged: bool | None  # None for a commit
    survival_share: float | None  # share of added lines still present at the last measurement, 0..1
    reverted: bool  # within 30 days
    follow_up_fix_lines: int  # added lines changed again within 21 days


class WorkItemDict(TypedDict):
    """One pull request or commit of the person's in the cycle, with the group its outcomes are counted in."""

    key: str  # "<repository> <ref>": how corrections and highlights name it, stable across versions
    kind: WorkItemKind
    repository: str
    ref: str  # "#<number>" for a pull request, the first 12 characters of the SHA for a commit
    title: str
    url: str | None
    ai: WorkItemAIDict
    correction: CorrectionDict | None
    ai_assisted: bool  # the group it is counted in: the correction's verdict when there is one, else the machine's
    outcome: WorkItemOutcomeDict


class CaveatDict(TypedDict):
    applies_to: str
    text: str


class EvidenceFactsDict(TypedDict):
    """The facts of one person in one review cycle: what `EvidenceFacts.facts` and `Packet.facts` hold."""

    schema: Literal["tokenproof.evidence/1"]
    person: PersonDict
    cycle: CycleDict
    usage: UsageDict
    work: WorkDict
    outcomes: OutcomesDict
    patterns: list[PatternDict]
    flags: list[FlagDict]
    coverage: CoverageDict
    highlights: list[HighlightDict]
    caveats: list[CaveatDict]
    work_items: NotRequired[list[WorkItemDict]]  # sorted by repository, then kind, then ref


def stored_facts(value: object) -> EvidenceFactsDict:
    """Facts read back from storage (a JSONField) as the typed facts of version 1.

    Only the version is checked: within version 1 keys are added, never removed or renamed
    (docs/evidence-schema.md), so stored v1 facts have every required key. Raises ApplicationError when the
    value is not version 1 facts, naming the `schema` field it found.
    """
    if not isinstance(value, dict) or value.get("schema") != EVIDENCE_SCHEMA:
        found = value.get("schema") if isinstance(value, dict) else type(value).__name__
        raise ApplicationError(f"Stored facts have schema {found!r}, not {EVIDENCE_SCHEMA!r}.")
    return cast(EvidenceFactsDict, value)
