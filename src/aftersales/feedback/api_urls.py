from django.urls import path

from . import api

urlpatterns = [
    path("surveys/summary/", api.SurveySummaryApi.as_view(), name="api-surveys-summary"),
    path("surveys/responses/", api.SurveyResponseApi.as_view(), name="api-surveys-responses"),
    path("followups/", api.FollowUpListApi.as_view(), name="api-followups"),
]
