from __future__ import annotations

from django.urls import path

from reviews.api import views

urlpatterns = [
    path("cycles/", views.CycleListApi.as_view(), name="api-cycles"),
    path("cycles/<int:cycle_id>/runs/", views.CycleRunStartApi.as_view(), name="api-cycle-run-start"),
    path("cycles/<int:cycle_id>/exports/", views.CycleExportStartApi.as_view(), name="api-cycle-export-start"),
    path("runs/<int:run_id>/", views.RunDetailApi.as_view(), name="api-run"),
    path("exports/<int:export_id>/", views.ExportDetailApi.as_view(), name="api-export"),
    path("exports/<int:export_id>/zip/", views.ExportZipApi.as_view(), name="api-export-zip"),
    path("packets/", views.PacketListApi.as_view(), name="api-packets"),
    path("packets/<int:packet_id>/", views.PacketDetailApi.as_view(), name="api-packet"),
    path("packets/<int:packet_id>/pdf/", views.PacketPdfApi.as_view(), name="api-packet-pdf"),
]
