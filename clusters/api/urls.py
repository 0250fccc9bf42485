from rest_framework.routers import SimpleRouter

from .views import ClusterViewSet, ClusterYearViewSet

router = SimpleRouter()
router.register("clusters", ClusterViewSet, basename="cluster")
router.register("cluster-years", ClusterYearViewSet, basename="cluster-year")

urlpatterns = router.urls
