"""The admin site is a window on the workflow, never a second door (product.md section 2).

`ReadOnlyAdmin` shows a model without letting anyone add, change or delete it; `ReadOnlyHistoryAdmin`
adds the field history without its "revert" (django-simple-history would otherwise save an old version
of the row straight to the database, past every service and transition).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """The field history, read-only: a past version is shown, never written back."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("L'historique se consulte ; il ne se restaure pas.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyHistoryAdmin(NoRevertHistoryAdmin, ReadOnlyAdmin):
    pass
