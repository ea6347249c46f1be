from django.urls import path

from .views import indicators, people, scorecards, training

app_name = "staff"

urlpatterns = [
    path("", people.home, name="home"),
    path("people/", people.people_list, name="people"),
    path("people/<str:username>/", people.person_detail, name="person"),
    path("certificates/<int:pk>.pdf", people.certificate, name="certificate"),
    path("training/", training.course_list, name="courses"),
    path("training/courses/new/", training.course_new, name="course-new"),
    path("training/courses/<slug:code>/", training.course_detail, name="course"),
    path("training/courses/<slug:code>/edit/", training.course_edit, name="course-edit"),
    path("training/materials/<int:pk>/", training.material_download, name="material"),
    path("training/sessions/", training.session_list, name="sessions"),
    path("training/sessions/new/", training.session_new, name="session-new"),
    path("training/sessions/<str:number>/", training.session_detail, name="session"),
    path("training/plans/", training.plan_list, name="plans"),
    path("training/plans/save/", training.plan_save, name="plan-save"),
    path("indicators/", indicators.indicator_list, name="indicators"),
    path("scorecards/", scorecards.ranking, name="scorecards"),
    path("scorecards/compute/", scorecards.compute, name="scorecards-compute"),
    path("scorecards/<int:pk>/", scorecards.scorecard_detail, name="scorecard"),
    path("scorecards/<int:pk>/<str:action>/", scorecards.scorecard_step, name="scorecard-step"),
    path("scorecards/<int:pk>/lines/<slug:code>/", scorecards.line_records, name="scorecard-line"),
]
