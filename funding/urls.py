from django.urls import path

from funding import views

app_name = "funding"

urlpatterns = [
    path("opco/", views.opco_home, name="opco_home"),
]
