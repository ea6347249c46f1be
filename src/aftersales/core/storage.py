"""File storage that leaves nothing behind when a write fails.

Django's ``FileSystemStorage`` keeps what it wrote so far when the disk fills up (or any
other error stops the copy): a half video nobody can open, and no row pointing at it. This
one removes the partial file and lets the error go on to the service, which refuses the
upload with a message.
"""

from __future__ import annotations

import contextlib
import os

from django.core.files.storage import FileSystemStorage


class CleanFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            with contextlib.suppress(OSError):  # never created, or already gone
                os.remove(self.path(name))
            raise
