"""English is complete on the pages fixed for issue 19, part 8 (so far): the certificate
verification page, my certificates, my home, the error pages. The main part of each page holds
no Chinese but the data itself (names the catalogue has no English for yet)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tongban.accounts.models import User

CJK = re.compile(r"[\u4e00-\u9fff]")


def _main(html: str) -> str:
    main = html.split("<main>", 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("path", ["/certificates/verify/", "/no-such-page/"])
def test_public_pages_in_english(db: None, path: str) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(path).content.decode()
    assert 'lang="en"' in page
    assert not CJK.findall(_main(page)), _main(page)


@pytest.mark.parametrize("path", ["/my/certificates/", "/me/"])
def test_signed_in_pages_in_english(zhangsan: User, path: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(zhangsan)
    text = _main(client.get(path).content.decode()).replace(zhangsan.real_name, "")
    assert not CJK.findall(text), text


def test_a_verification_result_reads_in_english(db: None) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    answer = client.post(
        "/certificates/verify/", {"file": SimpleUploadedFile("x.pdf", b"not a pdf at all")}
    )
    text = _main(answer.content.decode())
    assert "Not a PDF file" in text or "cannot be verified" in text, text
    assert not CJK.findall(text), text
