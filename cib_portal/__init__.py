"""The CIB portal project package. The Celery app is bound in CibPortalConfig.ready()."""
