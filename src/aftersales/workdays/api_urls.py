from django.urls import path

from . import api

urlpatterns = [
    path("add-working-days/", api.AddWorkingDaysApi.as_view(), name="api-add-working-days"),
    path("period-end/", api.PeriodEndApi.as_view(), name="api-period-end"),
    path(
        "working-days-between/",
        api.WorkingDaysBetweenApi.as_view(),
        name="api-working-days-between",
    ),
    path("calendar/<int:year>/", api.CalendarYearApi.as_view(), name="api-calendar-year"),
    path("notices/", api.NoticeImportApi.as_view(), name="api-notice-import"),
    path("overrides/", api.OverrideListApi.as_view(), name="api-override-list"),
    path("overrides/<str:day>/", api.OverrideDetailApi.as_view(), name="api-override-detail"),
]
