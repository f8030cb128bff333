#!/usr/bin/python3
"""Times Stem, the reference Python controller library, doing GETINFO version round
trips against a running tor, the way client_bench times torctl and a raw socket client
against the same tor in the same run. Caching is turned off, so every call goes to tor.

  sequential: one call after another on one connection.
  concurrent: THREADS threads sharing the connection, each calling in a loop. Stem has
              no pipelining (a lock serializes requests on a connection); this is the
              most it offers to overlap requests.

Prints "stem_sequential_per_second N" and "stem_concurrent_per_second N".
Usage: stem_getinfo.py PORT COUNT [THREADS]   (needs Debian's python3-stem)
"""
import sys
import threading
import time

try:
    import stem.control
except ImportError:
    sys.exit("stem_getinfo.py: Stem is not installed (Debian package python3-stem)")


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    with stem.control.Controller.from_port(address="127.0.0.1", port=port) as controller:
        controller.authenticate(chroot_path=None)
        controller.set_caching(False)
        start = time.perf_counter()
        for _ in range(count):
            controller.get_info("version")
        sequential = count / (time.perf_counter() - start)

        each = max(1, count // threads)

        def work():
            for _ in range(each):
                controller.get_info("version")

        workers = [threading.Thread(target=work) for _ in range(threads)]
        start = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        concurrent = each * threads / (time.perf_counter() - start)
    print(f"stem_sequential_per_second {sequential:.0f}")
    print(f"stem_concurrent_per_second {concurrent:.0f}")


if __name__ == "__main__":
    main()
