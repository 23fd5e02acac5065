from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from reviews import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="reviews/login.html", extra_context={"demo_login": settings.DEMO_LOGIN}
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("demo-login/", views.demo_login, name="demo-login"),
    path("packets/<int:packet_id>/", views.packet_preview, name="packet-preview"),
    path("packets/<int:packet_id>/pdf/", views.packet_download, name="packet-download"),
    path("packets/<int:packet_id>/release/", views.packet_release_view, name="packet-release"),
    path("api/", include("reviews.api.urls")),
    path("api/evidence/", include("evidence.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]
