"""Routes of the engine API (filled in with its views)."""

urlpatterns: list = []
