"""Routes of the policy pages (filled in with its views)."""

urlpatterns: list = []
