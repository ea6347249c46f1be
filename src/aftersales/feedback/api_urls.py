from django.urls import path

from . import api

urlpatterns = [
    path("surveys/summary/", api.SurveySummaryApi.as_view(), name="api-surveys-summary"),
    path("surveys/responses/", api.SurveyResponseApi.as_view(), name="api-surveys-responses"),
    path("followups/", api.FollowUpListApi.as_view(), name="api-followups"),
    # FB-5
    path(
        "feedback/self-inspections/",
        api.SelfInspectionListApi.as_view(),
        name="api-self-inspections",
    ),
    path(
        "feedback/self-inspections/<str:number>/",
        api.SelfInspectionDetailApi.as_view(),
        name="api-self-inspection",
    ),
    path(
        "feedback/self-inspections/<str:number>/results/",
        api.SelfInspectionResultsApi.as_view(),
        name="api-self-inspection-results",
    ),
    path(
        "feedback/self-inspections/<str:number>/finish/",
        api.SelfInspectionFinishApi.as_view(),
        name="api-self-inspection-finish",
    ),
    path("feedback/meetings/", api.MeetingListApi.as_view(), name="api-meetings"),
    path("feedback/meetings/<str:number>/", api.MeetingDetailApi.as_view(), name="api-meeting"),
    path(
        "feedback/meetings/<str:number>/actions/<int:id>/done/",
        api.MeetingActionDoneApi.as_view(),
        name="api-meeting-action-done",
    ),
]
