"""The pages' URLs, named under the `reviews` namespace (`reviews:packet-preview`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from reviews.views import audit, auth, calibration, coverage, cycles, home, packets, team

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
]
