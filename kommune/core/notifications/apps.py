from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kommune.core.notifications"
    label = "notifications"
    verbose_name = _("Follows, notifications and activity")

    def ready(self) -> None:
        from kommune.core.jinja2 import register_template_global
        from kommune.core.notifications import followables, models, selectors, services, subscribers
        from kommune.core.privacy import register_anonymiser, register_exporter

        followables.register_comment_followable()
        subscribers.register()
        register_exporter("follows", services.export_follows, covers=["notifications.Follow.user"])
        register_exporter("notifications", services.export_notifications,
                          covers=["notifications.Notification.user", "notifications.NotificationSettings.user"])
        register_exporter("activities", services.export_activities, covers=["notifications.Activity.actor"])
        register_anonymiser("notifications", services.delete_personal_data)
        # What notifications/follow_button.html shows, and the unread count of the header's badge.
        register_template_global("follow_state", selectors.follow_state)
        register_template_global("unread_notification_count", selectors.unread_notification_count)
        selectors.FOLLOWS.watch(models.Follow)  # every follow and unfollow, whatever makes it
