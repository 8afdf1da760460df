from django.urls import path

from vae_inversee.www.certifications import views

app_name = "certifications"

urlpatterns = [
    path("", views.certification_list, name="list"),
    path("<int:pk>/", views.certification_detail, name="detail"),
]
