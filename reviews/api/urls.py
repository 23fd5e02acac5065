"""The API's URLs, one block per resource module; the evidence side's resources stay under /api/evidence/."""

from __future__ import annotations

from django.urls import path

from reviews.api import (
    attribution_rules,
    audit_events,
    calibration,
    cycles,
    exports,
    packets,
    repositories,
    runs,
    self_review,
    usage_imports,
)

SELF_REVIEW = "cycles/<int:cycle_id>/self-review/"

urlpatterns = [
    path("cycles/", cycles.CycleListApi.as_view(), name="api-cycles"),
    path("cycles/<int:cycle_id>/", cycles.CycleDetailApi.as_view(), name="api-cycle"),
    path("cycles/<int:cycle_id>/board/", cycles.CycleBoardApi.as_view(), name="api-cycle-board"),
    path("cycles/<int:cycle_id>/runs/", cycles.CycleRunStartApi.as_view(), name="api-cycle-run-start"),
    path("cycles/<int:cycle_id>/exports/", cycles.CycleExportStartApi.as_view(), name="api-cycle-export-start"),
    path(SELF_REVIEW, self_review.SelfReviewApi.as_view(), name="api-self-review"),
    path(f"{SELF_REVIEW}corrections/", self_review.CorrectionCreateApi.as_view(), name="api-self-review-corrections"),
    path(
        f"{SELF_REVIEW}corrections/<path:item>/",
        self_review.CorrectionDeleteApi.as_view(),
        name="api-self-review-correction",
    ),
    path(f"{SELF_REVIEW}highlights/", self_review.HighlightsApi.as_view(), name="api-self-review-highlights"),
    path(f"{SELF_REVIEW}flags/<str:kind>/", self_review.FlagExplanationApi.as_view(), name="api-self-review-flag"),
    path(f"{SELF_REVIEW}narrative/", self_review.NarrativeApi.as_view(), name="api-self-review-narrative"),
    path(f"{SELF_REVIEW}versions/", self_review.VersionStartApi.as_view(), name="api-self-review-versions"),
    path(f"{SELF_REVIEW}release/", self_review.ReleaseApi.as_view(), name="api-self-review-release"),
    path(f"{SELF_REVIEW}withdraw/", self_review.WithdrawApi.as_view(), name="api-self-review-withdraw"),
    path(f"{SELF_REVIEW}access-log/", self_review.AccessLogApi.as_view(), name="api-self-review-access-log"),
    path("cycles/<int:cycle_id>/team/", calibration.TeamApi.as_view(), name="api-cycle-team"),
    path(
        "cycles/<int:cycle_id>/calibration-sheet/",
        calibration.CycleCalibrationSheetApi.as_view(),
        name="api-cycle-calibration-sheet",
    ),
    path(
        "cycles/<int:cycle_id>/people/<int:person_id>/calibration-note/",
        calibration.CalibrationNoteApi.as_view(),
        name="api-calibration-note",
    ),
    path(
        "calibration-groups/<int:group_id>/sheet/",
        calibration.CalibrationGroupSheetApi.as_view(),
        name="api-calibration-group-sheet",
    ),
    path("runs/<int:run_id>/", runs.RunDetailApi.as_view(), name="api-run"),
    path("exports/<int:export_id>/", exports.ExportDetailApi.as_view(), name="api-export"),
    path("runs/<int:run_id>/failures/", runs.RunFailureListApi.as_view(), name="api-run-failures"),
    path("runs/<int:run_id>/retry/", runs.RunRetryApi.as_view(), name="api-run-retry"),
    path("exports/<int:export_id>/zip/", exports.ExportZipApi.as_view(), name="api-export-zip"),
    path("exports/<int:export_id>/files/<slug:file>/", exports.ExportFileApi.as_view(), name="api-export-file"),
    path("audit-events/", audit_events.AuditEventListApi.as_view(), name="api-audit-events"),
    path("packets/", packets.PacketListApi.as_view(), name="api-packets"),
    path("packets/<int:packet_id>/", packets.PacketDetailApi.as_view(), name="api-packet"),
    path("packets/<int:packet_id>/pdf/", packets.PacketPdfApi.as_view(), name="api-packet-pdf"),
    path("evidence/usage/imports/", usage_imports.UsageImportCreateApi.as_view(), name="api-usage-imports"),
    path(
        "evidence/usage/imports/<int:batch_id>/", usage_imports.UsageImportDetailApi.as_view(), name="api-usage-import"
    ),
    path("evidence/repositories/", repositories.RepositoryListApi.as_view(), name="api-evidence-repositories"),
    path(
        "evidence/repositories/<int:repository_id>/sync/",
        repositories.RepositorySyncApi.as_view(),
        name="api-evidence-repository-sync",
    ),
    path(
        "evidence/attribution-rules/",
        attribution_rules.AttributionRuleListApi.as_view(),
        name="api-evidence-attribution-rules",
    ),
]
