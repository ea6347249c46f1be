"""The project's URLs plus three views that fail on purpose, for ``test_error_pages``."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path

from config import urls as project

handler404 = project.handler404
handler500 = project.handler500


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a bug")


def form(request):
    return HttpResponse("ok")


urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/broken/", broken),
    path("api/v1/test-errors/broken/", broken),
    path("test-errors/form/", form),
    *project.urlpatterns,
]
