"""Routes of the application pages (filled in with its views)."""

urlpatterns: list = []
