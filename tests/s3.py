"""The S3-compatible file store in tests: moto's in-process emulator, the project's
FILE_STORE=s3 options (config/settings.py) pointed at one bucket."""

import pytest

BUCKET = "casework-test"


def s3_storage_settings(*, bucket: str = BUCKET, endpoint_url: str | None = None) -> dict:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "region_name": "us-east-1",
            "access_key": "testing",
            "secret_key": "testing",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


@pytest.fixture
def s3_store(settings, monkeypatch):
    """The default storage is a private bucket in moto's emulator for this test."""
    import boto3
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings()}
        yield client
