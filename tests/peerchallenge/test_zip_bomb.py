"""A zip bomb in a document upload (issue 11, item 10): a small .odt whose members inflate to
hundreds of megabytes is refused with a clear message, and checking it costs no memory (the
sizes are checked first and members are read in bounded chunks that stop at the cap)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funds.evidence import check_evidence
from peerchallenge import documents
from peerchallenge.models import ChallengeDocument

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
INFLATED = 300 * 1024 * 1024  # what the bomb's member unpacks to
MESSAGE = "is not a real OpenDocument text: it unpacks to more than 200 MB"


def _zeros_member(archive: zipfile.ZipFile, name: str, head: bytes, size: int) -> None:
    """A member of `head` and then zeros up to `size` bytes, written 1 MB at a time."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    chunk = b"\0" * (1024 * 1024)
    with archive.open(info, "w") as member:
        member.write(head)
        written = len(head)
        while written < size:
            part = chunk[: size - written]
            member.write(part)
            written += len(part)


@pytest.fixture(scope="module")
def bombs() -> dict[str, bytes]:
    """Two real small zip bombs: one in the member the check reads (mimetype), one in the
    document's body (content.xml)."""
    made = {}
    for target in ("mimetype", "content.xml"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            if target == "mimetype":
                _zeros_member(archive, "mimetype", ODT_MIMETYPE, INFLATED)
                archive.writestr("content.xml", b"<c/>")
            else:
                archive.writestr("mimetype", ODT_MIMETYPE)
                _zeros_member(archive, "content.xml", b"<c>", INFLATED)
        made[target] = buffer.getvalue()
        assert len(made[target]) < documents.MAX_BYTES // 10  # well under the upload limit
    return made


@pytest.mark.parametrize("target", ["mimetype", "content.xml"])
def test_the_check_refuses_a_bomb_without_unpacking_it(bombs, target):
    upload = SimpleUploadedFile("notes.odt", bombs[target])
    tracemalloc.start()
    try:
        with pytest.raises(forms.ValidationError) as refused:
            documents.check_upload(upload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert MESSAGE in refused.value.messages[0]
    assert peak < 8 * 1024 * 1024, f"checking the upload took {peak / 2**20:.0f} MB"


def test_a_member_is_read_in_chunks_up_to_the_cap_only():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _zeros_member(archive, "big", b"", 50 * 1024 * 1024)
    with zipfile.ZipFile(buffer) as archive:
        assert documents.read_member(archive, "big", 50 * 1024 * 1024) == b"\0" * (50 * 2**20)
        tracemalloc.start()
        try:
            with pytest.raises(documents.ZipTooLarge):
                documents.read_member(archive, "big", 1024 * 1024)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


def test_too_many_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT_MIMETYPE)
        archive.writestr("content.xml", b"<c/>")
        for n in range(documents.MAX_MEMBERS):
            archive.writestr(str(n), b"")
    with pytest.raises(forms.ValidationError) as refused:
        documents.check_upload(SimpleUploadedFile("notes.odt", buffer.getvalue()))
    assert "it holds more than 10,000 parts" in refused.value.messages[0]


@pytest.mark.django_db
def test_the_challenge_page_shows_the_error_and_saves_nothing(
    bombs, challenge, officer, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(officer).post(
        reverse("peerchallenge:challenge_documents", kwargs={"pk": challenge.pk}),
        {"title": "Our plan", "file": SimpleUploadedFile("plan.odt", bombs["content.xml"])},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and MESSAGE in page
    assert not ChallengeDocument.objects.exists()


def test_funds_evidence_refuses_it_too(bombs):
    with pytest.raises(forms.ValidationError) as refused:
        check_evidence(SimpleUploadedFile("quote.odt", bombs["mimetype"]))
    assert MESSAGE in refused.value.messages[0]
