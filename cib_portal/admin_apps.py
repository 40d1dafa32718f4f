from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default = True
    default_site = "cib_portal.admin.PortalAdminSite"
