
app_name = "quality"
urlpatterns: list = []
