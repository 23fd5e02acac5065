"""The pages' URLs, named under the `reviews` namespace (`reviews:packet-preview`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from reviews.views import auth, home, packets
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
