"""Every file goes through Django's storage API: with the S3-compatible store
(FILE_STORE=s3, here moto's emulator) uploads, scans, downloads and the NRTA package
never touch MEDIA_ROOT."""

import zipfile
from io import BytesIO
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Attachment
from core.models import JobStatus
from reviews.outcome.nrta_package import nrta_package_request
from tests.factories import make_case, pdf_upload
from tests.s3 import BUCKET, s3_store  # noqa: F401 - the fixture

# A whole PDF: uploads are opened with pypdf (page count, no JavaScript), a bare header is refused.
PDF = pdf_upload().read()


def _keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def _nothing_on_disk(settings) -> bool:
    media = Path(settings.MEDIA_ROOT)
    return not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_an_upload_goes_to_the_bucket_and_comes_back_from_it(s3_store, client, cast, settings):  # noqa: F811
    draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    client.post(
        reverse("attachment_upload", args=[draft.pk]),
        {"file": SimpleUploadedFile("年度报告.pdf", PDF), "kind": "evidence", "description": "佐证"},
    )
    attachment = Attachment.objects.get(case=draft)
    assert attachment.file.name in _keys(s3_store)
    assert _nothing_on_disk(settings)

    response = client.get(reverse("attachment_download", args=[draft.pk, attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_the_nrta_package_is_built_into_the_bucket_and_downloaded_from_it(
    s3_store,  # noqa: F811
    world,
    client,
    cast,
    settings,
    django_capture_on_commit_callbacks,
):
    assert all(key.startswith("cases/") for key in _keys(s3_store)) and _keys(s3_store)
    with django_capture_on_commit_callbacks(execute=True):
        package = nrta_package_request(campaign=cast.campaign, actor=cast.province_admin)
    package.refresh_from_db()
    assert package.status == JobStatus.DONE, package.error
    assert package.file.name == f"jobs/nrta_package/{package.pk}.zip" in _keys(s3_store)
    assert package.size == default_storage.size(package.file.name)
    assert _nothing_on_disk(settings)

    client.force_login(cast.province_admin)
    response = client.get(reverse("job_download", args=[package.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    response.close()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        assert archive.testzip() is None and "00-推荐名单.pdf" in archive.namelist()
