// Counts heap allocations in a test binary: allocation_counter.cpp replaces the global
// operator new, so link it only into binaries that exist to count.
#pragma once

namespace torctl::testing {

// Allocations through operator new since the program started: by every thread, or by
// the calling thread only.
long allocation_count() noexcept;
long thread_allocation_count() noexcept;

}  // namespace torctl::testing
