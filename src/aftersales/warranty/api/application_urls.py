"""Routes of the application API (filled in with its views)."""

urlpatterns: list = []
