"""The pages' URLs, named under the `reviews` namespace (`reviews:packet-preview`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from reviews.views import auth, home, packets

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
]
