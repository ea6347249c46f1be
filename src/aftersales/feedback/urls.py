from django.urls import path

from .views import analysis, followups, public, surveys

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
]

# The SMS link: short, public, outside the staff pages.
public_urlpatterns = [path("<str:token>/", public.answer, name="answer")]
