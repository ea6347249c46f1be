"""Routes of the care pages (filled in with its views)."""

urlpatterns: list = []
