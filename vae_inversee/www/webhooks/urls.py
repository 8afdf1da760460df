from django.urls import path

from vae_inversee.www.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("webhooks/", views.webhook_list, name="list"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="detail"),
    path("webhooks/<int:pk>/activation/", views.webhook_toggle, name="toggle"),
    path("webhooks/<int:pk>/supprimer/", views.webhook_delete, name="delete"),
    path("webhooks/<int:pk>/envois/<int:delivery_id>/renvoyer/", views.webhook_redeliver, name="redeliver"),
]
