//! Finding where digits are, fast: counting them (most values hold too few to matter) and
//! the vector cursor that jumps to the next digit of a page.

use super::chars::digit_at;

/// How many digits `b` holds, at most: each digit of any kind sets one bit of the mask
/// (an ASCII digit, the `BC` of a full-width one, the `9D` of a mathematical one; a
/// reference has ASCII digits). Stops counting at `enough`.
pub fn count_digits(b: &[u8], enough: usize) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i + 17 <= b.len() {
        n += digit_mask(&b[i..i + 17]).count_ones() as usize;
        if n >= enough {
            return n;
        }
        i += 16;
    }
    let tail = &b[i..];
    n + tail
        .iter()
        .zip(tail.iter().skip(1).chain(std::iter::once(&0)))
        .filter(|&(&c, &next)| {
            c.is_ascii_digit()
                || (c == 0xBC && (0x90..=0x99).contains(&next))
                || (c == 0x9D && next == 0x9F)
        })
        .count()
}

/// Whether `text` may hold a number at all: it has fewer than eleven digit characters
/// otherwise (each digit of any kind, or a character reference for one, brings at least one
/// of the bytes counted). Most values (names, titles, dates) stop here.
#[inline]
pub fn may_hold(b: &[u8]) -> bool {
    b.len() >= 11 && count_digits(b, 11) >= 11
}

/// The first position at or after `i` where a digit starts (ASCII, full-width or
/// mathematical).
#[cfg(test)]
pub(super) fn next_candidate(b: &[u8], i: usize) -> Option<usize> {
    Candidates::new(b).next(i)
}

/// Digit lead bytes of `b`, found 32 bytes at a time: a mask of ASCII digits and of the
/// bytes `BC` (second byte of a full-width digit) and `9D` (of a mathematical one). Chinese
/// text has few of either (`BC` also in full-width punctuation such as `，`); each flagged
/// byte is checked exactly, from its lead byte. The last block's mask is kept, so a scan
/// that goes on after a short run does not read the block again.
pub(super) struct Candidates<'a> {
    b: &'a [u8],
    /// Start of the block whose mask is kept (`usize::MAX`: none).
    base: usize,
    mask: u32,
}

impl<'a> Candidates<'a> {
    pub(super) fn new(b: &'a [u8]) -> Self {
        Candidates {
            b,
            base: usize::MAX,
            mask: 0,
        }
    }

    /// The first position at or after `from` where a digit starts.
    pub(super) fn next(&mut self, from: usize) -> Option<usize> {
        let b = self.b;
        let mut i = from;
        if self.base != usize::MAX && from >= self.base && from < self.base + 32 {
            if let Some(lead) = self.first(self.mask & (!0u32 << (from - self.base)), from) {
                return Some(lead);
            }
            i = self.base + 32;
        }
        while i + 32 <= b.len() {
            self.base = i;
            self.mask = lead_mask(&b[i..i + 16]) | (lead_mask(&b[i + 16..i + 32]) << 16);
            if let Some(lead) = self.first(self.mask, from) {
                return Some(lead);
            }
            i += 32;
        }
        self.base = usize::MAX;
        (i.saturating_sub(2).max(from)..b.len()).find(|&j| digit_at(b, j).is_some())
    }

    /// The first digit flagged in `m` (bits of the kept block) that starts at or after `from`.
    #[inline(always)]
    pub(super) fn first(&self, mut m: u32, from: usize) -> Option<usize> {
        while m != 0 {
            let k = self.base + m.trailing_zeros() as usize;
            if self.b[k].is_ascii_digit() {
                return Some(k);
            }
            let lead = k.saturating_sub(1);
            if lead >= from && digit_at(self.b, lead).is_some() {
                return Some(lead);
            }
            m &= m - 1;
        }
        None
    }
}

/// Bit `k` set when byte `k` of `w[..16]` is an ASCII digit, `BC` or `9D`: a superset of
/// the places where a digit's lead byte is at `k` or `k - 1`, in fewer instructions than
/// [`digit_mask`].
#[inline(always)]
pub(super) fn lead_mask(w: &[u8]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        debug_assert!(w.len() >= 16);
        // SAFETY: SSE2 is part of x86_64; the unaligned load reads 16 bytes inside `w`.
        unsafe {
            let x = _mm_loadu_si128(w.as_ptr().cast());
            // `0`..`9` moved to the bottom of the signed range: one add and one compare.
            let ascii = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(0x50)), _mm_set1_epi8(-118));
            let wide = _mm_or_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(0xBCu8 as i8)),
                _mm_cmpeq_epi8(x, _mm_set1_epi8(0x9Du8 as i8)),
            );
            _mm_movemask_epi8(_mm_or_si128(ascii, wide)) as u32
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut m = 0u32;
        for (k, &c) in w[..16].iter().enumerate() {
            m |= u32::from(c.is_ascii_digit() || c == 0xBC || c == 0x9D) << k;
        }
        m
    }
}

/// Bit `k` set when byte `k` of `w[..16]` is an ASCII digit, or `BC` before `90..99`, or
/// `9D` before `9F` (`w` has one byte more, for the byte after).
#[inline(always)]
pub(super) fn digit_mask(w: &[u8]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        debug_assert!(w.len() >= 17);
        // SAFETY: SSE2 is part of x86_64; both unaligned loads read 16 bytes inside `w`
        // (17 long).
        unsafe {
            let x = _mm_loadu_si128(w.as_ptr().cast());
            let n = _mm_loadu_si128(w.as_ptr().add(1).cast());
            let within = |v: __m128i, lo: u8, hi: u8| {
                let lo = _mm_set1_epi8(lo as i8);
                let hi = _mm_set1_epi8(hi as i8);
                _mm_and_si128(
                    _mm_cmpeq_epi8(_mm_max_epu8(v, lo), v),
                    _mm_cmpeq_epi8(_mm_min_epu8(v, hi), v),
                )
            };
            let ascii = within(x, b'0', b'9');
            let full = _mm_and_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(0xBCu8 as i8)),
                within(n, 0x90, 0x99),
            );
            let math = _mm_and_si128(
                _mm_cmpeq_epi8(x, _mm_set1_epi8(0x9Du8 as i8)),
                _mm_cmpeq_epi8(n, _mm_set1_epi8(0x9Fu8 as i8)),
            );
            _mm_movemask_epi8(_mm_or_si128(ascii, _mm_or_si128(full, math))) as u32
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut m = 0u32;
        for k in 0..16 {
            let (c, n) = (w[k], w[k + 1]);
            let hit = c.is_ascii_digit()
                || (c == 0xBC && (0x90..=0x99).contains(&n))
                || (c == 0x9D && n == 0x9F);
            m |= (hit as u32) << k;
        }
        m
    }
}
