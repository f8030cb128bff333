#!/usr/bin/python3
"""Times Stem, the reference Python controller library, on the event mix that
text_codec_bench's EventMix parses: the CIRC, STREAM, ORCONN, BW and NOTICE events of
tests/fixtures/text/events_network.txt. Each event goes from raw bytes to Stem's typed
event object (stem.response.ControlMessage.from_str with msg_type 'EVENT'), as EventMix
goes from bytes to torctl's typed event. Prints one line: "stem_events_per_second N".

Usage: stem_events.py FIXTURE_DIR [SECONDS]   (needs Debian's python3-stem)
"""
import sys
import time

try:
    from stem.response import ControlMessage
except ImportError:
    sys.exit("stem_events.py: Stem is not installed (Debian package python3-stem)")

MIX = ("CIRC", "STREAM", "ORCONN", "BW", "NOTICE")


def main():
    fixture_dir = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    with open(f"{fixture_dir}/text/events_network.txt", "rb") as f:
        raw = f.read().decode()
    events = [line + "\r\n" for line in raw.split("\r\n")
              if line.startswith("650 ") and line.split(" ")[1] in MIX]
    parsed = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for event in events:
            ControlMessage.from_str(event, "EVENT")
        parsed += len(events)
    elapsed = time.perf_counter() - start
    print(f"stem_events_per_second {parsed / elapsed:.0f}")


if __name__ == "__main__":
    main()
