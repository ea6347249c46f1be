"""Routes of the work_order API (filled in with its views)."""

urlpatterns: list = []
