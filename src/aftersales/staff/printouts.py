"""The training certificate (培训合格证书) of a pass."""

from __future__ import annotations

from aftersales.core.pdf import render_pdf


def certificate_pdf(attendance) -> bytes:
    session = attendance.session
    return render_pdf(
        "staff/print/certificate.html",
        {"a": attendance, "session": session, "course": session.course, "person": attendance.user},
        title=f"培训合格证书 {attendance.certificate_no}",
    )
