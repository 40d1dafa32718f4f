from django.urls import path

from . import views, views_report

app_name = "reviews"

urlpatterns = [
    path("bookings/", views.booking_list, name="booking_list"),
    path("bookings/new/", views.request_start, name="request_start"),
    path("bookings/new/check/", views.request_check, name="request_check"),
    path("bookings/new/<slug:step>/", views.request_step, name="request_step"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path(
        "bookings/<int:pk>/confirmation/",
        views.booking_confirmation,
        name="booking_confirmation",
    ),
    path("bookings/<int:pk>/advance/", views.booking_advance, name="booking_advance"),
    path("bookings/<int:pk>/report/", views_report.report_page, name="report"),
    path("bookings/<int:pk>/report/publish/", views_report.report_publish, name="report_publish"),
    path("bookings/<int:pk>/report/pdf/", views_report.report_pdf, name="report_pdf"),
    path("bookings/<int:pk>/reschedule/", views.booking_reschedule_page, name="booking_reschedule"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel_page, name="booking_cancel"),
    path("bookings/<int:pk>/override/", views.booking_override_page, name="booking_override"),
]
