from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.forms import add_error_to_form, error_text

from . import selectors, services
from .forms import LoginForm, UserCreateForm, UserEditForm
from .permissions import can_manage_users, role_labels, user_roles
from .roles import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", code="sign_in_locked"):
            response.status_code = 429
        return response


class LogoutView(auth_views.LogoutView):
    pass


def _admin_only(request) -> None:
    # Out-of-scope pages look missing, as in the API (404, not 403).
    if not can_manage_users(request.user):
        raise Http404


def _profile(request, *, new_token=None):
    token = new_token or selectors.user_token(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "role_names": role_labels(user_roles(request.user)),
            "new_token": new_token.key if new_token else None,
            "token": token,
            "token_expires_at": selectors.token_expires_at(token) if token else None,
            "token_expired": selectors.token_expired(token) if token else False,
        },
    )


@login_required
def profile(request):
    return _profile(request)


@login_required
@require_POST
def token_rotate(request):
    token = services.user_token_rotate(user=request.user)
    messages.success(request, _("A new API token was issued. Copy it now: it is shown once."))
    return _profile(request, new_token=token)


@login_required
@require_POST
def token_revoke(request):
    """The signed-in person revokes their own API token."""
    if services.user_token_revoke(actor=request.user, user=request.user):
        messages.success(request, _("Your API token was revoked."))
    return redirect("accounts:profile")


@login_required
def user_list(request):
    _admin_only(request)
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    users = selectors.user_list_for_user(request.user, q=q, role=role)
    page = Paginator(users, 25).get_page(request.GET.get("page"))
    template = "accounts/partials/user_table.html" if request.htmx else "accounts/user_list.html"
    return render(
        request,
        template,
        {"page": page, "q": q, "role": role, "roles": Role.choices, "total": users.count()},
    )


@login_required
def user_detail(request, user_id: int):
    _admin_only(request)
    try:
        person = selectors.user_get_for_user(request.user, user_id=user_id)
    except NotFound:
        raise Http404 from None
    token = selectors.user_token(person)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "role_names": role_labels(user_roles(person)),
            "token": token,
            "token_expires_at": selectors.token_expires_at(token) if token else None,
            "token_expired": selectors.token_expired(token) if token else False,
            "failures": selectors.login_failures_for_user(request.user, user=person),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def user_token_revoke(request, user_id: int):
    """An administrator revokes a person's API token."""
    _admin_only(request)
    try:
        person = selectors.user_get_for_user(request.user, user_id=user_id)
        revoked = services.user_token_revoke(actor=request.user, user=person)
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        if revoked:
            messages.success(
                request, _("The API token of %(name)s was revoked.") % {"name": person}
            )
    return redirect("accounts:user-detail", user_id=user_id)


@login_required
@require_POST
def user_unlock(request, user_id: int):
    """An administrator unlocks a person's sign-in from every address."""
    _admin_only(request)
    try:
        person = selectors.user_get_for_user(request.user, user_id=user_id)
        for failure in selectors.login_failures_for_user(request.user, user=person):
            services.login_failure_clear(actor=request.user, failure=failure)
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(name)s may sign in again.") % {"name": person})
    return redirect("accounts:user-detail", user_id=user_id)


@login_required
def user_create(request):
    _admin_only(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                department=data["department"],
                roles=data["roles"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": person})
            return redirect("accounts:user-detail", user_id=person.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_edit(request, user_id: int):
    _admin_only(request)
    try:
        person = selectors.user_get_for_user(request.user, user_id=user_id)
    except NotFound:
        raise Http404 from None
    initial = {
        "full_name": person.full_name,
        "email": person.email,
        "phone": person.phone,
        "department": person.department_id,
        "is_active": person.is_active,
        "roles": sorted(user_roles(person)) if not person.is_superuser else [],
    }
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_update(
                actor=request.user,
                user=person,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                department=data["department"],
                is_active=data["is_active"],
                roles=data["roles"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": person})
            return redirect("accounts:user-detail", user_id=person.pk)
    return render(
        request, "accounts/user_form.html", {"form": form, "creating": False, "person": person}
    )
