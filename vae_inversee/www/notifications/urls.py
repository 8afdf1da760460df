from django.urls import path

from vae_inversee.www.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("lues/", views.mark_read, name="mark_all_read"),
    path("<int:pk>/lue/", views.mark_read, name="mark_read"),
    path("preferences/", views.preferences, name="preferences"),
]
