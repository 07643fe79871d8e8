"""API v1 endpoints of this app."""

urlpatterns = []


def register(router):
    """Add this app's viewsets to the v1 router."""
