"""Routes of the care API (filled in with its views)."""

urlpatterns: list = []
