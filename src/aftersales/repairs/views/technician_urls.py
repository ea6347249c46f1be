"""Routes of the technician pages (filled in with its views)."""

urlpatterns: list = []
