"""Routes of the technician pages (/repairs/my/)."""

from django.urls import path

from . import technician

urlpatterns = [
    path("", technician.my_day, name="my-day"),
    path("<str:number>/", technician.my_visit, name="my-visit"),
    path("<str:number>/check-in/", technician.visit_check_in, name="my-visit-check-in"),
    path("<str:number>/pause/", technician.visit_pause, name="my-visit-pause"),
    path("<str:number>/resume/", technician.visit_resume, name="my-visit-resume"),
    path("<str:number>/parts/", technician.visit_add_part, name="my-visit-part"),
    path("<str:number>/photos/", technician.visit_add_photos, name="my-visit-photos"),
    path("<str:number>/photos/<int:pk>/", technician.visit_photo, name="my-visit-photo"),
    path("<str:number>/complete/", technician.visit_complete, name="my-visit-complete"),
    path("<str:number>/signature/", technician.visit_signature, name="my-visit-signature"),
]
