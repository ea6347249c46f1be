"""Routes of the claim pages (filled in with its views)."""

urlpatterns: list = []
