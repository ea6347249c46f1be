"""Routes of the card pages (filled in with its views)."""

urlpatterns: list = []
