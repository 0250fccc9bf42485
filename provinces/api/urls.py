from rest_framework.routers import SimpleRouter

from .views import ProvinceViewSet

router = SimpleRouter()
router.register("provinces", ProvinceViewSet, basename="province")

urlpatterns = router.urls
