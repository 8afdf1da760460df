from django.urls import path

from certifications import views

app_name = "certifications"

urlpatterns = [
    path("", views.certification_list, name="list"),
    path("<int:pk>/", views.certification_detail, name="detail"),
]
