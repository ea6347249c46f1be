"""A small IMAP4 server for tests: LOGIN, SELECT, SEARCH UNSEEN, FETCH (RFC822), STORE
+FLAGS (\\Seen) and LOGOUT over a real socket, enough for ``imaplib`` to read a mailbox."""

from __future__ import annotations

import socketserver
import threading


class Mailbox:
    def __init__(self, messages: list[bytes]):
        self.messages = list(messages)
        self.seen: set[int] = set()


class _Handler(socketserver.StreamRequestHandler):
    def send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        box: Mailbox = self.server.mailbox  # type: ignore[attr-defined]
        self.send("* OK fake IMAP ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            tag, _, rest = raw.decode().strip().partition(" ")
            command, _, args = rest.partition(" ")
            command = command.upper()
            if command == "CAPABILITY":
                self.send("* CAPABILITY IMAP4rev1")
                self.send(f"{tag} OK CAPABILITY done")
            elif command == "LOGIN":
                self.send(f"{tag} OK LOGIN done")
            elif command == "SELECT":
                self.send(f"* {len(box.messages)} EXISTS")
                self.send(f"{tag} OK [READ-WRITE] SELECT done")
            elif command == "SEARCH":
                unseen = [str(i + 1) for i in range(len(box.messages)) if i + 1 not in box.seen]
                self.send("* SEARCH " + " ".join(unseen))
                self.send(f"{tag} OK SEARCH done")
            elif command == "FETCH":
                number = int(args.split()[0])
                body = box.messages[number - 1]
                self.wfile.write(f"* {number} FETCH (RFC822 {{{len(body)}}}\r\n".encode())
                self.wfile.write(body + b")\r\n")
                self.send(f"{tag} OK FETCH done")
            elif command == "STORE":
                number = int(args.split()[0])
                box.seen.add(number)
                self.send(f"* {number} FETCH (FLAGS (\\Seen))")
                self.send(f"{tag} OK STORE done")
            elif command == "LOGOUT":
                self.send("* BYE")
                self.send(f"{tag} OK LOGOUT done")
                return
            else:
                self.send(f"{tag} BAD unknown command")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def serve(mailbox: Mailbox) -> tuple[_Server, int]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.mailbox = mailbox  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]
