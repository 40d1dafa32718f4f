"""/early-support/backtest/: the backtest of the risk rules, for advisers."""

from django.urls import path

from . import views_backtest

urlpatterns: list = [
    path("", views_backtest.backtest_page, name="backtest"),
]
