"""Routes of the work_order pages (filled in with its views)."""

urlpatterns: list = []
