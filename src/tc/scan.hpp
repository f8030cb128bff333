// Internal: the three searches the line grammars spend their time in, each done 16
// octets at a time with SSE2 where the compiler targets it (every x86-64 does), else 8 at
// a time in a 64-bit word (SWAR), and octet by octet for the last few. Every mask below
// is exact: a bit is set if and only if its octet matches, so the lowest set bit marks
// the first match. Defining TORCTL_PORTABLE_SCAN turns the SSE2 path off, so that the
// word path is tested too (scripts/test.sh does this in its sanitizer build).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__) && !defined(TORCTL_PORTABLE_SCAN)
#include <emmintrin.h>
#define TORCTL_SCAN_SSE2 1
#endif
// AVX-512BW is used where the processor has it, chosen at run time (the build does not
// assume it): only for CONFVALUE validation, the one 64 KB body on a hot path.
#if defined(__x86_64__) && !defined(TORCTL_PORTABLE_SCAN)
#include <immintrin.h>
#define TORCTL_SCAN_AVX512 1
#endif

namespace torctl::tc::scan {

// Whether CONFVALUE validation uses AVX-512BW: only where the processor has it, and only
// while allowed (the default). Tests turn it off to run the SSE2 path on the same machine.
void allow_avx512(bool allowed) noexcept;
bool avx512_in_use() noexcept;

constexpr bool is_key_octet(unsigned char c) noexcept {
  return c >= 0x21 && c <= 0x7E;
}

namespace word {

inline constexpr std::uint64_t ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t high = 0x8080808080808080ULL;
inline constexpr std::uint64_t low7 = ~high;
// The word tricks read the first octet from the low end of the word.
inline constexpr bool enabled = std::endian::native == std::endian::little;

inline std::uint64_t load(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// Octets equal to c (bit 7 of each).
constexpr std::uint64_t equal(std::uint64_t w, unsigned char c) noexcept {
  const std::uint64_t x = w ^ (ones * c);
  return ~(((x & low7) + low7) | x) & high;
}

// Octets below n, for n <= 0x80. No carry crosses an octet: (b & 0x7F) + (0x80 - n) < 0x100.
constexpr std::uint64_t below(std::uint64_t w, unsigned char n) noexcept {
  return ~(((w & low7) + ones * static_cast<unsigned char>(0x80 - n)) | w) & high;
}

constexpr std::size_t first(std::uint64_t mask) noexcept {
  return static_cast<std::size_t>(std::countr_zero(mask)) / 8;
}

}  // namespace word

#ifdef TORCTL_SCAN_SSE2
inline __m128i load16(const char* p) noexcept {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
inline std::size_t first16(int mask) noexcept {
  return static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(mask)));
}
#endif

// Length of the run of key octets (0x21 to 0x7E) at the start of [p, end). `Wide` picks
// the SSE2 path where there is one: it wins on long bodies, but on lines of a dozen
// octets its setup costs more than it saves (measured by bench/tc_codec_bench).
template <bool Wide>
inline std::size_t key_length(const char* p, const char* end) noexcept {
  const auto n = static_cast<std::size_t>(end - p);
  std::size_t i = 0;
#ifdef TORCTL_SCAN_SSE2
  if constexpr (Wide) {
    // Signed compare: octets from 0x80 up are negative, so "below 0x21" catches them too.
    const __m128i space = _mm_set1_epi8(0x21);
    const __m128i del = _mm_set1_epi8(0x7F);
    for (; i + 16 <= n; i += 16) {
      const __m128i v = load16(p + i);
      const int bad =
          _mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)));
      if (bad != 0) return i + first16(bad);
    }
  }
#endif
  if constexpr (word::enabled) {
    for (; i + 8 <= n; i += 8) {
      const std::uint64_t w = word::load(p + i);
      const std::uint64_t bad = word::below(w, 0x21) | (w & word::high) | word::equal(w, 0x7F);
      if (bad != 0) return i + word::first(bad);
    }
  }
  while (i < n && is_key_octet(static_cast<unsigned char>(p[i]))) ++i;
  return i;
}

// The first NL, CR or NUL in [p, end), or end. `Wide` as for key_length.
template <bool Wide>
inline const char* find_stop(const char* p, const char* end) noexcept {
#ifdef TORCTL_SCAN_SSE2
  if constexpr (Wide) {
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i nul = _mm_setzero_si128();
    for (; end - p >= 16; p += 16) {
      const __m128i v = load16(p);
      const int hit = _mm_movemask_epi8(_mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, nl), _mm_cmpeq_epi8(v, cr)), _mm_cmpeq_epi8(v, nul)));
      if (hit != 0) return p + first16(hit);
    }
  }
#endif
  if constexpr (word::enabled) {
    for (; end - p >= 8; p += 8) {
      const std::uint64_t w = word::load(p);
      const std::uint64_t hit = word::equal(w, '\n') | word::equal(w, '\r') | word::equal(w, 0);
      if (hit != 0) return p + word::first(hit);
    }
  }
  while (p != end && *p != '\n' && *p != '\r' && *p != '\0') ++p;
  return p;
}

#ifdef TORCTL_SCAN_SSE2
// Bit i set where p[i] is NL, for the 64 octets from p (all of which must be readable).
inline std::uint64_t newline_mask64(const char* p) noexcept {
  const __m128i nl = _mm_set1_epi8('\n');
  const auto mask16 = [&](int at) {
    return static_cast<std::uint64_t>(
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(load16(p + at), nl))));
  };
  return mask16(0) | mask16(16) << 16 | mask16(32) << 32 | mask16(48) << 48;
}
#endif

// The first NL in [p, end), or end. Lines are mostly short: the first 128 octets are
// searched inline, which beats a call to memchr; the rest goes to memchr.
inline const char* find_newline(const char* p, const char* end) noexcept {
  const char* inline_end = end - p > 128 ? p + 128 : end;
#ifdef TORCTL_SCAN_SSE2
  const __m128i nl = _mm_set1_epi8('\n');
  for (; inline_end - p >= 16; p += 16) {
    const int hit = _mm_movemask_epi8(_mm_cmpeq_epi8(load16(p), nl));
    if (hit != 0) return p + first16(hit);
  }
#endif
  if constexpr (word::enabled) {
    for (; inline_end - p >= 8; p += 8) {
      const std::uint64_t hit = word::equal(word::load(p), '\n');
      if (hit != 0) return p + word::first(hit);
    }
  }
  const void* found = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
  return found != nullptr ? static_cast<const char*>(found) : end;
}

}  // namespace torctl::tc::scan
