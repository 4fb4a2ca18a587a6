"""Files that leave the app, protected with a password (issue 17, item 6).

A PDF is encrypted with AES-256 (PDF 2.0's security handler, revision 6) through ``pikepdf``;
a workbook with Office's own encryption (ECMA-376 agile: AES-256 with a SHA-512 key derived
from the password) through ``msoffcrypto-tool``, so Excel and LibreOffice ask for the password
when they open it. Both work on bytes in memory: a document is rendered to bytes, protected
here, and only the protected bytes are written (``scs_victims.exports.write_bytes_atomically``),
so no file, not even a temporary one, ever holds the plain document.

CHOICE: the PDF's owner password is its user password. There is no second password to keep,
and whoever may open the file may print it (every permission is granted: with one password for
both, restrictions would bind nobody who can read it).

CHOICE: a password has at least 8 characters (the shortest any council policy we know asks
for); nothing more is checked, since it is shared with the recipient by another route.

Passwords are never logged, recorded in the audit log or put in a message.
"""

from __future__ import annotations

import io
from typing import Literal

from scs_victims.errors import FormInvalid, InputRefused

MIN_PASSWORD_LENGTH = 8
PASSWORD_RULE = f"A password must have at least {MIN_PASSWORD_LENGTH} characters."
Kind = Literal["pdf", "xlsx"]


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot protect a file, or None when it can."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return PASSWORD_RULE
    return None


def check_password(password: str | None) -> None:
    """Refuse (``FormInvalid`` on the ``password`` field) a password that breaks the rule;
    None (no protection) passes."""
    if password is None:
        return
    problem = password_problem(password)
    if problem is not None:
        raise FormInvalid({"password": problem},
                          f"{problem} Nothing was saved.")


def refuse_for_csv(fmt: str, password: str | None) -> None:
    """A CSV file cannot carry a password: say so rather than write it plain."""
    if password is not None and fmt == "csv":
        raise InputRefused("A CSV file cannot be protected with a password: save it as "
                           "XLSX, or without a password.")


def protect_pdf(data: bytes, password: str) -> bytes:
    """The PDF ``data`` encrypted with AES-256 (R=6); ``password`` opens it."""
    import pikepdf

    check_password(password)
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(
            owner=password, user=password, R=6, aes=True, metadata=True,
            allow=pikepdf.Permissions()))  # printing and everything else: see the CHOICE
    return out.getvalue()


def protect_workbook(data: bytes, password: str) -> bytes:
    """The XLSX ``data`` in Office's encrypted container (an OLE compound file)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    check_password(password)
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def protect(data: bytes, kind: Kind, password: str | None) -> bytes:
    """``data`` protected with ``password``, or as it is when there is none."""
    if password is None:
        return data
    return protect_pdf(data, password) if kind == "pdf" else protect_workbook(data, password)
