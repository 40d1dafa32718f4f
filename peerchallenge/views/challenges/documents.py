"""The challenge's documents: uploaded and deleted by the host's side, downloaded by anyone
who may see the challenge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from peerchallenge.documents import download_name
from peerchallenge.forms import challenges as f
from peerchallenge.models import ChallengeDocument
from peerchallenge.services import workspace

from ._common import (
    attachment,
    bound,
    challenge_for,
    forbid_unless,
    may_host,
    part_url,
    render_part,
)

URL = "peerchallenge:challenge_documents"


@login_required
def challenge_documents(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = challenge_for(request, pk)
    may_edit = may_host(request, challenge)
    if request.method == "POST":
        forbid_unless(may_edit)
    form = f.DocumentForm(*bound(request, files=True)) if may_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        document = workspace.document_add(
            user=request.user,
            challenge=challenge,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
        )
        messages.success(request, f"“{document.title}” was uploaded.")
        return redirect(URL, pk=challenge.pk)
    documents = list(challenge.documents.select_related("uploaded_by"))
    return render_part(
        request, "documents.html", challenge, "documents", documents=documents, form=form
    )


def _document(request: HttpRequest, pk: int, document_pk: int):
    challenge = challenge_for(request, pk)
    document = get_object_or_404(ChallengeDocument, pk=document_pk, challenge=challenge)
    document.challenge = challenge  # already fetched with its host
    return challenge, document


@login_required
def challenge_document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    _challenge, document = _document(request, pk, document_pk)
    return attachment(
        document.file,
        filename=download_name(document.title, document.file.name),
        content_type=document.content_type,
    )


@login_required
def challenge_document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    challenge, document = _document(request, pk, document_pk)
    forbid_unless(may_host(request, challenge))
    if request.method == "POST":
        title = document.title
        workspace.document_delete(user=request.user, document=document)
        messages.success(request, f"“{title}” was deleted.")
        return redirect(URL, pk=challenge.pk)
    return render_part(
        request,
        "confirm_delete.html",
        challenge,
        "documents",
        title=f"Are you sure you want to delete “{document.title}”?",
        cancel_url=part_url(URL, challenge),
        button="Delete the document",
    )
