"""An SMTP server that only counts (run as its own process, so the benchmark measures the
sender alone): `python -m bench._smtp_sink PORT` prints "ready", and when its standard input
closes, the number of connections and messages it received."""

import json
import sys

from aiosmtpd.controller import Controller


class CountingHandler:
    def __init__(self):
        self.connections = 0
        self.messages = 0
        self.recipients = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.connections += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        self.recipients += len(envelope.rcpt_tos)
        return "250 OK"


def main(port: int) -> None:
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()
    print(json.dumps(handler.__dict__), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
