"""The pages' URLs, named under the `reviews` namespace (`reviews:packet-preview`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from reviews.views import auth, calibration, home, packets, team

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
]
