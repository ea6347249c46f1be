"""The desk's overview: how much open work there is, where it waits and what is late."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def overview(request):
    data = selectors.desk_overview(request.user)
    top = max([s["count"] for s in data["statuses"]] + [k["count"] for k in data["kinds"]] + [1])
    for row in data["statuses"] + data["kinds"]:
        row["width"] = round(100 * row["count"] / top, 1)
    return render(request, "service/overview.html", {"o": data})
