from django.urls import path

from . import api

urlpatterns = [
    path("quality/plans/", api.PlanListCreateApi.as_view(), name="api-plan-list"),
    path("quality/plans/<int:plan_id>/", api.PlanDetailApi.as_view()),
    path("quality/inspections/", api.InspectionListCreateApi.as_view(), name="api-inspections"),
    path("quality/inspections/<int:inspection_id>/", api.InspectionDetailApi.as_view()),
    path("quality/emergency-releases/", api.ReleaseListCreateApi.as_view()),
    path("quality/emergency-releases/<int:release_id>/approve/", api.ReleaseApproveApi.as_view()),
    path("quality/emergency-releases/<int:release_id>/reject/", api.ReleaseRejectApi.as_view()),
    path("batches/<int:batch_id>/emergency-release/", api.BatchEmergencyReleaseApi.as_view()),
    path("quality/nonconformances/", api.NonconformanceListCreateApi.as_view()),
    path("quality/nonconformances/<int:nc_id>/", api.NonconformanceDetailApi.as_view()),
    path("quality/nonconformances/<int:nc_id>/actions/", api.ActionCreateApi.as_view()),
    path("quality/nonconformances/<int:nc_id>/verify/", api.NonconformanceVerifyApi.as_view()),
    path("quality/actions/<int:action_id>/complete/", api.ActionCompleteApi.as_view()),
    path("quality/judgements/", api.JudgementApi.as_view()),
    path("quality/liaison-forms/", api.LiaisonListCreateApi.as_view()),
    path("quality/liaison-forms/<int:form_id>/", api.LiaisonDetailApi.as_view()),
    path("quality/liaison-forms/<int:form_id>/route/", api.LiaisonRouteApi.as_view()),
    path("quality/liaison-forms/<int:form_id>/handle/", api.LiaisonHandleApi.as_view()),
    path("quality/liaison-forms/<int:form_id>/verify/", api.LiaisonVerifyApi.as_view()),
    path(
        "quality/liaison-forms/<int:form_id>/nonconformance/",
        api.LiaisonNonconformanceApi.as_view(),
    ),
    path("quality/trace/", api.TraceLookupApi.as_view()),
    path("quality/batches/<int:batch_id>/trace/", api.BatchTraceApi.as_view()),
    path("quality/serials/<int:serial_id>/trace/", api.SerialTraceApi.as_view()),
    path("quality/recalls/", api.RecallListCreateApi.as_view()),
    path("quality/recalls/<int:recall_id>/close/", api.RecallCloseApi.as_view()),
    path("quality/recall-tasks/<int:task_id>/", api.RecallTaskApi.as_view()),
]
