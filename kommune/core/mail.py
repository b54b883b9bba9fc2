"""The console e-mail backend of development and `make run`, readable by people.

Django's console backend prints the message as it would go over the wire: a German text with umlauts and long
lines goes out quoted-printable, so "=3D" and soft line breaks ("=" at the end of a line) cut every link in two.
This one prints the headers and then each text part decoded, and names the attachments.
"""

from django.core.mail.backends.console import EmailBackend

SKIPPED_HEADERS = {"content-transfer-encoding", "mime-version"}


class ConsoleEmailBackend(EmailBackend):
    def write_message(self, message) -> None:
        mime = message.message()
        lines = [f"{name}: {value}" for name, value in mime.items() if name.lower() not in SKIPPED_HEADERS]
        for part in mime.walk():
            if part.is_multipart():
                continue
            filename = part.get_filename()
            if filename or part.get_content_maintype() != "text":
                size = len(part.get_payload(decode=True) or b"")
                lines += ["", f"[attachment: {filename or 'unnamed'}, {part.get_content_type()}, {size} bytes]"]
            else:
                lines += ["", f"--- {part.get_content_type()} ---", part.get_content().rstrip("\n")]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
