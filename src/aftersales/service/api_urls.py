from django.urls import path

from . import api, api_log

urlpatterns = [
    path("tickets/", api.TicketCreateApi.as_view(), name="api-ticket-create"),
    path("tickets/overview/", api.TicketOverviewApi.as_view(), name="api-ticket-overview"),
    path("tickets/assign/", api.TicketBulkAssignApi.as_view(), name="api-ticket-bulk-assign"),
    path("tickets/<str:number>/", api.TicketDetailApi.as_view(), name="api-ticket-detail"),
    path("tickets/<str:number>/substatus/", api.TicketSubstatusApi.as_view()),
    path("tickets/<str:number>/promise/", api.TicketPromiseApi.as_view()),
    path("tickets/<str:number>/assign/", api.TicketAssignApi.as_view()),
    path(
        "tickets/<str:number>/attachments/",
        api.TicketAttachmentsApi.as_view(),
        name="api-ticket-attachments",
    ),
    path(
        "tickets/<str:number>/attachments/<int:attachment_id>/",
        api.TicketAttachmentFileApi.as_view(),
        name="api-ticket-attachment-file",
    ),
    path(
        "tickets/<str:number>/compensation/",
        api.TicketCompensationApi.as_view(),
        name="api-ticket-compensation",
    ),
    path("tickets/<str:number>/compensation/answer/", api.TicketCompensationAnswerApi.as_view()),
    path("tickets/<str:number>/notes/", api_log.TicketNotesApi.as_view(), name="api-ticket-notes"),
    path("tickets/<str:number>/calls/", api_log.TicketCallsApi.as_view(), name="api-ticket-calls"),
    path("tickets/<str:number>/<str:action>/", api.TicketActionApi.as_view()),
]
