from django.urls import path

from .views import home, inspections, liaison, nonconformances, recalls, releases, trace

app_name = "quality"

urlpatterns = [
    path("", home.home, name="home"),
    # inspections and plans (QC-1, QC-2, QC-6)
    path("inspections/", inspections.inspection_list, name="inspection-list"),
    path("inspections/new/", inspections.inspection_create, name="inspection-create"),
    path(
        "inspections/<int:inspection_id>/", inspections.inspection_detail, name="inspection-detail"
    ),
    path(
        "inspections/<int:inspection_id>/report.pdf",
        inspections.inspection_report,
        name="inspection-report",
    ),
    path(
        "inspections/<int:inspection_id>/attachment/",
        inspections.inspection_attachment,
        name="inspection-attachment",
    ),
    path(
        "certificates/<int:certificate_id>.pdf",
        inspections.certificate_download,
        name="certificate-pdf",
    ),
    path("plans/", inspections.plan_list, name="plan-list"),
    path("plans/new/", inspections.plan_create, name="plan-create"),
    path("plans/<int:plan_id>/", inspections.plan_detail, name="plan-detail"),
    # emergency release (QC-3)
    path("releases/", releases.release_list, name="release-list"),
    path("releases/request/", releases.release_request, name="release-request"),
    path(
        "releases/<int:release_id>/<str:decision>/", releases.release_decide, name="release-decide"
    ),
    # nonconformances and corrective actions (QC-7)
    path("nonconformances/", nonconformances.nc_list, name="nc-list"),
    path("nonconformances/new/", nonconformances.nc_create, name="nc-create"),
    path("nonconformances/<int:nc_id>/", nonconformances.nc_detail, name="nc-detail"),
    path(
        "nonconformances/<int:nc_id>/investigate/",
        nonconformances.nc_investigate,
        name="nc-investigate",
    ),
    path("nonconformances/<int:nc_id>/actions/", nonconformances.action_add, name="action-add"),
    path("nonconformances/<int:nc_id>/verify/", nonconformances.nc_verify, name="nc-verify"),
    path(
        "actions/<int:action_id>/complete/", nonconformances.action_complete, name="action-complete"
    ),
    # traceability (QC-4, QC-5) and responsibility (S8)
    path("trace/", trace.trace_search, name="trace"),
    path("trace/batches/<int:batch_id>/", trace.batch_trace, name="trace-batch"),
    path("trace/serials/<int:serial_id>/", trace.serial_trace, name="trace-serial"),
    path(
        "judgements/<str:subject_type>/<int:subject_id>/",
        trace.judgement_form,
        name="judgement",
    ),
    # recall (QC-5)
    path("recall/", recalls.recall_preview, name="recall-preview"),
    path("recall/export/", recalls.recall_list_export, name="recall-export"),
    path("recalls/", recalls.recall_list, name="recall-list"),
    path("recalls/<int:recall_id>/", recalls.recall_detail, name="recall-detail"),
    path(
        "recalls/<int:recall_id>/export/", recalls.recall_export_view, name="recall-detail-export"
    ),
    path("recalls/<int:recall_id>/close/", recalls.recall_close_view, name="recall-close"),
    path("recall-tasks/<int:task_id>/", recalls.recall_task, name="recall-task"),
    # liaison forms (QC-8)
    path("liaison/", liaison.liaison_list, name="liaison-list"),
    path("liaison/new/", liaison.liaison_create, name="liaison-create"),
    path("liaison/<int:form_id>/", liaison.liaison_detail, name="liaison-detail"),
    path("liaison/<int:form_id>/<str:step>/", liaison.liaison_step, name="liaison-step"),
]
