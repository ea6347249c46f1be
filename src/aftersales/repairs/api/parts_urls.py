"""Routes of the parts API (filled in with its views)."""

urlpatterns: list = []
