"""Routes of the knowledge pages (/knowledge/)."""

from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("review/", views.review_list, name="review"),
    path("new/", views.article_new, name="article-new"),
    path("common-problems/", views.common_problems, name="common-problems"),
    path("manual/", views.manual, name="manual"),
    path("manual.pdf", views.manual_pdf, name="manual-pdf"),
    path("suggest/", views.suggest_fragment, name="suggest"),
    path("cases/<str:number>/use/", views.case_use, name="case-use"),
    path("cases/<str:number>/fault-code/", views.case_fault_code, name="case-fault-code"),
    path("<str:number>/", views.article_detail, name="article"),
    path("<str:number>/edit/", views.article_edit, name="article-edit"),
    path("<str:number>/submit/", views.article_submit, name="article-submit"),
    path("<str:number>/review/", views.article_review, name="article-review"),
    path("<str:number>/archive/", views.article_archive, name="article-archive"),
    path("<str:number>/files/", views.article_upload, name="article-upload"),
    path("<str:number>/files/<int:pk>/", views.article_file, name="article-file"),
]
