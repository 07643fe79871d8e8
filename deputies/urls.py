app_name = "deputies"

urlpatterns = []
