"""Routes of the parts pages (filled in with its views)."""

urlpatterns: list = []
