"""Routes of the card API (filled in with its views)."""

urlpatterns: list = []
