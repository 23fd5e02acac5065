"""The pages' URLs, named under the `reviews` namespace (`reviews:packet-preview`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from reviews.views import audit, auth, calibration, coverage, cycles, home, packets, team
from reviews.views.self_review import views as self_review

app_name = "reviews"

urlpatterns = [
    path("", home.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="reviews/auth/login.html", extra_context={"demo_login": settings.DEMO_LOGIN}
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("demo-login/", auth.demo_login, name="demo-login"),
    path("packets/<int:packet_id>/", packets.packet_preview, name="packet-preview"),
    path("packets/<int:packet_id>/pdf/", packets.packet_download, name="packet-download"),
    path("packets/<int:packet_id>/release/", packets.packet_release_view, name="packet-release"),
    path("packets/<int:packet_id>/calibration/", calibration.packet_calibration_preview, name="packet-calibration"),
    path("cycles/<int:cycle_id>/team/", team.team_page, name="team"),
    path("cycles/<int:cycle_id>/calibration/", calibration.calibration_sheet_page, name="calibration-sheet"),
    path(
        "cycles/<int:cycle_id>/calibration/pdf/",
        calibration.calibration_sheet_download,
        name="calibration-sheet-pdf",
    ),
    path(
        "cycles/<int:cycle_id>/people/<int:person_id>/calibration-note/",
        calibration.calibration_note_save,
        name="calibration-note",
    ),
    path("calibration-groups/<int:group_id>/", calibration.calibration_group_page, name="calibration-group"),
    path(
        "calibration-groups/<int:group_id>/pdf/", calibration.calibration_group_download, name="calibration-group-pdf"
    ),
    path("cycles/", cycles.cycle_list_view, name="cycle-list"),
    path("cycles/new/", cycles.cycle_create_view, name="cycle-create"),
    path("cycles/<int:cycle_id>/", cycles.cycle_detail_view, name="cycle-detail"),
    path("cycles/<int:cycle_id>/edit/", cycles.cycle_edit_view, name="cycle-edit"),
    path("cycles/<int:cycle_id>/board/", cycles.cycle_board_view, name="cycle-board"),
    path("cycles/<int:cycle_id>/transition/", cycles.cycle_transition_view, name="cycle-transition"),
    path("cycles/<int:cycle_id>/runs/", cycles.cycle_run_start_view, name="cycle-run-start"),
    path("cycles/<int:cycle_id>/exports/", cycles.cycle_export_start_view, name="cycle-export-start"),
    path("runs/<int:run_id>/", cycles.run_detail_view, name="run-detail"),
    path("runs/<int:run_id>/progress/", cycles.run_progress_view, name="run-progress"),
    path("runs/<int:run_id>/retry/", cycles.run_retry_view, name="run-retry"),
    path("exports/<int:export_id>/", cycles.export_detail_view, name="export-detail"),
    path("exports/<int:export_id>/progress/", cycles.export_progress_view, name="export-progress"),
    path("exports/<int:export_id>/files/<slug:file>/", cycles.export_file_view, name="export-file"),
    path("coverage/", coverage.coverage_view, name="coverage"),
    path("coverage/actors/<int:actor_id>/map/", coverage.actor_map_view, name="coverage-actor-map"),
    path("coverage/commit-emails/map/", coverage.commit_email_map_view, name="coverage-commit-email-map"),
    path("audit/", audit.audit_list_view, name="audit-list"),
    path("audit/events.csv", audit.audit_csv_view, name="audit-csv"),
    path("cycles/<int:cycle_id>/self-review/", self_review.self_review_page, name="self-review"),
    path("cycles/<int:cycle_id>/self-review/correct/", self_review.correction_form_page, name="self-review-correct"),
    path("cycles/<int:cycle_id>/self-review/corrections/", self_review.correction_save, name="self-review-corrections"),
    path(
        "cycles/<int:cycle_id>/self-review/corrections/remove/",
        self_review.correction_remove,
        name="self-review-correction-remove",
    ),
    path("cycles/<int:cycle_id>/self-review/highlights/", self_review.highlights_save, name="self-review-highlights"),
    path(
        "cycles/<int:cycle_id>/self-review/highlights/pick/",
        self_review.highlight_pick,
        name="self-review-highlight-pick",
    ),
    path(
        "cycles/<int:cycle_id>/self-review/flags/<slug:kind>/",
        self_review.flag_explanation_save,
        name="self-review-flag",
    ),
    path("cycles/<int:cycle_id>/self-review/narrative/", self_review.narrative_save, name="self-review-narrative"),
    path("cycles/<int:cycle_id>/self-review/versions/", self_review.version_start, name="self-review-versions"),
    path(
        "cycles/<int:cycle_id>/self-review/versions/latest/",
        self_review.version_status,
        name="self-review-version-status",
    ),
    path("cycles/<int:cycle_id>/self-review/release/", self_review.release_confirm, name="self-review-release"),
    path("cycles/<int:cycle_id>/self-review/withdraw/", self_review.release_withdraw, name="self-review-withdraw"),
]
