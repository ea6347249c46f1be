from django.urls import path

from . import api

urlpatterns = [
    path("staff/scorecards/", api.ScorecardListApi.as_view(), name="api-staff-scorecards"),
    path(
        "staff/people/<str:username>/training/",
        api.TrainingRecordApi.as_view(),
        name="api-staff-training",
    ),
]
