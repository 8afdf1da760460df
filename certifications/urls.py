from django.urls import path

from certifications import views

app_name = "certifications"

urlpatterns = [
    path("", views.certification_list, name="list"),
]
