"""Routes of the claim API (filled in with its views)."""

urlpatterns: list = []
