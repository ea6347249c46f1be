from django.urls import path

from .views import analysis, followups, meetings, public, self_inspections, surveys

app_name = "feedback"

urlpatterns = [
    path("follow-ups/", followups.follow_up_list, name="follow-ups"),
    path("follow-ups/<str:number>/", followups.follow_up_detail, name="follow-up"),
    path("satisfaction/", surveys.stats, name="stats"),
    path("satisfaction/register/", surveys.register, name="register"),
    path("satisfaction/<int:pk>/", surveys.survey_detail, name="survey"),
    path("complaints/analysis/", analysis.complaint_analysis, name="analysis"),
    path("complaints/proposals/new/", analysis.proposal_new, name="proposal-new"),
    path("complaints/proposals/<str:number>/", analysis.proposal_detail, name="proposal"),
    path("complaints/reports/", analysis.report_list, name="reports"),
    path("complaints/reports/<str:month>.pdf", analysis.report_download, name="report"),
    # FB-5: self-inspection and service meetings
    path(
        "self-inspections/",
        self_inspections.self_inspection_list,
        name="self-inspections",
    ),
    path(
        "self-inspections/new/",
        self_inspections.self_inspection_new,
        name="self-inspection-new",
    ),
    path(
        "self-inspections/<str:number>/",
        self_inspections.self_inspection_detail,
        name="self-inspection",
    ),
    path(
        "self-inspections/<str:number>/finish/",
        self_inspections.self_inspection_finish_view,
        name="self-inspection-finish",
    ),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_new, name="meeting-new"),
    path("meetings/actions/", meetings.meeting_action_list, name="meeting-actions"),
    path("meetings/<str:number>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<str:number>/edit/", meetings.meeting_edit, name="meeting-edit"),
    path(
        "meetings/<str:number>/actions/<int:pk>/done/",
        meetings.meeting_action_done_view,
        name="meeting-action-done",
    ),
]

# The SMS link: short, public, outside the staff pages.
public_urlpatterns = [path("<str:token>/", public.answer, name="answer")]
