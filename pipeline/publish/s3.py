"""Publishing the built site to an S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO).

Only what changed moves: the bucket keeps a manifest (``MANIFEST``) of the content hash,
Content-Type and Cache-Control each object was uploaded with, and every object also carries its
hash as ``x-amz-meta-sha256``. Uploads follow the plan's order (files, new pages, the pages that
link to them, then deletes; see ``pipeline/publish/plan.py``). Before the first upload the manifest
forgets the objects about to change, so a deploy that stops midway never leaves a hash that no longer
matches its object: the next deploy uploads those again.

The endpoint, region and credentials are boto3's own settings (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_REGION``, ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``, profiles),
unless given here.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from ..errors import DeployError
from .plan import DeployReport, DeployTarget, SiteFile, paper_pages, plan, scan

MANIFEST = ".academichub/manifest.json.gz"
DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes


@dataclass(frozen=True)
class S3Target:
    bucket: str
    endpoint_url: str | None = None  # None: boto3's AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS
    region: str | None = None  # None: boto3's AWS_REGION / AWS_DEFAULT_REGION / profile
    workers: int = 16  # uploads in flight at once


def _client(target: S3Target):
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise DeployError(
            "publishing to a bucket needs boto3: pip install 'academichub[s3]'", bucket=target.bucket
        ) from exc
    config = Config(
        retries={"max_attempts": 5, "mode": "standard"},
        max_pool_connections=target.workers,
        # only the checksums S3 itself requires: R2, B2 and older MinIO refuse the
        # CRC headers boto3 sends by default since 1.36
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.session.Session().client(
        "s3", endpoint_url=target.endpoint_url, region_name=target.region, config=config
    )


class _Bucket:
    """The calls a deploy makes, each turning the client's errors into a DeployError with the key."""

    def __init__(self, target: S3Target):
        self.name = target.bucket
        self.client = _client(target)
        self.url = self.client.meta.endpoint_url

    def _fail(self, what: str, exc: Exception, key: str | None = None) -> DeployError:
        from botocore.exceptions import ClientError

        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            reason = f"{error.get('Code', 'error')}: {error.get('Message') or exc}"
        else:
            reason = str(exc)
        return DeployError(f"could not {what}: {reason}", bucket=self.name, key=key, url=self.url)

    def _call(self, what: str, key: str | None, call: Callable, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return call(Bucket=self.name, **kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise self._fail(what, exc, key) from exc

    def keys(self) -> set[str]:
        keys: set[str] = set()
        token: dict = {}
        while True:
            page = self._call("list the bucket", None, self.client.list_objects_v2, **token)
            keys.update(item["Key"] for item in page.get("Contents", ()))
            if not page.get("IsTruncated"):
                return keys - {MANIFEST}
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def manifest(self, present: set[str]) -> dict[str, tuple[str, str, str]]:
        """What each object was uploaded with; empty before the first deploy (or if unreadable)."""
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.name, Key=MANIFEST)["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return {}
            raise self._fail("read the manifest", exc, MANIFEST) from exc
        try:
            files = json.loads(gzip.decompress(body))["files"]
            return {key: tuple(value) for key, value in files.items() if key in present}
        except (OSError, ValueError, KeyError, TypeError):
            return {}  # a damaged manifest: every file is uploaded again

    def write_manifest(self, files: dict[str, tuple[str, str, str]]) -> None:
        body = gzip.compress(
            json.dumps({"format": 1, "files": files}, sort_keys=True, separators=(",", ":")).encode(), mtime=0
        )
        self._call(
            "write the manifest",
            MANIFEST,
            self.client.put_object,
            Key=MANIFEST,
            Body=body,
            ContentType="application/gzip",
            CacheControl="no-store",
        )

    def upload(self, file: SiteFile) -> None:
        try:
            body = file.path.read_bytes()
        except OSError as exc:
            raise DeployError(
                f"could not read {file.path}: {exc.strerror or exc}", bucket=self.name, key=file.key, url=self.url
            ) from exc
        self._call(
            "upload",
            file.key,
            self.client.put_object,
            Key=file.key,
            Body=body,
            ContentType=file.content_type,
            CacheControl=file.cache_control,
            Metadata={"sha256": file.sha256},
        )

    def delete(self, keys: tuple[str, ...]) -> None:
        for start in range(0, len(keys), DELETE_BATCH):
            batch = keys[start : start + DELETE_BATCH]
            answer = self._call(
                "delete",
                batch[0],
                self.client.delete_objects,
                Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True},
            )
            for problem in answer.get("Errors", ()):
                raise DeployError(
                    f"could not delete: {problem.get('Code')}: {problem.get('Message')}",
                    bucket=self.name,
                    key=problem.get("Key"),
                    url=self.url,
                )


def deploy(output, target: S3Target, *, on_progress: Callable[[int, int], None] | None = None) -> DeployReport:
    """Publish the built site in ``output`` to the bucket: changed files, new pages, the pages that link to
    them, then deletes."""
    started = time.perf_counter()
    site = scan(output)
    bucket = _Bucket(target)
    present = bucket.keys()
    stored = bucket.manifest(present)
    todo = plan(site, stored, present)
    moving = {f.key for f in todo.uploads} | set(todo.delete)
    if moving & stored.keys():
        bucket.write_manifest({key: value for key, value in stored.items() if key not in moving})
    done = 0
    with ThreadPoolExecutor(max_workers=target.workers) as pool:
        for phase in todo.phases:  # a phase ends before the next begins
            futures = [pool.submit(bucket.upload, file) for file in phase]
            try:
                for future in as_completed(futures):
                    future.result()
                    done += 1
                    if on_progress:
                        on_progress(done, len(todo.uploads))
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    final = {f.key: f.headers for f in site}
    if final != stored:
        bucket.write_manifest(final)
    bucket.delete(todo.delete)
    return DeployReport(
        target=DeployTarget.S3,
        destination=f"s3://{target.bucket} ({bucket.url})",
        files=len(site),
        bytes=sum(f.size for f in site),
        papers=paper_pages(f.key for f in site),
        uploaded=len(todo.uploads),
        uploaded_bytes=sum(f.size for f in todo.uploads),
        deleted=len(todo.delete),
        unchanged=todo.unchanged,
        seconds=time.perf_counter() - started,
    )
